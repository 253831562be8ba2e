/**
 * One worker process: gets its settings from the primary, builds the app, serves the connections
 * the primary hands it, heartbeats, and retires gracefully when told (or after max_requests).
 */
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { loadHooksFromFile } from '../config/load.js';
import { defaultSettings, type Settings } from '../config/settings.js';
import { Engine } from '../engine/engine.js';
import { buildApp } from '../http/app.js';
import { Authenticator } from '../auth/authenticator.js';
import { attachRealtime, type Realtime } from '../realtime/index.js';
import { Store } from '../store/index.js';
import { createWorkerMetrics, METRICS_CONTENT_TYPE } from '../metrics.js';
import type { LogLevelChange } from '../http/routes/admin.js';
import { HttpConnections } from '../http/server.js';
import { Logging, type Logger } from '../logging/index.js';
import { VERSION } from '../version.js';
import { exitOnUncaught } from './crash.js';
import { hooksOf, runHook, type Hooks } from './hooks.js';
import { stickySessionId } from './router.js';
import {
  heartbeatInterval,
  isMessage,
  WORKER_BOOT_ERROR,
  type PrimaryToWorker,
  type WorkerToPrimary,
} from './messages.js';

function send(message: WorkerToPrimary): void {
  if (process.connected) process.send?.(message);
}

/** What hooks get as `worker`. */
export interface WorkerView {
  id: number;
  pid: number;
  log: Logger;
  settings: Settings;
}

/** Until boot() installs the real handlers, a request to stop just ends the process: nothing is served yet. */
const stopBeforeReady = () => process.exit(0);
const EARLY_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGQUIT'];

export function runWorker(): void {
  const early = (message: unknown) => {
    if (!isMessage<PrimaryToWorker>(message)) return;
    if (message.type === 'retire') stopBeforeReady();
    if (message.type !== 'boot') return;
    boot(message)
      .then(() => {
        process.off('message', early);
        for (const signal of EARLY_SIGNALS) process.off(signal, stopBeforeReady);
      })
      .catch((err: unknown) => {
        send({ type: 'boot-failed', reason: (err as Error)?.message ?? String(err) });
        process.exit(WORKER_BOOT_ERROR);
      });
  };
  process.on('message', early);
  for (const signal of EARLY_SIGNALS) process.on(signal, stopBeforeReady);
  process.on('SIGHUP', () => {}); // the primary owns reloads; a terminal's hangup reaches the whole group
  send({ type: 'hello' });
}

async function boot(message: Extract<PrimaryToWorker, { type: 'boot' }>): Promise<void> {
  const settings = { ...defaultSettings(), ...message.settings } as Settings;
  // From the start of boot: a worker whose event loop turns is not silent, booting or not. A
  // boot slowed by a busy machine must not be killed as blocked (--timeout 2, three workers
  // booting at once on two loaded cores took longer than 2 s).
  setInterval(() => send({ type: 'heartbeat' }), heartbeatInterval(settings.timeout));
  Object.assign(settings, await loadHooksFromFile(settings.config));
  const hooks: Hooks = hooksOf(settings);
  const logging = new Logging(settings);
  const log = logging.logger('dwi.error');
  exitOnUncaught(
    () => log,
    () => logging.close(),
  );
  const worker: WorkerView = { id: message.workerId, pid: process.pid, log, settings };
  const server = { pid: message.primaryPid, settings, log };
  await runHook(hooks, 'post_fork', log, server, worker);

  const maxRequests =
    settings.max_requests > 0
      ? settings.max_requests + Math.floor(Math.random() * (settings.max_requests_jitter + 1))
      : Infinity;
  let served = 0;
  let retiring = false;

  const tls =
    settings.certfile !== null && settings.keyfile !== null
      ? { cert: readFileSync(settings.certfile), key: readFileSync(settings.keyfile) }
      : undefined;
  const connections = new HttpConnections({
    keepAliveMs: settings.keepalive * 1000,
    ...(tls ? { tls } : {}),
  });

  const store = Store.open(settings.data_dir);
  const authenticator = new Authenticator(settings.auth, store);
  const accessLog = logging.accessWriter();
  const engine = new Engine(settings, logging.logger('dwi.error').child({ module: 'engine' }));
  engine.start();
  // Socket.IO attaches once the app's server exists, after the metrics are made.
  const live: { realtime?: Realtime } = {};
  const metrics = createWorkerMetrics(engine, () => ({
    sockets: live.realtime?.io.engine.clientsCount ?? 0,
    logStreams: live.realtime?.logStreams.open ?? 0,
    statsStreams: live.realtime?.statsStreams.open ?? 0,
  }));
  const scrapes = new Map<number, (text: string) => void>();
  let nextScrape = 1;
  const scrape = (): Promise<string> =>
    new Promise((resolve) => {
      const id = nextScrape++;
      // Alone (the primary is gone or slow), a worker still answers with its own figures.
      const timer = setTimeout(() => {
        scrapes.delete(id);
        resolve(metrics.registry.metrics());
      }, 5000);
      scrapes.set(id, (text) => {
        clearTimeout(timer);
        scrapes.delete(id);
        resolve(text === '' ? metrics.registry.metrics() : text);
      });
      send({ type: 'metrics-request', id });
    });
  const applyLevel = (change: LogLevelChange) => {
    const name = logging.setLevel(change);
    log.info(
      `log level of ${name} set to ${change.level ?? 'its configured value'}${change.ttl ? ` for ${change.ttl} s` : ''}`,
    );
  };
  const app = await buildApp({
    logger: log,
    ...(accessLog !== undefined ? { accessLog } : {}),
    accessLogFormat: settings.access_log_format,
    version: VERSION,
    workerId: worker.id,
    forwardedAllowIps: settings.forwarded_allow_ips,
    readiness: () => {
      const status = engine.status();
      const checks = {
        worker: connections.isDraining ? { ok: false, detail: 'shutting down' } : { ok: true },
        engine: status.connected ? { ok: true } : { ok: false, detail: status.detail },
      };
      return { ready: checks.worker.ok && checks.engine.ok, checks, engine: status };
    },
    engine,
    metrics: {
      contentType: METRICS_CONTENT_TYPE,
      scrape,
      observeRequest: (...args) => metrics.observeRequest(...args),
    },
    logLevels: {
      levels: () => logging.levels(),
      isKnownLogger: (name) => logging.isKnownLogger(name),
      set: (change) => {
        applyLevel(change);
        send({ type: 'log-level', change });
      },
    },
    hooks: {
      preRequest: hooks.pre_request && ((req) => hooks.pre_request!(worker, req)),
      postRequest: hooks.post_request && ((req, res) => hooks.post_request!(worker, req, res)),
    },
    onResponse: () => {
      served += 1;
      if (served >= maxRequests && !retiring) {
        retiring = true;
        log.info(`autorestarting worker after ${served} requests`);
        send({ type: 'retire-me', reason: `max_requests (${served})` });
      }
    },
    serverFactory: connections.factory,
    auth: {
      authenticator,
      store,
      sessionTtlSeconds: settings.session_ttl,
      secureCookies: tls !== undefined,
      allowedOrigins: settings.allowed_origins,
      rateLimit: rateLimitOf(settings.rate_limit),
    },
    closeConnections: () => connections.isDraining || settings.keepalive === 0,
  });
  await app.ready();
  const realtime = attachRealtime(connections.httpServer, {
    engine,
    log: logging.logger('socketio.server'),
    engineLog: logging.logger('engineio.server'),
    authenticator,
    allowedOrigins: settings.allowed_origins,
    tls: tls !== undefined,
    staleAfterMs: settings.stale_stream_after * 1000,
  });
  // The primary routes a session's requests here by the worker id in its id.
  realtime.io.engine.generateId = () => stickySessionId(worker.id);
  live.realtime = realtime;
  await runHook(hooks, 'post_worker_init', log, worker);

  let stopping = false;
  const stop = async (closeIdle: boolean, timeoutMs: number) => {
    if (stopping) return;
    stopping = true;
    // Socket.IO clients reconnect, to another worker when this one retires.
    await realtime.close().catch(() => {});
    await connections.close({ timeoutMs, closeIdle });
    engine.stop();
    await app.close();
    store.close();
    await runHook(hooks, 'worker_exit', log, server, worker);
    logging.close();
    process.exit(0);
  };
  const graceful = (closeIdle: boolean) => stop(closeIdle, settings.graceful_timeout * 1000);
  const quick = async () => {
    await runHook(hooks, 'worker_int', log, worker);
    await stop(true, 0);
  };

  process.on('message', (msg: unknown, handle: unknown) => {
    if (!isMessage<PrimaryToWorker>(msg)) return;
    if (msg.type === 'connection' && handle instanceof Socket) {
      // Said first: feeding the bytes the primary read runs the request at once, and a request
      // that blocks this worker must not make the primary hand it to another one.
      send({ type: 'accepted', id: msg.id });
      connections.accept(
        handle,
        msg.head === undefined ? undefined : Buffer.from(msg.head, 'base64'),
      );
    } else if (msg.type === 'retire') void graceful(msg.closeIdle);
    else if (msg.type === 'log-level') applyLevel(msg.change);
    else if (msg.type === 'metrics') scrapes.get(msg.id)?.(msg.text);
  });
  process.on('SIGTERM', () => void graceful(true));
  process.on('SIGINT', () => void quick());
  process.on('SIGQUIT', () => void quick());
  process.on('SIGUSR1', () => logging.reopen());
  // An orphan serves nobody: if the primary is gone, finish up and leave.
  process.on('disconnect', () => void graceful(true));

  send({ type: 'ready' });
  log.info(`Booting worker with pid: ${process.pid}`);
}

/** "600/minute" (validated by the setting) as @fastify/rate-limit's max and window. */
function rateLimitOf(text: string): { max: number; timeWindow: string } {
  const [max, per] = text.split('/');
  return { max: Number(max), timeWindow: `1 ${per}` };
}
