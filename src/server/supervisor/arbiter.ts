/**
 * The primary process, after gunicorn's arbiter: listens, forks the workers and hands them the
 * connections, replaces silent ones, keeps their number, and acts on signals. Signal handlers
 * only queue the signal; one loop drains the queue so actions never interleave.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { parseBind, bindUrl } from '../config/bind.js';
import type { LoadedConfig } from '../config/load.js';
import type { Settings } from '../config/settings.js';
import { Logging, type LevelChange, type Logger } from '../logging/index.js';
import { VERSION } from '../version.js';
import type { PrimaryApp } from './app.js';
import { WindowCounters } from './counters.js';
import { exitOnUncaught } from './crash.js';
import { hooksOf, runHook, type Hooks } from './hooks.js';
import {
  heartbeatInterval,
  isMessage,
  WORKER_BOOT_ERROR,
  type PrimaryToWorker,
  type WorkerSettings,
  type WorkerToPrimary,
} from './messages.js';
import { Listeners } from './listeners.js';
import { Pidfile } from './pidfile.js';
import { ConnectionRouter, type RouteTarget } from './router.js';
import { FileWatcher } from './watch.js';

/** How long a new worker may take to load before its first message, whatever the timeout. */
const STARTUP_GRACE_MS = 30_000;

interface WorkerState {
  id: number;
  /** Absent while the pre_fork hook runs. */
  process?: Worker;
  phase: 'booting' | 'ready' | 'retiring';
  /** To be retired once a replacement is ready (reload, max_requests). */
  replace: boolean;
  lastBeat: number;
  /** The worker listens for messages; before that, only signals reach it. */
  listening: boolean;
  /** Told to boot, with the log levels in force then: later changes are sent to it. */
  bootSent: boolean;
  timedOut: boolean;
  bootFailure?: string;
  killTimer?: NodeJS.Timeout;
}

/** What hooks get as `worker` in the primary. */
export interface WorkerInfo {
  id: number;
  pid: number | undefined;
  exitCode?: number | null;
  signal?: string | null;
}

type Action = { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'reload'; why: string };

const HANDLED_SIGNALS: NodeJS.Signals[] = [
  'SIGTERM',
  'SIGINT',
  'SIGQUIT',
  'SIGHUP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGUSR1',
  'SIGUSR2',
];
const TICK_MS = 250;

export class Arbiter {
  private settings: Settings;
  private hooks: Hooks;
  private logging: Logging;
  private log: Logger;
  private readonly workers = new Map<number, WorkerState>();
  private nextWorkerId = 1;
  private target: number;
  private phase: 'starting' | 'running' | 'stopping' = 'starting';
  /** Set when a replacement failed to boot: stop spawning until the next reload. */
  private spawnBlocked = false;
  private readonly queue: Action[] = [];
  /** Settles once the application is prepared: true, workers may boot. */
  private prepared: Promise<boolean> = Promise.resolve(false);
  /** Log levels changed at run time, for workers started later; a reload forgets them. */
  private levelChanges: Array<{ change: LevelChange; at: number }> = [];
  private draining = false;
  private tick: NodeJS.Timeout | undefined;
  private watcher: FileWatcher | undefined;
  private pidfile: Pidfile | undefined;
  private finish: (code: number) => void = () => {};
  private exitCode = 0;
  private readonly signalHandlers = new Map<NodeJS.Signals, () => void>();
  // Sticky Socket.IO routing reads a request's first bytes: impossible through TLS.
  private readonly router = new ConnectionRouter(
    () => this.routeTargets(),
    (workerId) => this.sessionHolder(workerId),
    () => this.settings.certfile === null,
    () => ({
      firstBytesMs: this.settings.header_timeout * 1000,
      maxWaiting: this.settings.worker_connections,
    }),
  );
  private readonly listeners = new Listeners((socket) => this.router.route(socket));
  /** Rate-limit counters, one set for every worker. */
  private readonly counters = new WindowCounters();

  /**
   * `reloadConfig` reads every source afresh, as at start (SIGHUP, --reload); `workerEntry` is
   * the module a worker process runs, which builds the application beside `app`.
   */
  constructor(
    initial: LoadedConfig,
    private readonly reloadConfig: () => Promise<LoadedConfig>,
    private readonly app: PrimaryApp,
    private readonly workerEntry: string,
  ) {
    this.settings = initial.settings;
    this.hooks = hooksOf(this.settings);
    this.logging = new Logging(this.settings);
    this.log = this.logging.logger('dwi.error');
    this.target = this.settings.workers;
    exitOnUncaught(
      () => this.log,
      () => this.logging.close(),
    );
    for (const warning of initial.warnings) this.log.warn(warning);
  }

  /** The `server` argument of hooks. */
  private get server() {
    return {
      pid: process.pid,
      settings: this.settings,
      log: this.log,
      num_workers: this.target,
      logger: (name: string) => this.logging.logger(name),
    };
  }

  /** Runs until the server stops; resolves with the process exit code. */
  async run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finish = resolve));
    await runHook(this.hooks, 'on_starting', this.log, this.server);
    this.log.info(`Starting dwi ${VERSION}`);
    if (this.settings.pidfile !== null) {
      try {
        this.pidfile = new Pidfile(this.settings.pidfile);
        this.pidfile.create();
      } catch (err) {
        this.log.error((err as Error).message);
        this.logging.close();
        return 1;
      }
    }
    try {
      await this.listeners.set(this.settings.bind.map(parseBind));
    } catch (err) {
      this.log.error((err as Error).message);
      this.pidfile?.remove();
      this.logging.close();
      return 1;
    }
    this.setupWorkers();
    cluster.on('message', (worker, message) => this.onMessage(worker, message));
    this.app.clusterStarted();
    cluster.on('exit', (worker, code, signal) => this.onExit(worker, code, signal));
    for (const signal of HANDLED_SIGNALS) {
      const handler = () => this.enqueue({ kind: 'signal', signal });
      this.signalHandlers.set(signal, handler);
      process.on(signal, handler);
    }
    this.log.info(`Using worker: ${this.settings.worker_class}`);
    this.warnIfUnauthenticated();
    // Workers load their code while the application prepares (the database, the first
    // admin's password hash); they are told to boot once it is ready.
    this.prepared = this.app.prepare(this.settings, this.log);
    this.maintain();
    if (!(await this.prepared)) {
      // Said by prepare; the workers only loaded code.
      this.phase = 'stopping';
      this.exitCode = 1;
      this.listeners.close();
      for (const state of this.workers.values()) {
        state.phase = 'retiring';
        this.kill(state, 'SIGKILL');
      }
      if (this.workers.size === 0) await this.exit();
      return done;
    }
    // Judged in the check phase, after the poll phase has read the workers' messages: a primary
    // that was itself held up (a loaded machine) finds their heartbeats queued in its pipes, and
    // the timers phase, which comes first, would see them all as late.
    this.tick = setInterval(() => setImmediate(() => this.onTick()), TICK_MS);
    return done;
  }

  /**
   * How workers are started: with the young generation the worker_young_space setting gives
   * (V8's own 16 MiB by default). Node flags given to dwi's own command line come after, and win.
   */
  private setupWorkers(): void {
    cluster.setupPrimary({
      exec: this.workerEntry,
      args: [],
      execArgv: [`--max-semi-space-size=${this.settings.worker_young_space}`, ...process.execArgv],
    });
  }

  private warnIfUnauthenticated(): void {
    if (this.settings.auth !== 'none') return;
    this.log.warn(
      `AUTHENTICATION IS OFF (auth = none): anyone who reaches ${this.settings.bind.join(', ')} ` +
        'controls the Docker engine, which is root on this host',
    );
  }

  private enqueue(action: Action): void {
    this.queue.push(action);
    void this.drainQueue();
  }

  private async drainQueue(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let action = this.queue.shift(); action !== undefined; action = this.queue.shift()) {
        if (action.kind === 'reload') await this.reload(action.why);
        else await this.handleSignal(action.signal);
      }
    } finally {
      this.draining = false;
    }
  }

  private async handleSignal(signal: NodeJS.Signals): Promise<void> {
    this.log.info(`Handling signal: ${signal.slice(3).toLowerCase()}`);
    if (this.phase === 'stopping') return;
    switch (signal) {
      case 'SIGTERM':
        return this.stop(true);
      case 'SIGINT':
      case 'SIGQUIT':
        return this.stop(false);
      case 'SIGHUP':
        return this.reload('SIGHUP');
      case 'SIGTTIN':
        return this.setTarget(this.target + 1);
      case 'SIGTTOU':
        return this.setTarget(Math.max(1, this.target - 1));
      case 'SIGUSR1':
        this.logging.reopen();
        for (const w of this.workers.values()) this.kill(w, 'SIGUSR1');
        return;
      case 'SIGUSR2':
        // gunicorn's binary upgrade. Node's default for USR2 would end the primary at once.
        this.log.warn(
          'USR2 (re-exec a new binary) is not supported; dwi keeps running. To upgrade, install the new version and restart the service; HUP reloads the configuration and replaces the workers',
        );
        return;
      default:
        return;
    }
  }

  private async setTarget(count: number): Promise<void> {
    if (count === this.target) return;
    const old = this.target;
    this.target = count;
    await runHook(this.hooks, 'nworkers_changed', this.log, this.server, count, old);
    this.maintain();
  }

  private spawn(): void {
    const id = this.nextWorkerId++;
    const state: WorkerState = {
      id,
      phase: 'booting',
      replace: false,
      lastBeat: Date.now(),
      listening: false,
      bootSent: false,
      timedOut: false,
    };
    this.workers.set(id, state);
    void runHook(this.hooks, 'pre_fork', this.log, this.server, {
      id,
      pid: undefined,
    } satisfies WorkerInfo).then(() => {
      if (this.phase === 'stopping') {
        this.workers.delete(id);
        if (this.workers.size === 0) void this.exit();
        return;
      }
      const worker = cluster.fork();
      state.process = worker;
      state.lastBeat = Date.now();
    });
  }

  private send(state: WorkerState, message: PrimaryToWorker): void {
    if (state.process?.isConnected()) state.process.send(message);
  }

  private kill(state: WorkerState, signal: NodeJS.Signals): void {
    state.process?.process.kill(signal);
  }

  private stateOf(worker: Worker): WorkerState | undefined {
    for (const state of this.workers.values()) if (state.process === worker) return state;
    return undefined;
  }

  private onMessage(worker: Worker, message: unknown): void {
    const state = this.stateOf(worker);
    if (state === undefined || !isMessage<WorkerToPrimary>(message)) return;
    state.lastBeat = Date.now();
    switch (message.type) {
      case 'hello':
        state.listening = true;
        void this.prepared.then((ok) => ok && this.boot(state));
        return;
      case 'ready':
        state.phase = state.phase === 'retiring' ? 'retiring' : 'ready';
        this.spawnBlocked = false;
        this.router.drainQueue();
        if (this.phase === 'starting' && this.readyCount() >= this.target) void this.becomeReady();
        else this.maintain();
        return;
      case 'boot-failed':
        state.bootFailure = message.reason;
        return;
      case 'retire-me':
        state.replace = true;
        this.maintain();
        return;
      case 'log-level':
        this.logging.setLevel(message.change);
        this.levelChanges.push({ change: message.change, at: Date.now() });
        // A worker not told to boot yet gets it with its boot message (levelsInForce), not twice.
        for (const other of this.workers.values()) {
          if (other !== state && other.bootSent)
            this.send(other, { type: 'log-level', change: message.change });
        }
        return;
      case 'accepted':
        this.router.accepted(message.id);
        return;
      case 'metrics-request':
        this.app.collectMetrics().then(
          (text) => this.send(state, { type: 'metrics', id: message.id, text }),
          (err: Error) => {
            this.log.warn(`metrics collection failed: ${err.message}`);
            this.send(state, { type: 'metrics', id: message.id, text: '' });
          },
        );
        return;
      case 'hit': {
        const { count, resetAt } = this.counters.hit(message.key, message.windowMs);
        this.send(state, { type: 'hits', id: message.id, count, resetAt });
        return;
      }
      case 'heartbeat':
        return;
    }
  }

  private boot(state: WorkerState): void {
    state.bootSent = true;
    const sendable = Object.fromEntries(
      Object.entries(this.settings).filter(([, value]) => typeof value !== 'function'),
    ) as WorkerSettings;
    this.send(state, {
      type: 'boot',
      settings: sendable,
      workerId: state.id,
      primaryPid: process.pid,
      levels: this.levelsInForce(),
    });
  }

  /** The run-time level changes still in force, each with the time it has left. */
  private levelsInForce(): LevelChange[] {
    const now = Date.now();
    this.levelChanges = this.levelChanges
      .filter(({ change, at }) => !change.ttl || at + change.ttl * 1000 > now)
      .slice(-100);
    return this.levelChanges.map(({ change, at }) =>
      !change.ttl
        ? change
        : { ...change, ttl: Math.max(1, Math.round(change.ttl - (now - at) / 1000)) },
    );
  }

  private readyCount(): number {
    return [...this.workers.values()].filter((w) => w.phase === 'ready' && !w.replace).length;
  }

  private async becomeReady(): Promise<void> {
    this.phase = 'running';
    const tls = this.settings.certfile !== null;
    for (const bind of this.settings.bind) {
      this.log.info(`Listening at: ${bindUrl(parseBind(bind), tls)} (${process.pid})`);
    }
    this.watch();
    await runHook(this.hooks, 'when_ready', this.log, this.server);
  }

  private onExit(worker: Worker, code: number | null, signal: string | null): void {
    const state = this.stateOf(worker);
    if (state === undefined) return;
    clearTimeout(state.killTimer);
    this.workers.delete(state.id);
    this.router.workerGone(state.id);
    const info: WorkerInfo = { id: state.id, pid: worker.process.pid, exitCode: code, signal };
    void runHook(this.hooks, 'child_exit', this.log, this.server, info);
    if (state.phase === 'booting' && this.phase !== 'stopping') {
      const reason = state.bootFailure ?? `exited with code ${code ?? signal} before it was ready`;
      this.log.error(`Worker (pid:${worker.process.pid}) failed to boot: ${reason}`);
      if (this.phase === 'starting' || this.readyCount() === 0) {
        void this.halt(`Worker failed to boot: ${reason}`, WORKER_BOOT_ERROR);
        return;
      }
      // A replacement could not boot: keep the workers that serve and wait for a fixed config.
      this.spawnBlocked = true;
      for (const w of this.workers.values()) w.replace = false;
    } else if (signal === 'SIGKILL' && !state.timedOut && state.phase !== 'retiring') {
      this.log.error(`Worker (pid:${worker.process.pid}) was sent SIGKILL! Perhaps out of memory?`);
    } else if (state.phase !== 'retiring' && this.phase !== 'stopping' && !state.timedOut) {
      this.log.warn(
        `Worker (pid:${worker.process.pid}) exited unexpectedly (${signal ?? `code ${code}`})`,
      );
    }
    if (this.phase === 'stopping') {
      if (this.workers.size === 0) void this.exit();
    } else {
      this.maintain();
    }
  }

  /** Keeps `target` workers serving: spawns what is missing, retires what is replaced or extra. */
  private maintain(): void {
    if (this.phase === 'stopping') return;
    let serving = [...this.workers.values()].filter((w) => w.phase !== 'retiring');
    const booting = serving
      .filter((w) => !w.replace && w.phase === 'booting')
      .sort((a, b) => b.id - a.id);
    const surplus = serving.filter((w) => !w.replace).length - this.target;
    if (surplus > 0) {
      // Too many (TTOU): booting workers go first, newest first. They serve nobody yet, and
      // waiting for their boot would leave the count high meanwhile.
      for (const w of booting.slice(0, surplus)) this.retire(w, false);
      serving = serving.filter((w) => w.phase !== 'retiring');
    }
    const kept = serving.filter((w) => !w.replace);
    const missing = this.target - kept.length;
    if (missing > 0 && !this.spawnBlocked) {
      for (let i = 0; i < missing; i++) this.spawn();
    }
    const readyKept = kept.filter((w) => w.phase === 'ready');
    if (readyKept.length >= this.target) {
      for (const w of serving) if (w.replace) this.retire(w, false);
      const extra = readyKept.sort((a, b) => a.id - b.id).slice(0, readyKept.length - this.target);
      for (const w of extra) this.retire(w, false);
    }
  }

  /** Workers fit to take a connection: ready, heartbeating, and new ones before replaced ones. */
  private routeTargets(): RouteTarget[] {
    const now = Date.now();
    const staleMs = Math.max(300, 2.5 * heartbeatInterval(this.settings.timeout));
    const ready = [...this.workers.values()].filter((w) => w.phase === 'ready' && !w.timedOut);
    const fresh = ready.filter((w) => now - w.lastBeat < staleMs);
    let chosen = fresh.length > 0 ? fresh : ready;
    if (chosen.some((w) => !w.replace)) chosen = chosen.filter((w) => !w.replace);
    return chosen.map((state) => this.routeTarget(state));
  }

  /** The worker holding a Socket.IO session, while it serves: late heartbeat or not. */
  private sessionHolder(workerId: number): RouteTarget | undefined {
    const state = this.workers.get(workerId);
    return state?.phase === 'ready' && !state.timedOut && state.process?.isConnected()
      ? this.routeTarget(state)
      : undefined;
  }

  private routeTarget(state: WorkerState): RouteTarget {
    return {
      id: state.id,
      send: (socket, id, head) => {
        const worker = state.process;
        if (worker === undefined || !worker.isConnected()) return false;
        const message: PrimaryToWorker =
          head === undefined
            ? { type: 'connection', id }
            : { type: 'connection', id, head: head.toString('base64') };
        worker.send(message, socket, { keepOpen: true }, (err) => {
          if (err) this.router.failed(id);
        });
        return true;
      },
    };
  }

  private retire(state: WorkerState, closeIdle: boolean): void {
    if (state.phase === 'retiring') return;
    state.phase = 'retiring';
    // A message sent before the worker listens would be lost; SIGTERM always gets there.
    if (state.listening) this.send(state, { type: 'retire', closeIdle });
    else this.kill(state, 'SIGTERM');
    state.killTimer = setTimeout(
      () => this.kill(state, 'SIGKILL'),
      this.settings.graceful_timeout * 1000 + 1000,
    );
  }

  private onTick(): void {
    const timeoutMs = this.settings.timeout * 1000;
    if (timeoutMs <= 0) return;
    const now = Date.now();
    for (const state of this.workers.values()) {
      // Until its first message a worker is loading Node and its modules, which a gunicorn
      // worker inherits from the arbiter by fork: on a busy machine that alone can outlast a
      // short timeout, so it gets at least STARTUP_GRACE_MS.
      const limit = state.listening ? timeoutMs : Math.max(timeoutMs, STARTUP_GRACE_MS);
      if (state.timedOut || now - state.lastBeat <= limit) continue;
      state.timedOut = true;
      const pid = state.process?.process.pid;
      this.log.fatal(`WORKER TIMEOUT (pid:${pid})`);
      void runHook(this.hooks, 'worker_abort', this.log, {
        id: state.id,
        pid,
      } satisfies WorkerInfo).then(() => this.kill(state, 'SIGKILL'));
    }
  }

  private async reload(why: string): Promise<void> {
    if (this.phase !== 'running') return;
    const loaded = await this.reloadConfig();
    if (loaded.errors.length > 0) {
      for (const error of loaded.errors)
        this.log.error(`reload (${why}) failed, keeping the running configuration: ${error}`);
      return;
    }
    const old = this.logging;
    try {
      await this.listeners.set(loaded.settings.bind.map(parseBind));
      this.logging = new Logging(loaded.settings);
      this.levelChanges = [];
    } catch (err) {
      this.log.error(
        `reload (${why}) failed, keeping the running configuration: ${(err as Error).message}`,
      );
      return;
    }
    old.close();
    this.settings = loaded.settings;
    this.hooks = hooksOf(this.settings);
    this.log = this.logging.logger('dwi.error');
    for (const warning of loaded.warnings) this.log.warn(warning);
    this.log.info(`Reloading (${why})`);
    this.target = this.settings.workers;
    this.setupWorkers();
    this.pidfile?.rename(this.settings.pidfile);
    this.app.settingsChanged(this.settings, this.log);
    await runHook(this.hooks, 'on_reload', this.log, this.server);
    this.spawnBlocked = false;
    for (const w of this.workers.values()) if (w.phase !== 'retiring') w.replace = true;
    this.watch();
    this.maintain();
  }

  private watch(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (!this.settings.reload) return;
    const files = [...this.settings.reload_extra_files];
    if (this.settings.config !== null) files.push(this.settings.config);
    const codeDir = fileURLToPath(new URL('..', import.meta.url));
    this.watcher = new FileWatcher(files, [codeDir], (path) =>
      this.enqueue({ kind: 'reload', why: `${path} changed` }),
    );
  }

  private async stop(graceful: boolean): Promise<void> {
    this.phase = 'stopping';
    this.watcher?.close();
    this.listeners.close();
    this.router.dropQueue();
    if (this.workers.size === 0) return this.exit();
    const timeoutMs = this.settings.graceful_timeout * 1000;
    for (const state of this.workers.values()) {
      state.phase = 'retiring';
      this.kill(state, graceful ? 'SIGTERM' : 'SIGQUIT');
      clearTimeout(state.killTimer);
      state.killTimer = setTimeout(() => this.kill(state, 'SIGKILL'), timeoutMs + 1000);
    }
  }

  private async halt(reason: string, code: number): Promise<void> {
    this.phase = 'stopping';
    this.log.error(`Shutting down: ${reason}`);
    this.listeners.close();
    this.router.dropQueue();
    this.exitCode = code;
    for (const state of this.workers.values()) this.kill(state, 'SIGKILL');
    if (this.workers.size === 0) await this.exit();
  }

  private async exit(): Promise<void> {
    clearInterval(this.tick);
    for (const [signal, handler] of this.signalHandlers) process.off(signal, handler);
    await runHook(this.hooks, 'on_exit', this.log, this.server);
    this.pidfile?.remove();
    this.log.info('Shutting down: primary');
    this.logging.close();
    this.finish(this.exitCode);
  }
}
