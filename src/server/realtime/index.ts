/**
 * The Socket.IO server of a worker: the original's events (README, Real time), fed by the
 * engine model (no polling), the shared log streams and the shared stats streams.
 *
 * Every worker keeps its own engine model, so state changes go to this worker's clients only
 * (`io.local`); what one worker alone knows (an action run through it) goes to every worker's
 * clients through the cluster adapter.
 */
import cluster from 'node:cluster';
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { Container, SocketContainer } from '../../shared/containers.js';
import type { ErrorCode } from '../../shared/errors.js';
import {
  clientEventSchemas,
  type LogStreamCode,
  type LogStreamStatus,
  type Ack,
  type ClientEvent,
  type ClientEventPayload,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../shared/events.js';
import { allows, type Role } from '../../shared/auth.js';
import type { Principal } from '../../shared/principal.js';
import type { Authenticator, Credential } from '../auth/authenticator.js';
import { unknownHostMessage, type KnownHosts } from '../auth/hosts.js';
import { corsOrigin, originAllowed } from '../auth/origins.js';
import type { ExecOperations } from '../engine/ports.js';
import { knownError } from '../errors.js';
import { asksForRecovery, PLAIN, RECOVERING, RecoverableClusterAdapter } from './adapter.js';
import type { TimelineEvent } from '../../shared/timeline.js';
import { CrashSummarySchema, type CrashReport } from '../../shared/crashes.js';
import { ADMINS_ROOM, feedAudit, type AuditSource } from './audit-feed.js';
import { EXEC_EVENTS, ExecSessions, type Audit, type ExecConnection } from './exec.js';
import {
  clientAddressOf,
  httpsOf,
  limitedAddressOf,
  OpenSockets,
  seconds,
  TokenBucket,
  type HitCounter,
  type SocketLimits,
} from './limits.js';
import { LogStreams, type LogSource } from './logs.js';
import { LogOutbox } from './outbox.js';
import { proves, watchCredentials, whyNotValid } from './revalidate.js';
import { StatsStreams } from './stats.js';

/** What a socket's session keeps across a reconnection (connection-state recovery). */
interface SessionData {
  principal: Principal;
  /** What proved it, checked again on every event and every few seconds (revalidate.ts). */
  credential: Credential;
  /** Set on recovery: "<timestamp> <container ref>" of the last log line the client got. */
  lastTag?: string;
  logs: Array<{ ref: string; batch: boolean; since: string | undefined }>;
  stats: string[];
}

type DwiServer = Server<ClientToServerEvents, ServerToClientEvents, object, SessionData>;
type DwiSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, SessionData>;

/** How long a disconnected client's session and the broadcasts it misses are kept. */
const RECOVERY_MS = 2 * 60_000;

/** An engine.io session that has not proved who it is by then is closed. */
const CONNECT_TIMEOUT_MS = 10_000;

/** A refused handshake, in the socket error shape: the message, and `{error, code}` as data. */
function refusal(code: ErrorCode, error: string): Error {
  return Object.assign(new Error(`${code}: ${error}`), { data: { error, code } });
}

/** What a client event's handler may do on its connection. */
interface Connection extends ExecConnection {
  startLogs(ref: string, batch: boolean, since: string | undefined, ack?: Ack): void;
  stopLogs(ref: string): void;
  startStats(ref: string, ack?: Ack): void;
  stopStats(ref: string): void;
}

interface ClientEventEntry<E extends ClientEvent> {
  schema: (typeof clientEventSchemas)[E];
  /** The least role the event needs. */
  role: Role;
  /** The payload it takes, for the error a bad one gets. */
  needs: string;
  handle(connection: Connection, payload: ClientEventPayload<E>, ack: Ack | undefined): void;
  /** Hears of a refusal for the role (to audit it). */
  denied?(connection: Connection, payload: unknown): void;
}

/**
 * Every client event: an allow-list, anything else is refused. The role check, validation and
 * error reply are done once for all of them, before a handler runs.
 */
export const CLIENT_EVENTS: { [E in ClientEvent]: ClientEventEntry<E> } = {
  start_log_stream: {
    schema: clientEventSchemas.start_log_stream,
    role: 'viewer',
    needs: '{container_id[, batch, since]}',
    handle: (connection, { container_id, batch = false, since }, ack) =>
      connection.startLogs(container_id, batch, since, ack),
  },
  stop_log_stream: {
    schema: clientEventSchemas.stop_log_stream,
    role: 'viewer',
    needs: '{container_id}',
    handle: (connection, { container_id }, ack) => {
      connection.stopLogs(container_id);
      ack?.({ status: 'stream_stopped' });
    },
  },
  start_stats_stream: {
    schema: clientEventSchemas.start_stats_stream,
    role: 'viewer',
    needs: '{container_id}',
    handle: (connection, { container_id }, ack) => connection.startStats(container_id, ack),
  },
  stop_stats_stream: {
    schema: clientEventSchemas.stop_stats_stream,
    role: 'viewer',
    needs: '{container_id}',
    handle: (connection, { container_id }, ack) => {
      connection.stopStats(container_id);
      ack?.({ status: 'stream_stopped' });
    },
  },
  ...EXEC_EVENTS,
};

/** engine.io's codes for a refused request (engine.io/lib/server.ts). */
const ENGINE_ERRORS: Record<number, string> = {
  0: 'Transport unknown',
  1: 'Invalid session',
  2: 'Bad handshake method',
  3: 'Bad request',
  4: 'Forbidden',
  5: 'Unsupported protocol version',
};

/** What a per-socket packet carries, for its recovery offset: a log line's timestamp and ref. */
function logTag([event, payload]: unknown[]): string | undefined {
  if (event === 'log_update') {
    const { log, container_id } = payload as { log: string; container_id: string };
    if (log === '') return undefined;
    const start = log.lastIndexOf('\n', log.length - 2) + 1;
    return `${log.slice(start, log.indexOf(' ', start))} ${container_id}`;
  }
  if (event === 'log_batch') {
    const { lines, container_id } = payload as { lines: string[]; container_id: string };
    const last = lines.at(-1);
    return last === undefined ? undefined : `${last.slice(0, last.indexOf(' '))} ${container_id}`;
  }
  return undefined;
}

export function socketContainer(container: Container): SocketContainer {
  return { ...container, container_id: container.id };
}

export interface Realtime {
  io: DwiServer;
  execSessions: ExecSessions;
  logStreams: LogStreams;
  statsStreams: StatsStreams;
  close(): Promise<void>;
}

export interface RealtimeOptions {
  engine: LogSource & ExecOperations;
  /** Writes an audit row (exec sessions are audited). */
  audit: Audit;
  /** socketio.server */
  log: Logger;
  /** engineio.server */
  engineLog: Logger;
  /** A followed log silent this long while its container runs is reported stale; 0: never. */
  staleAfterMs: number;
  /** Who connects: every handshake must prove someone (or `auth none`). */
  authenticator: Authenticator;
  /** Browser origins allowed to open a socket (empty: the server's own). */
  allowedOrigins: readonly string[];
  /** Host names answered to (DNS rebinding); a handshake naming another is refused. */
  knownHosts: KnownHosts;
  tls: boolean;
  /** Proxies whose X-Forwarded-For is believed, for the handshake limit's address. */
  forwardedAllowIps: readonly string[];
  limits: SocketLimits;
  /** Counts a handshake in the counters every worker shares (kept by the primary). */
  countHit: HitCounter;
  /** The audit rows this process writes, for admins' sockets (audit-feed.ts). */
  auditSource?: AuditSource;
  /** The timeline's rows as this process records them (history/recorder.ts). */
  timelineSource?: (listener: (events: TimelineEvent[]) => void) => () => void;
  /** Crash reports as this process makes them (history/crashes.ts). */
  crashSource?: (listener: (report: CrashReport) => void) => () => void;
}

export function attachRealtime(server: HttpServer, options: RealtimeOptions): Realtime {
  const { engine, log, engineLog, authenticator, limits } = options;
  const limitedAddress = limitedAddressOf(options.forwardedAllowIps);
  const overHttps = httpsOf(options.forwardedAllowIps, options.tls);
  const io: DwiServer = new Server(server, {
    path: '/socket.io',
    serveClient: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Events are checked against socket_event_max_bytes with a clear error; this bounds what
    // is read at all (a polling request may carry several packets).
    maxHttpBufferSize: 4 * limits.eventMaxBytes,
    // Pings well inside the idle timeouts of common proxies (60 s) keep connections open.
    pingInterval: 25_000,
    pingTimeout: 20_000,
    // Pages on the origins listed in allowed_origins may poll from there (CORS, as for REST).
    cors: {
      origin: (origin, answer) => answer(null, corsOrigin(origin, options.allowedOrigins)),
      credentials: true,
    },
    // Every new engine.io session (never a request of an existing one) comes through here.
    allowRequest: (req, answer) => {
      const { host } = req.headers;
      if (!options.knownHosts.allows(host))
        return answer(`misdirected_request: ${unknownHostMessage(host!)}`, false);
      // A page on another site must not open a socket with this site's cookie.
      if (
        !originAllowed(req.headers.origin, req.headers.host, overHttps(req), options.allowedOrigins)
      )
        return answer(`forbidden: Origin ${req.headers.origin} may not connect`, false);
      const address = limitedAddress(req);
      if (address === undefined) return answer(null, true);
      options.countHit(`socket ${address}`, limits.connectRate.periodMs, ({ count, resetAt }) => {
        if (count <= limits.connectRate.count) return answer(null, true);
        answer(
          `rate_limited: too many Socket.IO connections from ${address} (socket_connect_rate ${limits.connectRateText}): try again in ${seconds(resetAt - Date.now())} s`,
          false,
        );
      });
    },
    // Recovery comes with this adapter alone: Socket.IO's own would give every client offsets.
    ...(cluster.isWorker
      ? {
          // A recovered connection proves who it is like any other (the middleware below).
          connectionStateRecovery: {
            maxDisconnectionDuration: RECOVERY_MS,
            skipMiddlewares: false,
          },
          // Socket.IO calls it with `new`: a function, not an arrow.
          adapter: function (nsp: ConstructorParameters<typeof RecoverableClusterAdapter>[0]) {
            return new RecoverableClusterAdapter(nsp, RECOVERY_MS, logTag);
          } as never,
        }
      : {}),
  });
  const logStreams = new LogStreams(engine, log, options.staleAfterMs);
  const statsStreams = new StatsStreams(engine, log);
  const execSessions = new ExecSessions(engine, options.audit, log);
  const clientAddress = clientAddressOf(options.forwardedAllowIps);
  io.engine.on(
    'connection_error',
    (err: { code?: number; message?: string; req?: { url?: string } }) => {
      const what = ENGINE_ERRORS[err.code ?? -1] ?? err.message ?? 'refused';
      const sid = /[?&]sid=([^&]+)/.exec(err.req?.url ?? '')?.[1];
      engineLog.warn(`${what}${sid === undefined ? '' : ` ${sid}`}: request refused`);
    },
  );

  // One subscription to the model: every real state change, to every client of this worker.
  const unsubscribe = engine.containers.subscribe((change) => {
    if (change.kind === 'remove') {
      io.local.emit('container_state_changed', {
        ...socketContainer(change.container),
        state: 'deleted',
      });
    } else if (
      change.previous === undefined ||
      change.previous.status !== change.container.status ||
      change.previous.health !== change.container.health
    ) {
      io.local.emit('container_state_changed', socketContainer(change.container));
    }
  });
  const openSockets = new OpenSockets(limits.maxPerUser);

  // Every connection, a recovered one too, proves who it is (REST's credentials: a token or a
  // session cookie).
  io.use((socket, next) => {
    const identity = authenticator.identify(
      socket.handshake.headers,
      (socket.handshake.auth as { token?: unknown }).token,
    );
    if (identity === undefined) return next(refusal('unauthorized', 'log in or pass auth.token'));
    const { username, via } = identity.principal;
    // A session is given back only to the user it was made for.
    if (socket.recovered && socket.data.principal?.username !== username)
      return next(refusal('unauthorized', 'this session belongs to someone else'));
    // Counted per user; under auth none, where everyone is the same anonymous admin, per client
    // address (the host itself is not counted, as for the rate limits).
    const counted = via === 'none' ? limitedAddress(socket.request) : username;
    if (counted !== undefined) {
      // Counted from now, so a burst of handshakes cannot pass the cap together; released when
      // the socket goes, or at once if it never connects.
      if (!openSockets.add(counted, socket.id))
        return next(
          refusal(
            'rate_limited',
            `${counted} has ${limits.maxPerUser} sockets open on this worker already (socket_max_per_user): close one first`,
          ),
        );
      socket.once('disconnect', () => openSockets.remove(counted, socket.id));
      setImmediate(() => {
        if (!socket.connected) openSockets.remove(counted, socket.id);
      });
    }
    socket.data.principal = identity.principal;
    socket.data.credential = identity.credential;
    credentials.add(identity.credential);
    next();
  });

  /** Ends a socket whose credential no longer holds: an error saying why, then the connection. */
  const revoke = (socket: DwiSocket, reason: string) => {
    log.info(`socket ${socket.id} of ${socket.data.principal.username} ended: ${reason}`);
    socket.emit('error', { error: reason, code: 'unauthorized' });
    socket.disconnect(true);
  };
  const credentials = watchCredentials({
    authenticator,
    intervalMs: limits.authRecheckMs,
    sockets: () => io.of('/').sockets.values(),
    revoke,
  });

  const unsubscribeActions = engine.onAction((action) => io.emit('container_action', action));
  const stopAuditFeed = options.auditSource ? feedAudit(io, options.auditSource) : () => {};
  // One worker records; the cluster adapter carries its rows to every worker's clients.
  const stopTimelineFeed =
    options.timelineSource?.((events) => io.emit('timeline_event', { events })) ?? (() => {});
  const stopCrashFeed =
    options.crashSource?.((report) => io.emit('crash_report', summaryOf(report))) ?? (() => {});

  io.on('connection', (socket: DwiSocket) => {
    log.debug(`socket ${socket.id} ${socket.recovered ? 'recovered' : 'connected'}`);
    // The one room that says whether it gets offsets (a recovered socket is back in it already).
    void socket.join(asksForRecovery(socket.handshake.auth) ? RECOVERING : PLAIN);
    if (socket.data.principal.role === 'admin') void socket.join(ADMINS_ROOM);
    const outbox = new LogOutbox(socket);
    const watching = new Set<string>();
    const events = new TokenBucket(limits.eventRate);

    const fail = (ack: Ack | undefined, code: ErrorCode, error: string) => {
      socket.emit('error', { error, code });
      if (typeof ack === 'function') ack({ status: 'error', error, code });
    };
    const failed = (ack: Ack | undefined, what: string) => (err: unknown) => {
      const known = knownError(err);
      if (known === undefined) log.error({ err }, `${what} failed: ${(err as Error)?.message}`);
      fail(ack, known?.code ?? 'internal', known?.message ?? 'internal error');
    };

    // A stream's first chunk (with `since`, up to 5,000 lines) is read one stream at a time per
    // socket: a burst of start_log_stream costs one read at a time, not all of them at once.
    let firstChunks: Promise<unknown> = Promise.resolve();
    /** The latest start of each stream: one started again, or stopped, while queued is skipped. */
    const starts = new Map<string, object>();

    const startLogs = (ref: string, batch: boolean, since: string | undefined, ack?: Ack) => {
      if (outbox.has(ref)) logStreams.unsubscribe(ref, socket.id);
      outbox.open(ref, batch);
      const start = {};
      starts.set(ref, start);
      const subscriber = {
        id: socket.id,
        chunk: (lines: string[], streams: string) => outbox.chunk(ref, lines, streams),
        line: (line: string, stream: LogStreamCode) => outbox.line(ref, line, stream),
        saturated: () => outbox.saturated(ref),
        whenDrained: (wake: () => void) => outbox.whenDrained(wake),
        stopped: (message: string) =>
          socket.emit('log_stream_stopped', { container_id: ref, message }),
        status: (status: LogStreamStatus, message: string) =>
          socket.emit('log_stream_status', { container_id: ref, status, message }),
      };
      const subscribe = () => {
        if (socket.disconnected) return;
        if (starts.get(ref) !== start)
          return ack?.({ status: outbox.has(ref) ? 'stream_started' : 'stream_stopped' });
        return logStreams.subscribe(ref, subscriber, since).then(
          (containerId) => {
            // Gone while the stream opened: its disconnect found nothing to drop yet.
            if (socket.disconnected) logStreams.unsubscribe(containerId, socket.id);
            else ack?.({ status: 'stream_started' });
          },
          failed(ack, 'start_log_stream'),
        );
      };
      firstChunks = firstChunks.then(subscribe);
    };

    const startStats = (ref: string, ack?: Ack) => {
      watching.add(ref);
      statsStreams
        .watch(ref, {
          id: socket.id,
          sample: (stats) => socket.emit('stats_update', { container_id: ref, stats }),
          stopped: (message) => socket.emit('stats_stream_stopped', { container_id: ref, message }),
        })
        .then(
          (containerId) => {
            if (socket.disconnected) statsStreams.unwatch(containerId, socket.id);
            else ack?.({ status: 'stream_started' });
          },
          failed(ack, 'start_stats_stream'),
        );
    };

    if (socket.recovered) {
      // The broadcasts it missed were replayed; its streams go on from where they were.
      const { logs = [], stats = [], lastTag } = socket.data;
      // The client's own last line where it says so; otherwise the last line sent to it.
      const space = lastTag?.indexOf(' ') ?? -1;
      const [lastSince, lastRef] =
        space === -1 ? [] : [lastTag!.slice(0, space), lastTag!.slice(space + 1)];
      for (const { ref, batch, since } of logs)
        startLogs(ref, batch, ref === lastRef ? lastSince : since);
      for (const ref of stats) startStats(ref);
    } else {
      // A broadcast to its own room, so the client holds an offset to recover from at once.
      io.local
        .to(socket.id)
        .emit('connection_established', { message: 'Connected to Docker Web Interface' });
      socket.emit('initial_state', { containers: engine.containers.list().map(socketContainer) });
    }

    const connection: Connection = {
      exec: execSessions.forSocket(
        socket,
        {
          principal: socket.data.principal,
          source: clientAddress(socket.request) ?? null,
          peer: socket.request.socket.remoteAddress ?? null,
        },
        fail,
      ),
      startLogs,
      stopLogs: (ref) => {
        logStreams.unsubscribe(ref, socket.id);
        outbox.close(ref);
        starts.delete(ref);
        socket.emit('log_stream_stopped', { container_id: ref, message: 'Log stream stopped' });
      },
      startStats,
      stopStats: (ref) => {
        watching.delete(ref);
        statsStreams.unwatch(ref, socket.id);
        socket.emit('stats_stream_stopped', { container_id: ref, message: 'Stats stream stopped' });
      },
    };

    // Every client event goes through its entry: rate, credentials, size, role, then payload,
    // then handler. A refused one gets an error event (and an error ack) and goes no further.
    socket.use((packet) => {
      const [name, ...args] = packet as unknown[];
      const event = String(name).slice(0, 64);
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined;
      if (!events.take())
        return fail(
          ack,
          'rate_limited',
          `Too many events (socket_event_rate ${limits.eventRateText}): try again in ${seconds(events.retryAfterMs())} s`,
        );
      const invalid = whyNotValid(
        socket.data.principal,
        proves(authenticator, socket.data.credential),
      );
      if (invalid !== undefined) {
        ack?.({ status: 'error', error: invalid, code: 'unauthorized' });
        return revoke(socket, invalid);
      }
      const bytes = Buffer.byteLength(JSON.stringify(args));
      if (bytes > limits.eventMaxBytes)
        return fail(
          ack,
          'payload_too_large',
          `${event} carries ${bytes} bytes; at most ${limits.eventMaxBytes} (socket_event_max_bytes)`,
        );
      // Own keys only: "toString" and the like are not events.
      const entry = Object.hasOwn(CLIENT_EVENTS, event)
        ? (CLIENT_EVENTS[event as ClientEvent] as ClientEventEntry<ClientEvent>)
        : undefined;
      const { principal } = socket.data;
      if (entry === undefined) return fail(ack, 'bad_request', `unknown event ${event}`);
      if (!allows(principal.role, entry.role)) {
        entry.denied?.(connection, args[0]);
        return fail(
          ack,
          'forbidden',
          `${principal.username} is ${principal.role}; ${event} needs ${entry.role}`,
        );
      }
      const parsed = entry.schema.safeParse(args[0]);
      if (!parsed.success) return fail(ack, 'bad_request', `${event} needs ${entry.needs}`);
      entry.handle(connection, parsed.data, ack);
    });

    socket.on('error', (err) => log.error(`Socket error: ${err.message}`));

    socket.on('disconnect', (reason) => {
      log.debug(`socket ${socket.id} disconnected (${reason})`);
      // Kept with the session (by reference) for a reconnection that recovers it.
      socket.data.logs = outbox.resumePoints();
      socket.data.stats = [...watching];
      logStreams.dropSubscriber(socket.id);
      statsStreams.dropWatcher(socket.id);
      void connection.exec.closeAll(`its connection went away (${reason})`);
    });
  });

  return {
    io,
    logStreams,
    statsStreams,
    execSessions,
    close: async () => {
      credentials.stop();
      unsubscribe();
      unsubscribeActions();
      stopAuditFeed();
      stopTimelineFeed();
      stopCrashFeed();
      logStreams.close();
      statsStreams.close();
      // Commands of open terminals are ended in the engine before the worker goes.
      await execSessions.closeAll('the server is stopping');
      await io.close();
    },
  };
}

/** A report without its lines and details: what a list shows (GET /api/crashes/{id} has the rest). */
const summaryOf = (report: CrashReport) => CrashSummarySchema.parse(report);
