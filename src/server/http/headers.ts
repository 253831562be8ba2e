import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * A policy the web app works under: its own scripts and styles, and connections (fetch and
 * websockets) to this server only. 'self' covers same-origin ws: and wss: in current browsers
 * (CSP 3; checked with Chromium 156: a socket to this host:port opens, one to any other is
 * refused); a browser that disagrees falls back to Socket.IO's long polling, still same-origin.
 */
const CSP = {
  defaultSrc: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * Security headers on every route registered in `api` after this: helmet's (with the CSP
 * above), and `Cache-Control: no-store` on API replies, which carry logs, environments and
 * tokens that no browser or proxy cache should keep.
 */
export async function securityHeaders(api: FastifyInstance): Promise<void> {
  await api.register(helmet, { contentSecurityPolicy: { directives: CSP } });
  api.addHook('onRequest', (request, reply, done) => {
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    done();
  });
}
