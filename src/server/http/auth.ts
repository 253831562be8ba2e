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
import { allows, type Role } from '../../shared/auth.js';
import type { Principal } from '../../shared/principal.js';
import { SESSION_COOKIE, type Authenticator, type Identity } from '../auth/authenticator.js';
import { originAllowed } from '../auth/origins.js';
import { decoyHash, randomSecret, sha256, verifyPassword } from '../auth/credentials.js';
import type { Store } from '../store/index.js';
import { LoginRequestSchema, type ApiReply } from '../../shared/api.js';
import { auditHook } from './audit.js';
import { ApiError } from './errors.js';
import { operation, requestSchema } from './openapi.js';

export type Access = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * Audits a read when it asks for something sensitive (an admin revealing secrets): says
     * what was asked, for the audit row's detail, or undefined for an ordinary read.
     */
    auditWhen?: (request: FastifyRequest) => string | undefined;
    /**
     * Refusals of requests that prove nobody are counted in one row a minute for the route,
     * whatever the address (logins under made-up names, from addresses without number).
     */
    auditFoldAcrossAddresses?: boolean;
  }
  interface FastifyRequest {
    /** Who the guard found (absent on public routes and under a 401). */
    identity?: Identity;
    /** Who an audited request claims to be before they are known (a login's existing user). */
    claimedUser?: string;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LOCKOUT_FAILURES = 5;
const LOCKOUT_MINUTES = 15;

/**
 * Installs the guard on every route registered after this call, and the audit of every
 * mutating one (http/audit.ts).
 */
export function guardRoutes(
  app: FastifyInstance,
  authenticator: Authenticator,
  store: Store | undefined,
  origins: { allowed: readonly string[]; tls: boolean },
): void {
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access === undefined)
      throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    const methods = [route.method].flat();
    const mutating = methods.some((method) => MUTATING.has(method));
    if (mutating) {
      // A browser on another site must not drive this one (whatever its credentials).
      const sameSite: onRequestHookHandler = (request, _reply, done) => {
        const origin = request.headers.origin;
        // request.protocol: https through our TLS, or a trusted proxy's X-Forwarded-Proto.
        const https = origins.tls || request.protocol === 'https';
        if (originAllowed(origin, request.headers.host, https, origins.allowed)) return done();
        done(new ApiError('forbidden', `Origin ${origin} may not change anything here`));
      };
      route.onRequest = [...[route.onRequest ?? []].flat(), sameSite];
    }
    if (store !== undefined && (mutating || route.config?.auditWhen !== undefined))
      route.onSend = [...[route.onSend ?? []].flat(), auditHook(store, route, mutating)];
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
      request.identity = identity;
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
  const principal = request.identity?.principal;
  if (principal !== undefined && !allows(principal.role, needed))
    throw forbidden(principal, needed);
}

export interface AuthRouteOptions {
  store: Store | undefined;
  sessionTtlSeconds: number;
  secureCookies: boolean;
}

const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    before: { type: 'integer', minimum: 1 },
    username: { type: 'string', maxLength: 64 },
    action: { type: 'string', maxLength: 300 },
    action_contains: { type: 'string', minLength: 1, maxLength: 300 },
    result: { type: 'string', enum: ['success', 'failure', 'denied'] },
    since: { type: 'string', format: 'date-time', description: 'Rows at or after this time' },
    until: { type: 'string', format: 'date-time', description: 'Rows before this time' },
  },
} as const;

/** An ISO time as the audit stores it (UTC, milliseconds), so that times compare as text. */
const storedTime = (time: string) => new Date(time).toISOString();

export const authRoutes: FastifyPluginAsync<AuthRouteOptions> = async (app, options) => {
  const { store, sessionTtlSeconds } = options;
  // Secure over our own TLS, and over a trusted proxy's (X-Forwarded-Proto: https).
  const cookie = (request: FastifyRequest, value: string, maxAge: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}` +
    (options.secureCookies || request.protocol === 'https' ? '; Secure' : '');

  app.post(
    '/api/auth/login',
    {
      // Stricter than the rest: 10 tries a minute per address, and see the lockout below.
      config: {
        access: 'public',
        rateLimit: { group: 'login', max: 10, windowMs: 60_000, hostToo: true },
        auditFoldAcrossAddresses: true,
      },
      schema: { ...operation('login'), body: requestSchema(LoginRequestSchema) },
    },
    async (request, reply): Promise<ApiReply<'login'>> => {
      const { username, password } = request.body as { username: string; password: string };
      if (store === undefined) throw new ApiError('bad_request', 'authentication is off');
      // A name nobody has proves nobody: its refusals fold into one audit row a minute, so
      // made-up names cannot grow the audit log a row each.
      const user = store.user(username);
      if (user !== undefined) request.claimedUser = username;
      // A user name with LOCKOUT_FAILURES wrong passwords in LOCKOUT_MINUTES is locked that
      // long. Each attempt is reserved in the database before the slow check, so concurrent
      // ones, in any worker, cannot all pass on the same count.
      const attempt = store.reserveLogin(username, LOCKOUT_FAILURES, LOCKOUT_MINUTES);
      if (attempt === undefined)
        throw new ApiError(
          'rate_limited',
          `Too many failed logins for ${username}: locked for up to ${LOCKOUT_MINUTES} minutes`,
        );
      // Unknown users cost the same time as known ones: the answer tells nothing.
      const ok = await verifyPassword(user?.password_hash ?? (await decoyHash()), password);
      if (user === undefined || !ok)
        throw new ApiError('unauthorized', 'Wrong user name or password');
      store.loginSucceeded(attempt);
      const session = randomSecret();
      const csrf = randomSecret(18);
      store.addSession(sha256(session), user.id, csrf, sessionTtlSeconds);
      reply.header('set-cookie', cookie(request, session, sessionTtlSeconds));
      return {
        status: 'success',
        data: { username: user.username, role: user.role, csrf_token: csrf },
      };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { access: 'viewer' }, schema: operation('logout') },
    async (request, reply): Promise<ApiReply<'logout'>> => {
      const sessionHash = request.identity?.sessionHash;
      if (sessionHash !== undefined) store?.deleteSession(sessionHash);
      reply.header('set-cookie', cookie(request, '', 0));
      return { status: 'success', data: { message: 'Logged out' } };
    },
  );

  app.get(
    '/api/audit',
    { config: { access: 'admin' }, schema: { ...operation('listAudit'), querystring: auditQuery } },
    async (request): Promise<ApiReply<'listAudit'>> => {
      const { action_contains, since, until, ...query } = request.query as {
        limit?: number;
        before?: number;
        username?: string;
        action?: string;
        action_contains?: string;
        result?: string;
        since?: string;
        until?: string;
      };
      const entries =
        store?.auditLog({
          ...query,
          limit: query.limit ?? 100,
          ...(action_contains !== undefined ? { actionContains: action_contains } : {}),
          ...(since !== undefined ? { since: storedTime(since) } : {}),
          ...(until !== undefined ? { until: storedTime(until) } : {}),
        }) ?? [];
      const last = entries.at(-1);
      return {
        status: 'success',
        data: {
          entries,
          // Ask again with before=<this> for the page after (older rows).
          before: entries.length === (query.limit ?? 100) && last ? last.id : null,
        },
      };
    },
  );

  app.get(
    '/api/auth/me',
    { config: { access: 'viewer' }, schema: operation('getMe') },
    async (request): Promise<ApiReply<'getMe'>> => {
      const { principal, csrf } = request.identity!;
      return { status: 'success', data: { ...principal, ...(csrf ? { csrf_token: csrf } : {}) } };
    },
  );
};
