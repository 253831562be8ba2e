/**
 * Fixed-window hit counters (rate limits). The primary keeps the one set every worker counts
 * against, so `-w N` does not give a client N times its limit; a worker keeps its own only to
 * answer when the primary cannot.
 */

export interface Hits {
  /** Hits on the key in its current window, this one included. */
  count: number;
  /** When the window ends (epoch milliseconds). */
  resetAt: number;
}

/** Keys beyond this share one window: a flood of new addresses cannot grow the table. */
const MAX_KEYS = 100_000;
const OVERFLOW_KEY = '\u0000overflow';

export class WindowCounters {
  private readonly windows = new Map<string, Hits>();
  private nextSweep = 0;

  constructor(private readonly maxKeys = MAX_KEYS) {}

  hit(key: string, windowMs: number, now = Date.now()): Hits {
    let window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      if (window === undefined && this.windows.size >= this.maxKeys && key !== OVERFLOW_KEY) {
        this.sweep(now);
        if (this.windows.size >= this.maxKeys) return this.hit(OVERFLOW_KEY, windowMs, now);
      }
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (now >= this.nextSweep) this.sweep(now);
    return { count: window.count, resetAt: window.resetAt };
  }

  get size(): number {
    return this.windows.size;
  }

  /** Forgets ended windows, at most once a second. */
  private sweep(now: number): void {
    this.nextSweep = now + 1000;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
