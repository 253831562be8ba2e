import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  limitedAddressOf,
  OpenSockets,
  parseRate,
  seconds,
  TokenBucket,
} from '../../src/server/realtime/limits.js';
import { whyNotValid } from '../../src/server/realtime/revalidate.js';

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  const time = { now: start };
  return { now: () => time.now, advance: (ms: number) => (time.now += ms) };
}

describe('socket throttles', () => {
  it('read rates as a count per period', () => {
    expect(parseRate('50/second')).toEqual({ count: 50, periodMs: 1000 });
    expect(parseRate('60/minute')).toEqual({ count: 60, periodMs: 60_000 });
    expect(parseRate('2/hour')).toEqual({ count: 2, periodMs: 3_600_000 });
    expect([seconds(1), seconds(1000), seconds(1001), seconds(0)]).toEqual([1, 1, 2, 1]);
  });

  it('give a token bucket its burst, then its rate', () => {
    const time = clock();
    const bucket = new TokenBucket({ count: 4, periodMs: 1000 }, time.now);
    expect(Array.from({ length: 5 }, () => bucket.take())).toEqual([true, true, true, true, false]);
    expect(bucket.retryAfterMs()).toBe(250);
    time.advance(250);
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    // A long pause refills up to the burst, never past it.
    time.advance(60_000);
    expect(Array.from({ length: 5 }, () => bucket.take()).filter(Boolean)).toHaveLength(4);
  });

  it('count open sockets per key up to the cap, and free a place when one goes', () => {
    const open = new OpenSockets(2);
    expect([open.add('vera', 'a'), open.add('vera', 'b'), open.add('vera', 'c')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(open.add('otto', 'd')).toBe(true);
    open.remove('vera', 'a');
    open.remove('vera', 'a');
    expect(open.count('vera')).toBe(1);
    expect(open.add('vera', 'c')).toBe(true);
  });

  it('limit the address REST would see, and never this host', () => {
    const req = (remoteAddress: string | undefined, forwarded?: string) =>
      ({
        socket: { remoteAddress },
        headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
      }) as unknown as IncomingMessage;
    const address = limitedAddressOf(['127.0.0.1', '::1']);
    expect(address(req('203.0.113.5'))).toBe('203.0.113.5');
    // Believed from a trusted proxy only.
    expect(address(req('127.0.0.1', '198.51.100.7'))).toBe('198.51.100.7');
    expect(address(req('203.0.113.5', '198.51.100.7'))).toBe('203.0.113.5');
    expect(address(req('127.0.0.1'))).toBeUndefined();
    expect(address(req('::1'))).toBeUndefined();
    expect(address(req(undefined))).toBeUndefined(); // a unix socket
    expect(limitedAddressOf(['*'])(req('203.0.113.5', '198.51.100.7'))).toBe('198.51.100.7');
  });
});

describe('socket revalidation', () => {
  const vera = { username: 'vera', role: 'operator', via: 'token' } as const;
  it('keeps a socket whose credential proves the same user and role, and says why otherwise', () => {
    expect(whyNotValid(vera, { ...vera })).toBeUndefined();
    expect(whyNotValid(vera, undefined)).toMatch(/^Your credentials are no longer valid/);
    expect(whyNotValid(vera, { ...vera, role: 'viewer' })).toBe(
      'Your role changed to viewer: connect again',
    );
    expect(whyNotValid(vera, { ...vera, role: 'admin' })).toBe(
      'Your role changed to admin: connect again',
    );
  });
});
