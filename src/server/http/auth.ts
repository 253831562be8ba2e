/**
 * Access control for REST, as an allow-list: every route declares `config.access` (public or
 * the least role it needs); a route that declares none stops the server at start. Credentials
 * are checked before the body is read. Cookie sessions must send their CSRF token back in
 * X-CSRF-Token on every mutating request; API tokens are not ambient, so they need none.
 * Also: POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me.
 */
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyRequest,
  onRequestHookHandler,
} from 'fastify';
import { allows, type Principal, type Role } from '../../shared/auth.js';
import { SESSION_COOKIE, type Authenticator } from '../auth/authenticator.js';
import { decoyHash, randomSecret, sha256, verifyPassword } from '../auth/credentials.js';
import type { Store } from '../store/index.js';
import { ApiError } from './errors.js';

export type Access = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Installs the guard on every route registered after this call. */
export function guardRoutes(app: FastifyInstance, authenticator: Authenticator): void {
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access === undefined)
      throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    if (access === 'public') return;
    const guard: onRequestHookHandler = (request, _reply, done) => {
      const identity = authenticator.identify(request.headers);
      if (identity === undefined)
        return done(
          new ApiError(
            'unauthorized',
            'Authentication is required: log in (POST /api/auth/login) or send Authorization: Bearer <token>',
          ),
        );
      if (
        identity.csrf !== undefined &&
        MUTATING.has(request.method) &&
        request.headers['x-csrf-token'] !== identity.csrf
      )
        return done(new ApiError('forbidden', 'Missing or wrong X-CSRF-Token for this session'));
      request.principal = identity.principal;
      if (!allows(identity.principal.role, access))
        return done(forbidden(identity.principal, access));
      done();
    };
    route.onRequest = [...[route.onRequest ?? []].flat(), guard];
  });
}

const forbidden = (principal: Principal, needed: Role) =>
  new ApiError('forbidden', `${principal.username} is ${principal.role}; this needs ${needed}`);

/** For routes whose role depends on what is asked (delete needs admin, start operator). */
export function requireRole(request: FastifyRequest, needed: Role): void {
  const principal = request.principal;
  if (principal !== undefined && !allows(principal.role, needed))
    throw forbidden(principal, needed);
}

export interface AuthRouteOptions {
  authenticator: Authenticator;
  store: Store | undefined;
  sessionTtlSeconds: number;
  secureCookies: boolean;
}

const loginBody = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

export const authRoutes: FastifyPluginAsync<AuthRouteOptions> = async (app, options) => {
  const { store, sessionTtlSeconds } = options;
  const cookie = (value: string, maxAge: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}` +
    (options.secureCookies ? '; Secure' : '');

  app.post(
    '/api/auth/login',
    { config: { access: 'public' }, schema: { body: loginBody } },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      if (store === undefined) throw new ApiError('bad_request', 'authentication is off');
      const user = store.user(username);
      // Unknown users cost the same time as known ones: the answer tells nothing.
      const ok = await verifyPassword(user?.password_hash ?? (await decoyHash()), password);
      if (user === undefined || !ok)
        throw new ApiError('unauthorized', 'Wrong user name or password');
      const session = randomSecret();
      const csrf = randomSecret(18);
      store.addSession(sha256(session), user.id, csrf, sessionTtlSeconds);
      reply.header('set-cookie', cookie(session, sessionTtlSeconds));
      return {
        status: 'success',
        data: { username: user.username, role: user.role, csrf_token: csrf },
      };
    },
  );

  app.post('/api/auth/logout', { config: { access: 'viewer' } }, async (request, reply) => {
    const identity = options.authenticator.identify(request.headers);
    if (identity?.sessionHash !== undefined) store?.deleteSession(identity.sessionHash);
    reply.header('set-cookie', cookie('', 0));
    return { status: 'success', data: { message: 'Logged out' } };
  });

  app.get('/api/auth/me', { config: { access: 'viewer' } }, async (request) => {
    const identity = options.authenticator.identify(request.headers);
    return {
      status: 'success',
      data: { ...request.principal, ...(identity?.csrf ? { csrf_token: identity.csrf } : {}) },
    };
  });
};
