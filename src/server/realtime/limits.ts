/**
 * Throttles for Socket.IO: handshakes per client address (counted by the primary for every
 * worker), events per connection and sockets per user (this worker's own memory, counted here).
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/** Clients on this host are not limited, as for REST (a local proxy would be all of them). */
const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** The client's address as REST sees it: `X-Forwarded-For` believed from forwarded_allow_ips only. */
export function clientAddressOf(
  forwardedAllowIps: readonly string[],
): (req: IncomingMessage) => string | undefined {
  const trust = forwardedAllowIps.includes('*')
    ? () => true
    : proxyAddr.compile([...forwardedAllowIps]);
  return (req) => (req.socket.remoteAddress === undefined ? undefined : proxyAddr(req, trust));
}

/**
 * Whether the client reached us over HTTPS: our own TLS, or a proxy in forwarded_allow_ips
 * that terminated it and says so in `X-Forwarded-Proto` (as REST's `request.protocol`).
 */
export function httpsOf(
  forwardedAllowIps: readonly string[],
  tls: boolean,
): (req: IncomingMessage) => boolean {
  const trust = forwardedAllowIps.includes('*')
    ? () => true
    : proxyAddr.compile([...forwardedAllowIps]);
  return (req) => {
    if (tls) return true;
    const peer = req.socket.remoteAddress;
    const proto = req.headers['x-forwarded-proto'];
    if (peer === undefined || typeof proto !== 'string' || !trust(peer, 0)) return false;
    // The proxy nearest to us appends last.
    return proto.split(',').at(-1)!.trim().toLowerCase() === 'https';
  };
}

/**
 * The address a request is limited by, as REST sees it (`X-Forwarded-For` believed from the
 * proxies in forwarded_allow_ips only); undefined for this host (loopback, a unix socket).
 */
export function limitedAddressOf(
  forwardedAllowIps: readonly string[],
): (req: IncomingMessage) => string | undefined {
  const clientAddress = clientAddressOf(forwardedAllowIps);
  return (req) => {
    const address = clientAddress(req);
    return address === undefined || LOOPBACK.test(address) ? undefined : address;
  };
}

/** Counts a hit on a key in a window of `windowMs`, and calls back with the window's count. */
export type HitCounter = (
  key: string,
  windowMs: number,
  counted: (hits: { count: number; resetAt: number }) => void,
) => void;

export interface Rate {
  count: number;
  periodMs: number;
}

/** The realtime settings, ready for use. */
export interface SocketLimits {
  /** Handshakes per client address (socket_connect_rate), and its text for messages. */
  connectRate: Rate;
  connectRateText: string;
  /** Open sockets per user (socket_max_per_user). */
  maxPerUser: number;
  /** Events per socket (socket_event_rate), and its text for messages. */
  eventRate: Rate;
  eventRateText: string;
  /** Largest event payload, JSON bytes (socket_event_max_bytes). */
  eventMaxBytes: number;
  /** Period of the credential check of every open socket (socket_auth_recheck). */
  authRecheckMs: number;
}

const PERIOD_MS = { second: 1000, minute: 60_000, hour: 3_600_000 } as const;

/** "50/second" (validated by its setting) as a count per period. */
export function parseRate(text: string): Rate {
  const [count, period] = text.split('/') as [string, keyof typeof PERIOD_MS];
  return { count: Number(count), periodMs: PERIOD_MS[period] };
}

export function socketLimits(settings: {
  socket_connect_rate: string;
  socket_max_per_user: number;
  socket_event_rate: string;
  socket_event_max_bytes: number;
  socket_auth_recheck: number;
}): SocketLimits {
  return {
    connectRate: parseRate(settings.socket_connect_rate),
    connectRateText: settings.socket_connect_rate,
    maxPerUser: settings.socket_max_per_user,
    eventRate: parseRate(settings.socket_event_rate),
    eventRateText: settings.socket_event_rate,
    eventMaxBytes: settings.socket_event_max_bytes,
    authRecheckMs: settings.socket_auth_recheck * 1000,
  };
}

/** Whole seconds, at least 1, for a "try again in" message. */
export const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * A burst of `count`, then `count` per period, refilled continuously: a client that keeps to
 * the rate is never refused, one that floods gets the burst and then the rate.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rate.count;
    this.updatedAt = now();
  }

  /** Takes one token: true, or false (refused) when none is left. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(
      this.rate.count,
      this.tokens + ((now - this.updatedAt) * this.rate.count) / this.rate.periodMs,
    );
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until the next token. */
  retryAfterMs(): number {
    return Math.ceil(((1 - this.tokens) * this.rate.periodMs) / this.rate.count);
  }
}

/** Open sockets per key (a user, say) in this worker, at most `max` each. */
export class OpenSockets {
  private readonly open = new Map<string, Set<string>>();

  constructor(private readonly max: number) {}

  /** Counts a socket in: false (not counted) when its key has `max` open already. */
  add(key: string, id: string): boolean {
    const open = this.open.get(key) ?? new Set<string>();
    if (open.size >= this.max) return false;
    open.add(id);
    this.open.set(key, open);
    return true;
  }

  /** Counts a socket out; again is harmless. */
  remove(key: string, id: string): void {
    const open = this.open.get(key);
    open?.delete(id);
    if (open?.size === 0) this.open.delete(key);
  }

  count(key: string): number {
    return this.open.get(key)?.size ?? 0;
  }
}
