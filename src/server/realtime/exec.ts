/**
 * Exec sessions over Socket.IO: a terminal in a container (`docker exec -it`) for admins.
 *
 * - Admin only (the command runs as the container's user, root mostly): the events' role in
 *   the CLIENT_EVENTS table; a refused start is audited.
 * - Audited: who, which container, the command, its start, and its end with the exit code.
 * - Bounded: sessions per socket and per user (in this worker), input per event (the schema,
 *   below socket_event_max_bytes) and waiting for a command that does not read it (engine
 *   side), output held back from the engine while the client's connection is full.
 * - Owned by its socket: when the socket goes (closed, logged out, credential revoked, the
 *   worker stopping) its sessions' commands are ended in the engine (engine/exec.ts).
 */
import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import type { ErrorCode } from '../../shared/errors.js';
import {
  clientEventSchemas,
  type Ack,
  type ClientEventPayload,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../shared/events.js';
import type { Principal } from '../../shared/principal.js';
import type { ExecEnd, ExecOperations, ExecSession } from '../engine/ports.js';
import { knownError } from '../errors.js';
import type { NewAuditEntry } from '../store/index.js';

/** Open terminals a socket may hold. */
export const MAX_EXEC_PER_SOCKET = 4;
/** Open terminals a user may hold in one worker, over all their sockets. */
export const MAX_EXEC_PER_USER = 8;
/** engine.io packets waiting for a client past which output is held back (as for logs). */
const MAX_PACKETS = 64;

export type Audit = (entry: NewAuditEntry, bucket?: string) => void;

type ExecSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, unknown>;

/** What the error replies of a connection look like (realtime/index.ts). */
export type Fail = (ack: Ack | undefined, code: ErrorCode, error: string) => void;

/** Who is at the other end of a socket, for the audit. */
export interface Client {
  principal: Principal;
  /** The client's address as a trusted proxy forwarded it, else the peer's. */
  source: string | null;
  /** The address that connected. */
  peer: string | null;
}

/** The exec sessions of this worker: the per-user count, and every socket's for a stop. */
export class ExecSessions {
  private readonly perUser = new Map<string, number>();
  private readonly sockets = new Set<SocketExecs>();

  constructor(
    readonly engine: ExecOperations,
    readonly audit: Audit,
    readonly log: Logger,
  ) {}

  /** The sessions of one socket; closeAll when it goes. */
  forSocket(socket: ExecSocket, client: Client, fail: Fail): SocketExecs {
    const execs = new SocketExecs(this, socket, client, fail);
    this.sockets.add(execs);
    return execs;
  }

  /** Open sessions in this worker. */
  get open(): number {
    let open = 0;
    for (const count of this.perUser.values()) open += count;
    return open;
  }

  /** Ends every session (the worker stops). */
  async closeAll(reason: string): Promise<void> {
    await Promise.all([...this.sockets].map((execs) => execs.closeAll(reason)));
  }

  /** @internal */
  reserve(username: string): boolean {
    const count = this.perUser.get(username) ?? 0;
    if (count >= MAX_EXEC_PER_USER) return false;
    this.perUser.set(username, count + 1);
    return true;
  }

  /** @internal */
  release(username: string): void {
    const count = (this.perUser.get(username) ?? 1) - 1;
    if (count <= 0) this.perUser.delete(username);
    else this.perUser.set(username, count);
  }

  /** @internal */
  forget(execs: SocketExecs): void {
    this.sockets.delete(execs);
  }
}

interface Open {
  session: ExecSession;
  /** Output bytes to text, holding a character split between chunks. */
  decoder: StringDecoder;
  /** Why dwi ended it, if it did: the audit and the exit event say so. */
  closedBecause?: string;
}

/** One socket's exec sessions, by the session id given to the client. */
export class SocketExecs {
  private readonly open = new Map<string, Open>();
  private starting = 0;
  private gone = false;

  constructor(
    private readonly all: ExecSessions,
    private readonly socket: ExecSocket,
    private readonly client: Client,
    private readonly fail: Fail,
  ) {}

  /** A refused start (a role below admin), in the audit: one row per user and minute. */
  denied(payload: unknown): void {
    const { username, role } = this.client.principal;
    const ref = (payload as { container_id?: unknown } | undefined)?.container_id;
    this.audit(
      {
        action: 'exec_start',
        target: typeof ref === 'string' ? ref : null,
        result: 'denied',
        request_id: null,
        detail: `${role} may not run commands in containers (admin only)`,
      },
      `${username} exec_start denied`,
    );
  }

  async start(payload: ClientEventPayload<'exec_start'>, ack: Ack | undefined): Promise<void> {
    const { username } = this.client.principal;
    if (this.open.size + this.starting >= MAX_EXEC_PER_SOCKET)
      return this.fail(
        ack,
        'rate_limited',
        `This connection has ${MAX_EXEC_PER_SOCKET} terminals open already: close one first`,
      );
    if (!this.all.reserve(username))
      return this.fail(
        ack,
        'rate_limited',
        `${username} has ${MAX_EXEC_PER_USER} terminals open already: close one first`,
      );
    this.starting += 1;
    let session: ExecSession;
    try {
      session = await this.all.engine.exec(payload.container_id, {
        ...(payload.command === undefined ? {} : { command: payload.command }),
        cols: payload.cols ?? 80,
        rows: payload.rows ?? 24,
      });
    } catch (err) {
      this.all.release(username);
      const known = knownError(err);
      if (known === undefined)
        this.all.log.error({ err }, `exec_start failed: ${(err as Error)?.message}`);
      const message = known?.message ?? 'internal error';
      this.audit({
        action: 'exec_start',
        target: payload.container_id,
        result: 'failure',
        request_id: null,
        detail: `${payload.command === undefined ? 'shell' : `command: ${payload.command.join(' ')}`}; ${message}`,
      });
      return this.fail(ack, known?.code ?? 'internal', message);
    } finally {
      this.starting -= 1;
    }

    const id = randomUUID();
    const entry: Open = { session, decoder: new StringDecoder('utf8') };
    this.open.set(id, entry);
    const { container, command } = session;
    this.audit({
      action: 'exec_start',
      target: container.name,
      result: 'success',
      request_id: id,
      detail: `command: ${command.join(' ')}; container ${container.id.slice(0, 12)}; exec ${session.id.slice(0, 12)}`,
    });
    this.all.log.info(`${username} started ${command.join(' ')} in ${container.name} (${id})`);
    void session.ended.then((end) => this.ended(id, entry, end));
    // Gone while it started: its disconnect found nothing to close yet.
    if (this.gone) {
      entry.closedBecause = 'its connection went away';
      void session.close();
      return;
    }
    ack?.({
      status: 'exec_started',
      session_id: id,
      container_id: container.id,
      name: container.name,
      command,
    });
    this.pump(id, entry);
  }

  input(payload: ClientEventPayload<'exec_input'>, ack: Ack | undefined): void {
    const entry = this.find(payload.session_id, ack);
    if (entry === undefined) return;
    if (!entry.session.write(payload.data))
      return this.fail(
        ack,
        'rate_limited',
        'The command is not reading its input: wait for it, or close the terminal',
      );
    ack?.({ status: 'ok' });
  }

  resize(payload: ClientEventPayload<'exec_resize'>, ack: Ack | undefined): void {
    const entry = this.find(payload.session_id, ack);
    if (entry === undefined) return;
    entry.session.resize(payload.cols, payload.rows).then(
      () => ack?.({ status: 'ok' }),
      (err: unknown) => {
        const known = knownError(err);
        this.fail(ack, known?.code ?? 'engine_error', known?.message ?? 'resize failed');
      },
    );
  }

  async close(payload: ClientEventPayload<'exec_close'>, ack: Ack | undefined): Promise<void> {
    const entry = this.find(payload.session_id, ack);
    if (entry === undefined) return;
    entry.closedBecause ??= 'closed by the user';
    const end = await entry.session.close();
    ack?.({ status: 'exec_closed', session_id: payload.session_id, exit_code: end.exitCode });
  }

  /** Ends every session of the socket, which went away (or the worker stops). */
  async closeAll(reason: string): Promise<void> {
    this.gone = true;
    this.all.forget(this);
    await Promise.all(
      [...this.open.values()].map((entry) => {
        entry.closedBecause ??= reason;
        return entry.session.close();
      }),
    );
  }

  private find(sessionId: string, ack: Ack | undefined): Open | undefined {
    const entry = this.open.get(sessionId);
    if (entry === undefined)
      this.fail(ack, 'not_found', `No terminal ${sessionId} on this connection (ended?)`);
    return entry;
  }

  /** Output to the client as text; the engine is not read while the client's link is full. */
  private pump(id: string, { session, decoder }: Open): void {
    const conn = this.socket.conn as unknown as {
      writeBuffer: unknown[];
      once(event: 'drain', listener: () => void): void;
    };
    session.onOutput((chunk) => {
      if (this.socket.disconnected) return;
      const data = decoder.write(chunk);
      if (data !== '') this.socket.emit('exec_output', { session_id: id, data });
      if (conn.writeBuffer.length > MAX_PACKETS) {
        session.pause();
        conn.once('drain', () => session.resume());
      }
    });
  }

  private ended(id: string, entry: Open, end: ExecEnd): void {
    this.open.delete(id);
    this.all.release(this.client.principal.username);
    const { container, command } = entry.session;
    const how =
      entry.closedBecause === undefined
        ? 'exited'
        : `ended by dwi: ${entry.closedBecause}${end.killed ? ' (killed)' : ''}`;
    const code = end.exitCode === null ? 'exit code unknown' : `exit code ${end.exitCode}`;
    const problem = end.problem === undefined ? '' : `; ${end.problem}`;
    this.audit({
      action: 'exec_end',
      target: container.name,
      result: end.problem === undefined ? 'success' : 'failure',
      request_id: id,
      detail: `${code}; ${how}; command: ${command.join(' ')}${problem}`,
    });
    if (end.problem !== undefined)
      this.all.log.warn(`exec ${entry.session.id} in ${container.name}: ${end.problem}`);
    if (this.socket.disconnected) return;
    const rest = entry.decoder.end();
    if (rest !== '') this.socket.emit('exec_output', { session_id: id, data: rest });
    this.socket.emit('exec_exit', {
      session_id: id,
      exit_code: end.exitCode,
      reason: entry.closedBecause === undefined ? 'exited' : 'closed',
      message: `${command.join(' ')} ${entry.closedBecause === undefined ? 'exited' : 'was ended'} (${code})${problem}`,
    });
  }

  private audit(
    entry: Pick<NewAuditEntry, 'action' | 'target' | 'result' | 'request_id' | 'detail'>,
    bucket?: string,
  ): void {
    this.all.audit(
      {
        username: this.client.principal.username,
        source: this.client.source,
        peer: this.client.peer,
        ...entry,
      },
      bucket,
    );
  }
}

/** What an exec event's handler reaches on its connection. */
export interface ExecConnection {
  exec: SocketExecs;
}

/** The exec events' entries of the CLIENT_EVENTS table (realtime/index.ts). */
export const EXEC_EVENTS = {
  exec_start: {
    schema: clientEventSchemas.exec_start,
    role: 'admin',
    needs: '{container_id[, command: [argv], cols, rows]}',
    handle: (connection: ExecConnection, payload, ack) => void connection.exec.start(payload, ack),
    denied: (connection: ExecConnection, payload: unknown) => connection.exec.denied(payload),
  },
  exec_input: {
    schema: clientEventSchemas.exec_input,
    role: 'admin',
    needs: '{session_id, data}',
    handle: (connection: ExecConnection, payload, ack) => connection.exec.input(payload, ack),
  },
  exec_resize: {
    schema: clientEventSchemas.exec_resize,
    role: 'admin',
    needs: '{session_id, cols, rows}',
    handle: (connection: ExecConnection, payload, ack) => connection.exec.resize(payload, ack),
  },
  exec_close: {
    schema: clientEventSchemas.exec_close,
    role: 'admin',
    needs: '{session_id}',
    handle: (connection: ExecConnection, payload, ack) => void connection.exec.close(payload, ack),
  },
} satisfies {
  [E in 'exec_start' | 'exec_input' | 'exec_resize' | 'exec_close']: {
    schema: (typeof clientEventSchemas)[E];
    role: 'admin';
    needs: string;
    handle(connection: ExecConnection, payload: ClientEventPayload<E>, ack: Ack | undefined): void;
    denied?(connection: ExecConnection, payload: unknown): void;
  };
};
