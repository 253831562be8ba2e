import type { FastifyRequest } from 'fastify';

/**
 * True for a request from this host, judged on the socket itself: a proxy on loopback must
 * not make every client local. Guards what is admin-only until authentication exists.
 */
export function isLoopback(request: FastifyRequest): boolean {
  if (request.headers['x-forwarded-for'] !== undefined) return false;
  const address = request.raw.socket.remoteAddress;
  if (address === undefined) return true; // unix socket: local by definition
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
