/**
 * One worker process: gets its settings from the primary, builds the application with the
 * factory it is given, hands it the connections the primary accepted, heartbeats, and retires
 * gracefully when told (or after max_requests).
 */
import { Socket } from 'node:net';
import { loadHooksFromFile } from '../config/load.js';
import { defaultSettings, type Settings } from '../config/settings.js';
import { Logging, type LevelChange, type Logger } from '../logging/index.js';
import type { WorkerAppFactory } from './app.js';
import { WindowCounters, type Hits } from './counters.js';
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

export function runWorker(createApp: WorkerAppFactory): void {
  // Log level changes that arrive while booting are applied once the loggers exist.
  const early: { levels: LevelChange[] | undefined } = { levels: [] };
  const onEarly = (message: unknown) => {
    if (!isMessage<PrimaryToWorker>(message)) return;
    if (message.type === 'retire') stopBeforeReady();
    if (message.type === 'log-level') early.levels?.push(message.change);
    if (message.type !== 'boot') return;
    boot(message, createApp, early)
      .then(() => {
        process.off('message', onEarly);
        for (const signal of EARLY_SIGNALS) process.off(signal, stopBeforeReady);
      })
      .catch((err: unknown) => {
        send({ type: 'boot-failed', reason: (err as Error)?.message ?? String(err) });
        process.exit(WORKER_BOOT_ERROR);
      });
  };
  process.on('message', onEarly);
  for (const signal of EARLY_SIGNALS) process.on(signal, stopBeforeReady);
  process.on('SIGHUP', () => {}); // the primary owns reloads; a terminal's hangup reaches the whole group
  send({ type: 'hello' });
}

async function boot(
  message: Extract<PrimaryToWorker, { type: 'boot' }>,
  createApp: WorkerAppFactory,
  early: { levels: LevelChange[] | undefined },
): Promise<void> {
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

  const sharedCounters = new SharedCounters(send);
  const scrapes = new Map<number, (text: string) => void>();
  let nextScrape = 1;
  const applyLevel = (change: LevelChange) => {
    const name = logging.setLevel(change);
    log.info(
      `log level of ${name} set to ${change.level ?? 'its configured value'}${change.ttl ? ` for ${change.ttl} s` : ''}`,
    );
  };
  const app = await createApp({
    settings,
    workerId: worker.id,
    logging,
    log,
    ...(hooks.pre_request ? { preRequest: (req) => hooks.pre_request!(worker, req) } : {}),
    ...(hooks.post_request
      ? { postRequest: (req, res) => hooks.post_request!(worker, req, res) }
      : {}),
    setLogLevel: (change) => {
      applyLevel(change);
      send({ type: 'log-level', change });
    },
    clusterMetrics: (own) =>
      new Promise((resolve) => {
        const id = nextScrape++;
        // Alone (the primary is gone or slow), a worker still answers with its own figures.
        const timer = setTimeout(() => {
          scrapes.delete(id);
          resolve(own());
        }, 5000);
        scrapes.set(id, (text) => {
          clearTimeout(timer);
          scrapes.delete(id);
          resolve(text === '' ? own() : text);
        });
        send({ type: 'metrics-request', id });
      }),
    newSessionId: () => stickySessionId(worker.id),
    countHit: (key, windowMs, counted) => sharedCounters.hit(key, windowMs, counted),
    requestServed: () => {
      served += 1;
      if (served >= maxRequests && !retiring) {
        retiring = true;
        log.info(`autorestarting worker after ${served} requests`);
        send({ type: 'retire-me', reason: `max_requests (${served})` });
      }
    },
  });
  await runHook(hooks, 'post_worker_init', log, worker);

  let stopping = false;
  const stop = async (closeIdle: boolean, timeoutMs: number) => {
    if (stopping) return;
    stopping = true;
    await app.close({ timeoutMs, closeIdle });
    await runHook(hooks, 'worker_exit', log, server, worker);
    logging.close();
    process.exit(0);
  };
  const graceful = (closeIdle: boolean) => stop(closeIdle, settings.graceful_timeout * 1000);
  const quick = async () => {
    await runHook(hooks, 'worker_int', log, worker);
    await stop(true, 0);
  };

  // From here this handler hears log level changes: apply what came before, in order.
  for (const change of [...message.levels, ...(early.levels ?? [])]) applyLevel(change);
  early.levels = undefined;
  process.on('message', (msg: unknown, handle: unknown) => {
    if (!isMessage<PrimaryToWorker>(msg)) return;
    if (msg.type === 'connection' && handle instanceof Socket) {
      // Said first: feeding the bytes the primary read runs the request at once, and a request
      // that blocks this worker must not make the primary hand it to another one.
      send({ type: 'accepted', id: msg.id });
      app.accept(handle, msg.head === undefined ? undefined : Buffer.from(msg.head, 'base64'));
    } else if (msg.type === 'retire') void graceful(msg.closeIdle);
    else if (msg.type === 'log-level') applyLevel(msg.change);
    else if (msg.type === 'metrics') scrapes.get(msg.id)?.(msg.text);
    else if (msg.type === 'hits') sharedCounters.answer(msg.id, msg);
  });
  process.on('SIGTERM', () => void graceful(true));
  process.on('SIGINT', () => void quick());
  process.on('SIGQUIT', () => void quick());
  process.on('SIGUSR1', () => logging.reopen());
  // Sent to the whole process group by mistake, USR2 (gunicorn's binary upgrade) must not end a worker.
  process.on('SIGUSR2', () => {});
  // An orphan serves nobody: if the primary is gone, finish up and leave.
  process.on('disconnect', () => void graceful(true));

  send({ type: 'ready' });
  log.info(`Booting worker with pid: ${process.pid}`);
}

/** How long a hit waits for the primary before this worker counts it alone. */
const SHARED_COUNT_WAIT_MS = 1000;

/**
 * Rate-limit hits counted in the primary, for every worker alike. Should the primary not
 * answer in time (gone, or busy), the hit is counted here: limits then hold per worker, as
 * they did before, rather than a request waiting on them.
 */
class SharedCounters {
  private readonly local = new WindowCounters();
  private readonly waiting = new Map<
    number,
    { key: string; windowMs: number; sentAt: number; counted: (hits: Hits) => void }
  >();
  private nextId = 1;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly send: (message: WorkerToPrimary) => void) {}

  hit(key: string, windowMs: number, counted: (hits: Hits) => void): void {
    if (!process.connected) return counted(this.local.hit(key, windowMs));
    const id = this.nextId++;
    this.waiting.set(id, { key, windowMs, sentAt: Date.now(), counted });
    this.send({ type: 'hit', id, key, windowMs });
    this.sweeper ??= setInterval(() => this.countLate(), SHARED_COUNT_WAIT_MS / 2).unref();
  }

  answer(id: number, hits: Hits): void {
    const entry = this.waiting.get(id);
    if (entry === undefined) return; // counted here already
    this.waiting.delete(id);
    entry.counted({ count: hits.count, resetAt: hits.resetAt });
  }

  private countLate(): void {
    const late = Date.now() - SHARED_COUNT_WAIT_MS;
    for (const [id, entry] of this.waiting) {
      if (entry.sentAt > late) break; // in the order sent
      this.waiting.delete(id);
      entry.counted(this.local.hit(entry.key, entry.windowMs));
    }
  }
}
