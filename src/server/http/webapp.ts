/**
 * Serves the web app (dist/web, built by Vite) from the same origin as the API, under the
 * security headers of the scope it is registered in:
 * - `/assets/*`: content-hashed files, cached for a year as immutable;
 * - index.html and the other top-level files: revalidated on every use (`no-cache`);
 * - a browser navigation (GET or HEAD preferring text/html) to any path outside the API gets
 *   index.html, so deep links work. `/` asked for JSON still gets the original's answer, and
 *   every /api path keeps its JSON, 404s included.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Where `vite build` writes the app, beside the compiled server (dist/server/http/..). */
export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

/** Paths that are the API's, whatever the client accepts. */
const API_PATHS = /^\/(api|socket\.io|metrics)(\/|$)/;

/**
 * Whether an Accept header prefers an HTML page to JSON. text/html must be named (curl's and
 * most libraries' `*∕*` is not a browser); JSON's weight is its most specific match.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  let html = 0;
  const json: Record<string, number> = {};
  for (const part of accept.toLowerCase().split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!(weight > 0)) continue;
    if (type === 'text/html') html = Math.max(html, weight);
    else if (type === 'application/json' || type === 'application/*' || type === '*/*')
      json[type] = Math.max(json[type] ?? 0, weight);
  }
  const jsonWeight = json['application/json'] ?? json['application/*'] ?? json['*/*'] ?? 0;
  return html > jsonWeight;
}

/** A page load by a browser: the app answers it, unless the path is the API's. */
export function isNavigation(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = (req.url ?? '/').split('?')[0]!;
  return !API_PATHS.test(path) && prefersHtml(req.headers.accept);
}

/** Routes constrained this way match browser navigations only; others fall through. */
const NAVIGATION = 'navigation';

/** Registers the web app's routes; nothing when the app was not built (a server-only build). */
export const webAppRoutes: FastifyPluginAsync<{ root?: string }> = async (app, options) => {
  const root = options.root ?? WEB_ROOT;
  if (!existsSync(join(root, 'index.html'))) {
    app.log.info(`no web app in ${root} (npm run build makes it); serving the API only`);
    return;
  }
  // Only reply.sendFile: routes are declared here, each with its access, as the guard requires.
  await app.register(fastifyStatic, { root, serve: false });
  if (!app.hasConstraintStrategy(NAVIGATION)) {
    app.addConstraintStrategy({
      name: NAVIGATION,
      storage() {
        const handlers = new Map<string, unknown>();
        return {
          get: (value: string) => (handlers.get(value) ?? null) as never,
          set: (value: string, handler: unknown) => void handlers.set(value, handler),
        };
      },
      deriveConstraint: (req: IncomingMessage) => (isNavigation(req) ? 'yes' : undefined),
      mustMatchWhenDerived: false,
    });
  }

  const revalidate = { cacheControl: false } as const;
  const page = { config: { access: 'public' as const }, schema: { hide: true } };
  const sendIndex = (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', revalidate);

  app.get('/assets/*', page, (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    return reply.sendFile(join('assets', file), { maxAge: '365d', immutable: true });
  });
  // Top-level files other than the page (a favicon, the theme script): known at start.
  for (const name of readdirSync(root)) {
    if (name === 'index.html' || !statSync(join(root, name)).isFile()) continue;
    app.get(`/${name}`, page, (_request, reply) =>
      reply.header('cache-control', 'no-cache').sendFile(name, revalidate),
    );
  }
  for (const url of ['/', '/*']) {
    app.get(url, { ...page, constraints: { [NAVIGATION]: 'yes' } }, sendIndex);
  }
};
