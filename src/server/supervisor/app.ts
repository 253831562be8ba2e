/**
 * What the process shell needs from the application it runs, and what it offers it. The
 * supervisor knows workers, heartbeats, signals and connections, never the engine, HTTP or the
 * store (as gunicorn's arbiter knows no WSGI app); src/server/app/ implements these.
 */
import type { Socket } from 'node:net';
import type { Settings } from '../config/settings.js';
import type { LevelChange, Logger, Logging } from '../logging/index.js';
import type { Hits } from './counters.js';

export type { Hits } from './counters.js';

/** The application side of the primary process. */
export interface PrimaryApp {
  /**
   * Runs once before any worker starts (the database schema, the first user). False: the
   * reason was logged, and the server does not start.
   */
  prepare(settings: Settings, log: Logger): Promise<boolean>;
  /** Called once the primary forks workers (a cluster-wide message relay, say). */
  clusterStarted(): void;
  /** The configuration was reloaded (SIGHUP, --reload): these settings and logger from now. */
  settingsChanged(settings: Settings, log: Logger): void;
  /** Every worker's metrics together, in the Prometheus text format. */
  collectMetrics(): Promise<string>;
}

/** What a worker's application gets from the shell. */
export interface WorkerContext {
  settings: Settings;
  workerId: number;
  logging: Logging;
  log: Logger;
  /** gunicorn's pre_request / post_request hooks, bound to this worker. */
  preRequest?: (req: unknown) => unknown;
  postRequest?: (req: unknown, res: unknown) => unknown;
  /** Changes a log level here and in every other process of the server. */
  setLogLevel(change: LevelChange): void;
  /** Every worker's metrics, collected by the primary (this worker's alone if it cannot). */
  clusterMetrics(own: () => Promise<string>): Promise<string>;
  /** An id for a Socket.IO session opened here: the primary routes its requests by it. */
  newSessionId(): string;
  /** Counts an answered request, for max_requests. */
  requestServed(): void;
  /**
   * Counts a hit on a rate-limit counter shared by every worker (kept in the primary) and
   * calls back with the window's count; synchronously when it is counted here.
   */
  countHit(key: string, windowMs: number, counted: (hits: Hits) => void): void;
}

/** A worker's application: it serves the connections the shell hands it. */
export interface WorkerApp {
  /** A connection accepted by the primary, with the bytes it already read from it. */
  accept(socket: Socket, head: Buffer | undefined): void;
  /** Stops serving: new connections refused, in-flight requests given `timeoutMs`. */
  close(options: { timeoutMs: number; closeIdle: boolean }): Promise<void>;
}

export type WorkerAppFactory = (context: WorkerContext) => Promise<WorkerApp>;
