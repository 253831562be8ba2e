/**
 * Requests per client address and time window, counted before anything else a route does:
 * before the origin check and authentication (a flood of bad credentials is refused as a
 * flood, not answered 401 after 401) and before the body is read. The counters are shared by
 * every worker (kept in the primary), so `-w N` does not multiply a client's limit; once a
 * key is over its limit, this worker refuses it by itself until its window ends.
 */
import type { FastifyInstance, FastifyReply, onRequestHookHandler } from 'fastify';
import { ApiError } from './errors.js';

export interface RateLimit {
  max: number;
  windowMs: number;
}

/** A route's own limit (logins: stricter, and counted apart from the rest). */
export interface RouteRateLimit extends Partial<RateLimit> {
  /** Routes of a group share their counters. */
  group: string;
  /** Limit the host itself too (loopback, unix socket), which is otherwise trusted. */
  hostToo?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RouteRateLimit;
  }
}

/** Counts a hit on a key in a window of `windowMs`, and calls back with the window's count. */
export type HitCounter = (
  key: string,
  windowMs: number,
  counted: (hits: { count: number; resetAt: number }) => void,
) => void;

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;
/** Keys remembered as over their limit; more are swept of ended windows first. */
const MAX_REMEMBERED = 50_000;

/** Limits every route registered after this call in `app`'s scope. */
export function limitRoutes(
  app: FastifyInstance,
  options: { defaults: RateLimit; count: HitCounter },
): void {
  const overUntil = new Map<string, number>();
  const remember = (key: string, resetAt: number, now: number) => {
    if (overUntil.size >= MAX_REMEMBERED)
      for (const [k, until] of overUntil) if (until <= now) overUntil.delete(k);
    if (overUntil.size < MAX_REMEMBERED) overUntil.set(key, resetAt);
  };

  app.addHook('onRoute', (route) => {
    const own = route.config?.rateLimit;
    const max = own?.max ?? options.defaults.max;
    const windowMs = own?.windowMs ?? options.defaults.windowMs;
    const group = own?.group ?? 'api';
    const hostToo = own?.hostToo ?? false;
    const limit: onRequestHookHandler = (request, reply, done) => {
      const address = request.ip;
      if (!hostToo && (address === undefined || LOOPBACK.test(address))) return done();
      const key = `${group} ${address ?? 'unix'}`;
      const now = Date.now();
      const until = overUntil.get(key);
      if (until !== undefined) {
        if (until > now) return done(refusal(reply, max, until - now));
        overUntil.delete(key);
      }
      options.count(key, windowMs, ({ count, resetAt }) => {
        if (count <= max) return done();
        const at = Date.now();
        remember(key, resetAt, at);
        done(refusal(reply, max, resetAt - at));
      });
    };
    // First of all the route's hooks: the guard's were added before this one ran.
    route.onRequest = [limit, ...[route.onRequest ?? []].flat()];
  });
}

function refusal(reply: FastifyReply, max: number, waitMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  reply.header('retry-after', String(seconds));
  return new ApiError(
    'rate_limited',
    `Too many requests (at most ${max} in this time window): try again in ${seconds} second${seconds === 1 ? '' : 's'}`,
  );
}
