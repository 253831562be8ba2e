import { describe, expect, it } from 'vitest';
import { WindowCounters } from '../../src/server/supervisor/counters.js';

describe('rate-limit window counters', () => {
  it('count hits per key within a window, and start again when it ends', () => {
    const counters = new WindowCounters();
    expect(counters.hit('a', 1000, 0)).toEqual({ count: 1, resetAt: 1000 });
    expect(counters.hit('a', 1000, 400)).toEqual({ count: 2, resetAt: 1000 });
    expect(counters.hit('b', 1000, 500)).toEqual({ count: 1, resetAt: 1500 });
    expect(counters.hit('a', 1000, 999)).toEqual({ count: 3, resetAt: 1000 });
    expect(counters.hit('a', 1000, 1000)).toEqual({ count: 1, resetAt: 2000 });
  });

  it('forget ended windows, and past their most keys, count new ones in one shared window', () => {
    const counters = new WindowCounters(3);
    for (const key of ['a', 'b', 'c']) counters.hit(key, 1000, 0);
    expect(counters.size).toBe(3);
    // Full: two new addresses share one window rather than each getting its own.
    expect(counters.hit('d', 1000, 10)).toEqual({ count: 1, resetAt: 1010 });
    expect(counters.hit('e', 1000, 20)).toEqual({ count: 2, resetAt: 1010 });
    expect(counters.hit('a', 1000, 30)).toEqual({ count: 2, resetAt: 1000 });
    // Once the old windows end they make room again.
    expect(counters.hit('f', 1000, 1500)).toEqual({ count: 1, resetAt: 2500 });
    expect(counters.size).toBeLessThanOrEqual(3);
  });
});
