/**
 * The composition root of a worker: builds the store, the authenticator, the engine, the HTTP
 * app and the Socket.IO server from the settings, and joins them. Nothing else constructs them.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { Authenticator } from '../auth/authenticator.js';
import { KnownHosts } from '../auth/hosts.js';
import { parseBind } from '../config/bind.js';
import type { Settings } from '../config/settings.js';
import { createEngine } from '../engine/index.js';
import { buildApp } from '../http/app.js';
import type { RateLimit } from '../http/rate-limit.js';
import { HttpConnections } from '../http/server.js';
import { createWorkerMetrics, METRICS_CONTENT_TYPE } from '../metrics.js';
import { attachRealtime, type Realtime } from '../realtime/index.js';
import { socketLimits } from '../realtime/limits.js';
import { Store } from '../store/index.js';
import { metricsRetention } from '../store/retention.js';
import { CrashCatcher } from '../history/crashes.js';
import { TimelineRecorder } from '../history/recorder.js';
import { MetricsSampler } from '../history/sampler.js';
import { WebhookDispatcher } from '../history/webhooks.js';
import type { WorkerApp, WorkerContext } from '../supervisor/app.js';
import { VERSION } from '../version.js';

/** How long a booting worker waits for its engine's first try (it answers 503 after that). */
const ENGINE_FIRST_TRY_MS = 5000;

export async function createWorkerApp(context: WorkerContext): Promise<WorkerApp> {
  const { settings, logging, log } = context;
  const tls =
    settings.certfile !== null && settings.keyfile !== null
      ? { cert: readFileSync(settings.certfile), key: readFileSync(settings.keyfile) }
      : undefined;
  const connections = new HttpConnections({
    keepAliveMs: settings.keepalive * 1000,
    maxConnections: settings.worker_connections,
    handshakeTimeoutMs: settings.header_timeout * 1000,
    ...(tls ? { tls } : {}),
  });

  const knownHosts = knownHostsOf(settings);
  const store = Store.open(settings.data_dir);
  const authenticator = new Authenticator(settings.auth, store);
  const accessLog = logging.accessWriter();
  const engine = createEngine(settings, log.child({ module: 'engine' }));
  // The primary hands a worker connections once it is ready: a request on a fresh worker (at
  // boot, after a reload or a recycle) would otherwise meet an engine still "connecting".
  // Bounded, as an engine that hangs rather than refuses must not keep the worker from booting.
  const engineTried = engine.start();
  const crashes = new CrashCatcher(
    store,
    engine,
    log.child({ module: 'crashes' }),
    () => settings.crash_log_lines,
  );
  const recorder = new TimelineRecorder(
    store,
    engine,
    log.child({ module: 'timeline' }),
    `worker ${context.workerId} pid ${process.pid}`,
    [(event) => crashes.onEvent(event)],
  );
  recorder.start();
  const webhooks = new WebhookDispatcher(
    store,
    log.child({ module: 'webhooks' }),
    () => recorder.recording,
  );
  crashes.onReport((report) => webhooks.onReport(report));
  webhooks.start();
  const sampler = new MetricsSampler(
    store,
    engine,
    log.child({ module: 'metrics' }),
    settings.metrics_interval,
    () => recorder.recording,
  );
  sampler.start();
  // Socket.IO attaches once the app's server exists, after the metrics are made.
  const live: { realtime?: Realtime } = {};
  const metrics = createWorkerMetrics(
    engine,
    () => ({
      sockets: live.realtime?.io.engine.clientsCount ?? 0,
      logStreams: live.realtime?.logStreams.open ?? 0,
      statsStreams: live.realtime?.statsStreams.open ?? 0,
    }),
    store,
  );
  const app = await buildApp({
    logger: log,
    ...(accessLog !== undefined ? { accessLog } : {}),
    accessLogFormat: settings.access_log_format,
    version: VERSION,
    workerId: context.workerId,
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
    metricsRetention: metricsRetention(settings),
    metrics: {
      contentType: METRICS_CONTENT_TYPE,
      scrape: () => context.clusterMetrics(() => metrics.registry.metrics()),
      observeRequest: (...args) => metrics.observeRequest(...args),
    },
    logLevels: {
      levels: () => logging.levels(),
      isKnownLogger: (name) => logging.isKnownLogger(name),
      set: context.setLogLevel,
    },
    hooks: {
      ...(context.preRequest ? { preRequest: context.preRequest } : {}),
      ...(context.postRequest ? { postRequest: context.postRequest } : {}),
    },
    onResponse: context.requestServed,
    serverFactory: connections.factory,
    auth: {
      authenticator,
      store,
      sessionTtlSeconds: settings.session_ttl,
      secureCookies: tls !== undefined,
      allowedOrigins: settings.allowed_origins,
      knownHosts,
      rateLimit: rateLimitOf(settings.rate_limit),
      countHit: context.countHit,
    },
    closeConnections: () => connections.isDraining || settings.keepalive === 0,
  });
  await app.ready();
  await Promise.race([engineTried, delay(ENGINE_FIRST_TRY_MS, undefined, { ref: false })]);
  const realtime = attachRealtime(connections.httpServer, {
    engine,
    audit: (entry, bucket) => store.audit(entry, bucket),
    log: logging.logger('socketio.server'),
    engineLog: logging.logger('engineio.server'),
    authenticator,
    allowedOrigins: settings.allowed_origins,
    knownHosts,
    tls: tls !== undefined,
    staleAfterMs: settings.stale_stream_after * 1000,
    forwardedAllowIps: settings.forwarded_allow_ips,
    limits: socketLimits(settings),
    countHit: context.countHit,
    auditSource: (listener) => store.onAudit(listener),
    timelineSource: (listener) => recorder.onRecorded(listener),
    crashSource: (listener) => crashes.onReport(listener),
  });
  // The primary routes a session's requests to this worker by the worker id in its id.
  realtime.io.engine.generateId = context.newSessionId;
  live.realtime = realtime;

  return {
    accept: (socket, head) => connections.accept(socket, head),
    close: async ({ timeoutMs, closeIdle }) => {
      // Socket.IO clients reconnect, to another worker when this one retires.
      await realtime.close().catch(() => {});
      await connections.close({ timeoutMs, closeIdle });
      sampler.stop();
      webhooks.stop();
      recorder.stop();
      engine.stop();
      await app.close();
      store.close();
    },
  };
}

const PERIOD_MS = { second: 1000, minute: 60_000, hour: 3_600_000 } as const;

/** "600/minute" (validated by the setting) as a most and a window. */
function rateLimitOf(text: Settings['rate_limit']): RateLimit {
  const [max, per] = text.split('/') as [string, keyof typeof PERIOD_MS];
  return { max: Number(max), windowMs: PERIOD_MS[per] };
}

/** Host names answered to (auth/hosts.ts): the bind names, this machine's, allowed_hosts. */
function knownHostsOf(settings: Settings): KnownHosts {
  const bindNames = settings.bind
    .map(parseBind)
    .flatMap((bind) => (bind.kind === 'tcp' ? [bind.host] : []));
  return new KnownHosts([...bindNames, hostname(), ...settings.allowed_hosts]);
}
