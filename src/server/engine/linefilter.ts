/**
 * Filters batches of log lines with the shared matcher (src/shared/logmatch.ts). Plain text
 * matches here; a regular expression compiles and matches in a thread of its own
 * (matchworker.ts): RE2 runs in linear time, but a large pattern on long lines still costs
 * seconds of CPU, and the worker's event loop must stay free for every other request. A
 * deadline can end the thread mid-batch. The worker's own thread never loads the RE2 engine
 * (a quarter of a megabyte of code, a tenth of a second to load on every worker start).
 */
import { Worker } from 'node:worker_threads';
import { plainMatcher, PatternError } from '../../shared/logpattern.js';
import { EngineError } from './errors.js';

export interface LineFilter {
  /** One flag per line: 1 where it matches. */
  match(lines: string[]): Uint8Array | Promise<Uint8Array>;
  /** Ends it; a thread is terminated, even in the middle of a batch. */
  close(): void;
}

/** Regular expression searches at once in one worker process: each holds a thread and a core. */
export const MAX_MATCH_THREADS = 4;
let threads = 0;

/** A filter for a search; rejects with a PatternError (bad input) or EngineError('busy'). */
export async function lineFilter(q: string, regex: boolean): Promise<LineFilter> {
  if (!regex) {
    const matches = plainMatcher(q);
    return {
      match(lines) {
        const flags = new Uint8Array(lines.length);
        for (let i = 0; i < lines.length; i++) flags[i] = matches(lines[i]!) ? 1 : 0;
        return flags;
      },
      close() {},
    };
  }
  if (threads >= MAX_MATCH_THREADS) {
    throw new EngineError(
      'busy',
      `${MAX_MATCH_THREADS} regular expression searches are already running here: try again when one is done`,
    );
  }
  const filter = new ThreadFilter(q);
  await filter.ready;
  return filter;
}

class ThreadFilter implements LineFilter {
  private readonly thread: Worker;
  private waiting: { resolve: (flags: Uint8Array) => void; reject: (err: Error) => void } | null =
    null;
  private ended: Error | null = null;
  /** Settles once the thread has compiled the pattern, or refused it (a PatternError). */
  readonly ready: Promise<void>;
  private compiled!: { resolve: () => void; reject: (err: Error) => void };

  constructor(q: string) {
    threads += 1;
    this.thread = new Worker(new URL('./matchworker.js', import.meta.url), {
      workerData: { q, regex: true },
      // Its heap holds a batch of lines and the pattern's state cache: a few MiB.
      resourceLimits: { maxOldGenerationSizeMb: 128 },
    });
    this.ready = new Promise((resolve, reject) => (this.compiled = { resolve, reject }));
    this.thread.on('message', (message: Uint8Array | { ready: true } | { refused: string }) => {
      if (message instanceof Uint8Array) {
        const waiting = this.waiting;
        this.waiting = null;
        waiting?.resolve(message);
      } else if ('ready' in message) {
        this.compiled.resolve();
      } else {
        this.compiled.reject(new PatternError(message.refused));
        this.close();
      }
    });
    this.thread.on('error', (err) => this.end(err));
    this.thread.once('exit', () => {
      threads -= 1;
      this.end(new Error('the matching thread ended'));
    });
  }

  private end(err: Error): void {
    this.ended ??= err;
    this.compiled.reject(err); // no-op once it settled
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(err);
  }

  match(lines: string[]): Promise<Uint8Array> {
    if (this.ended !== null) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.thread.postMessage(lines);
    });
  }

  close(): void {
    if (this.ended === null) void this.thread.terminate();
  }
}
