import type { Settings } from '../config/settings.js';
import type { LevelChange } from '../logging/index.js';

/** Settings as sent to a worker: everything but the hook functions, which it loads itself. */
export type WorkerSettings = Omit<Settings, HookKeys>;
type HookKeys = {
  [K in keyof Settings]: Settings[K] extends ((...args: never[]) => unknown) | null
    ? null extends Settings[K]
      ? K
      : never
    : never;
}[keyof Settings];

export type PrimaryToWorker =
  | {
      type: 'boot';
      settings: WorkerSettings;
      workerId: number;
      primaryPid: number;
      /** Log levels changed at run time and still in force, oldest first, ttl what is left. */
      levels: LevelChange[];
    }
  /** Stop gracefully: stop accepting, finish in-flight requests, exit. */
  | { type: 'retire'; closeIdle: boolean }
  | { type: 'log-level'; change: LevelChange }
  /** Sent with an accepted socket as the handle. */
  | { type: 'connection'; id: number; head?: string }
  | { type: 'metrics'; id: number; text: string }
  /** The answer to a `hit`. */
  | { type: 'hits'; id: number; count: number; resetAt: number };

export type WorkerToPrimary =
  /** Sent once the worker listens for messages; earlier ones would be lost. */
  | { type: 'hello' }
  | { type: 'ready' }
  | { type: 'heartbeat' }
  /** The connection with this id is now the worker's. */
  | { type: 'accepted'; id: number }
  | { type: 'boot-failed'; reason: string }
  /** max_requests reached: start a replacement, then retire me. */
  | { type: 'retire-me'; reason: string }
  | { type: 'log-level'; change: LevelChange }
  /** A scrape landed here: the primary collects every worker's metrics. */
  | { type: 'metrics-request'; id: number }
  /** Count a hit on a shared rate-limit counter (a window of `windowMs`). */
  | { type: 'hit'; id: number; key: string; windowMs: number };

/** Exit code of a worker that could not boot; the primary halts instead of respawning. */
export const WORKER_BOOT_ERROR = 3;

export function isMessage<T extends { type: string }>(value: unknown): value is T {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

/** How often a worker heartbeats: often enough that a timeout is noticed within a quarter of it. */
export function heartbeatInterval(timeoutSeconds: number): number {
  return Math.min(1000, Math.max(100, (timeoutSeconds * 1000) / 4));
}
