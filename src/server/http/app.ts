import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import AjvCompiler from '@fastify/ajv-compiler';
import fastJsonStringify from 'fast-json-stringify';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerFactory,
  type onResponseHookHandler,
  type preHandlerHookHandler,
  type preValidationHookHandler,
  type RouteOptions,
} from 'fastify';
import type { Logger } from 'pino';
import { codeForStatus, ERROR_CODES, type ErrorCode } from '../../shared/errors.js';
import type { EngineApi } from '../engine/ports.js';
import type { Readiness } from '../../shared/health.js';
import { compileAccessFormat, type AccessInfo } from '../logging/access.js';
import type { Authenticator } from '../auth/authenticator.js';
import { corsOrigin } from '../auth/origins.js';
import type { KnownHosts } from '../auth/hosts.js';
import { authRoutes, guardRoutes, type AuthRouteOptions } from './auth.js';
import { ApiError, errorReply, knownError } from './errors.js';
import { securityHeaders } from './headers.js';
import { refuseUnknownHosts } from './hosts.js';
import { openapiOptions, operation } from './openapi.js';
import { limitRoutes, type HitCounter, type RateLimit } from './rate-limit.js';
import { adminRoutes, type LogLevelControl } from './routes/admin.js';
import { containerRoutes } from './routes/containers.js';
import { imageRoutes } from './routes/images.js';
import { metricsRoutes, type MetricsSource } from './routes/metrics.js';
import { projectRoutes } from './routes/projects.js';
import type { MetricsRetention } from '../store/metrics.js';
import { webhookRoutes } from './routes/webhooks.js';
import { historyRoutes } from './routes/history.js';
import { pruneRoutes } from './routes/prune.js';
import { healthRoutes } from './routes/health.js';
import { rootRoutes } from './routes/root.js';
import { userRoutes } from './routes/users.js';
import { webAppRoutes } from './webapp.js';

export interface RequestHooks {
  /** gunicorn's pre_request(worker, req). */
  preRequest?: (req: HookRequest) => unknown;
  /** gunicorn's post_request(worker, req, res). */
  postRequest?: (req: HookRequest, res: HookResponse) => unknown;
}

export interface HookRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface HookResponse {
  statusCode: number;
  headers: Record<string, unknown>;
}

export interface AppOptions {
  /** The error logger ("dwi.error"); request loggers are its children. */
  logger: Logger;
  /** Writes an access line; absent when the access log is off. */
  accessLog?: (line: string, requestId: string) => void;
  accessLogFormat: string;
  version: string;
  workerId: number;
  /** Proxies whose X-Forwarded-* headers are believed. */
  forwardedAllowIps: string[];
  keepAliveTimeoutMs?: number;
  readiness: () => Readiness;
  logLevels: LogLevelControl;
  /** The Docker engine; the container and image routes exist only with one. */
  engine?: EngineApi;
  /** How long the metrics history keeps each step (its series are read at these steps). */
  metricsRetention: MetricsRetention;
  /** Prometheus metrics: GET /metrics, and a count of every answered request. */
  metrics?: MetricsSource & {
    observeRequest(method: string, route: string, status: number, seconds: number): void;
  };
  hooks?: RequestHooks;
  /** Called after each response, e.g. to count requests for max_requests. */
  onResponse?: () => void;
  serverFactory?: FastifyServerFactory;
  /** True while answers should end their connection (draining, or keepalive 0). */
  closeConnections?: () => boolean;
  /** Who may do what (http/auth.ts). */
  auth: AuthRouteOptions & {
    authenticator: Authenticator;
    allowedOrigins: readonly string[];
    /** The Host names answered to (DNS rebinding); others get 421. */
    knownHosts: KnownHosts;
    /** Requests per client address and window (the `rate_limit` setting). */
    rateLimit: RateLimit;
    /** Counts rate-limit hits (in the primary, for every worker). */
    countHit: HitCounter;
  };
}

const SAFE_REQUEST_ID = /^[\w.:@/+=-]{1,200}$/;

/** Builds the Fastify app without listening (server.ts owns sockets; tests can inject). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // The access log (onResponse below) replaces Fastify's own per-request lines.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'request_id',
    }),
    // A client's X-Request-ID is kept when it is sane, so ids follow a request across services.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming)
        ? incoming
        : randomUUID();
    },
    trustProxy: options.forwardedAllowIps.includes('*') ? true : options.forwardedAllowIps,
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
    ...(options.keepAliveTimeoutMs !== undefined
      ? { keepAliveTimeout: options.keepAliveTimeoutMs }
      : {}),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    // Fastify's own validators, compiled on a route's first request rather than at start, as
    // the serializers are below: most routes are never called in a worker's life, and
    // compiling them all was a tenth of a worker's start.
    schemaController: { compilersFactory: { buildValidator: lazyValidators } },
  });

  // The original's clients send `Content-Type: application/json` with no body on routes that
  // read none (prune, image delete, actions): an empty body is no body. Routes that need one
  // still fail their schema with a 400; a malformed body still gets one.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (request, body: string, done) => {
      if (body.length === 0) return done(null, undefined);
      parseJson(request, body, done);
    },
  );
  // A route's reply serializer (fast-json-stringify, from its response schema) is compiled on
  // its first reply rather than at start: a worker answers few of its routes, and compiling
  // them all costs every worker memory and start time.
  app.setSerializerCompiler(({ schema }) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data) => (serialize ??= fastJsonStringify(schema))(data);
  });

  // Callback-style hooks: they run on every request, and skip a promise when no user hook is set.
  const { preRequest, postRequest } = options.hooks ?? {};
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (options.closeConnections?.()) reply.header('connection', 'close');
    if (preRequest === undefined) return done();
    guard(request, 'pre_request', () => preRequest(hookRequest(request))).then(() => done());
  });
  refuseUnknownHosts(app, options.auth.knownHosts);

  const accessFormat = compileAccessFormat(options.accessLogFormat);
  // Schema coercion turns "1e309" into Infinity and lets it pass `integer` and `maximum`:
  // routes with numeric query parameters refuse a number that is not finite.
  app.addHook('onRoute', (route) => {
    const properties = (route.schema?.querystring as { properties?: object } | undefined)
      ?.properties as Record<string, { type?: string }> | undefined;
    const numeric = Object.entries(properties ?? {})
      .filter(([, property]) => property.type === 'integer' || property.type === 'number')
      .map(([name]) => name);
    if (numeric.length === 0) return;
    const finite: preHandlerHookHandler = (request, _reply, done) => {
      const query = request.query as Record<string, unknown>;
      const bad = numeric.find(
        (name) => query[name] !== undefined && !Number.isFinite(query[name]),
      );
      done(
        bad === undefined
          ? undefined
          : new ApiError('bad_request', `${bad} must be a finite number`),
      );
    };
    route.preHandler = [...[route.preHandler ?? []].flat(), finite];
  });
  app.addHook('onRoute', acceptBooleanDigits);
  const { accessLog, onResponse, metrics } = options;
  if (metrics !== undefined) {
    // Each route counts its own answers, its URL pattern known here: reading it per request
    // (request.routeOptions) builds an object every time.
    app.addHook('onRoute', (route) => {
      const url = route.url;
      const observe: onResponseHookHandler = (request, reply, done) => {
        metrics.observeRequest(request.method, url, reply.statusCode, reply.elapsedTime / 1000);
        done();
      };
      route.onResponse = [...[route.onResponse ?? []].flat(), observe];
    });
  }
  // CORS for the origins in allowed_origins (the original allowed every origin): a listed
  // origin is echoed back with credentials allowed; any other gets no CORS headers, and its
  // preflight a 404. Without a list only the server's own origin may call, which needs no
  // CORS, so no request pays for the hook.
  const allowedOrigins = options.auth.allowedOrigins;
  if (allowedOrigins.length > 0) {
    // Browsers send preflights without credentials: the preflight route is public.
    app.addHook('onRoute', (route) => {
      if (route.method === 'OPTIONS' && route.url === '*')
        route.config = { ...route.config, access: 'public' };
    });
    // Loaded only here: most servers list no origins, and each worker would carry it.
    const { default: cors } = await import('@fastify/cors');
    await app.register(cors, {
      origin: (origin, answer) => answer(null, corsOrigin(origin, allowedOrigins)),
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['content-type', 'authorization', 'x-csrf-token', 'x-request-id'],
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    });
  }
  // Before any route: each must declare who may call it.
  guardRoutes(app, options.auth.authenticator, options.auth.store, {
    allowed: options.auth.allowedOrigins,
    tls: options.auth.secureCookies,
  });
  app.addHook('onResponse', (request, reply, done) => {
    onResponse?.();
    if (accessLog !== undefined)
      accessLog(accessFormat(new FinishedRequest(request, reply)), request.id);
    if (postRequest === undefined) return done();
    const res = { statusCode: reply.statusCode, headers: reply.getHeaders() };
    guard(request, 'post_request', () => postRequest(hookRequest(request), res)).then(() => done());
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let code: ErrorCode;
    let message: string;
    // ApiError and EngineError are raised on purpose; the rest are Fastify's or bugs.
    const known = knownError(error);
    if (known !== undefined) {
      ({ code, message } = known);
    } else if (error.validation !== undefined) {
      code = 'bad_request';
      message = `invalid ${error.validationContext ?? 'request'}: ${error.validation
        .map((v) => `${v.instancePath || '/'} ${v.message ?? 'is invalid'}`.trim())
        .join('; ')}`;
    } else if (
      typeof error.statusCode === 'number' &&
      error.statusCode >= 400 &&
      error.statusCode < 500
    ) {
      code = codeForStatus(error.statusCode);
      message = error.message;
    } else {
      code = 'internal';
      message = 'internal error; the request id leads to the details in the error log';
      request.log.error(
        { err: error },
        `unhandled error on ${request.method} ${request.url}: ${error.message}`,
      );
    }
    const status =
      known !== undefined ? ERROR_CODES[code].status : statusFor(code, error.statusCode);
    return reply.code(status).send(errorReply(code, message, request.id));
  });

  app.setNotFoundHandler((request, reply) => {
    metrics?.observeRequest(request.method, 'unmatched', 404, reply.elapsedTime / 1000);
    return reply
      .code(404)
      .send(
        errorReply(
          'not_found',
          `no route for ${request.method} ${request.url.split('?')[0]}`,
          request.id,
        ),
      );
  });

  // The OpenAPI document is generated from the route schemas registered after this.
  await app.register(swagger, openapiOptions(options.version));
  app.get(
    '/api/openapi.json',
    { config: { access: 'viewer' }, schema: operation('getOpenApi') },
    async () => app.swagger(),
  );
  await app.register(healthRoutes, {
    version: options.version,
    workerId: options.workerId,
    readiness: options.readiness,
  });
  // Everything but the health probes (kept as light as can be): security headers and a rate
  // limit per client address. Hooks registered in here apply only to the routes in here.
  await app.register(async (api) => {
    await securityHeaders(api);
    // Clients on this host (a unix socket, or loopback as seen through trusted proxies) are
    // not limited; logins are.
    limitRoutes(api, { defaults: options.auth.rateLimit, count: options.auth.countHit });
    await api.register(rootRoutes);
    await api.register(authRoutes, options.auth);
    await api.register(adminRoutes, { logLevels: options.logLevels });
    if (options.auth.store !== undefined) {
      await api.register(userRoutes, { store: options.auth.store });
      await api.register(webhookRoutes, { webhooks: options.auth.store.webhooks });
    }
    if (metrics !== undefined) await api.register(metricsRoutes, { metrics });
    if (options.engine !== undefined) {
      const store = options.auth.store;
      // With a store: actions noted for the timeline, and the history read back.
      const recorded = store && {
        actions: store.dwiActions,
        hostHistory: () => {
          const now = Math.floor(Date.now() / 1000);
          const lastHour = { from: now - 3600, to: now, step: 10 };
          return store.metrics.series(null, lastHour, options.metricsRetention, now);
        },
      };
      await api.register(containerRoutes, { engine: options.engine, ...recorded });
      await api.register(imageRoutes, { engine: options.engine });
      await api.register(projectRoutes, {
        engine: options.engine,
        ...(store ? { actions: store.dwiActions } : {}),
      });
      await api.register(pruneRoutes, { engine: options.engine });
      if (store !== undefined)
        await api.register(historyRoutes, {
          timeline: store.timeline,
          crashes: store.crashes,
          metrics: store.metrics,
          metricsRetention: options.metricsRetention,
          containers: options.engine.containers,
          inspect: (ref, inspectOptions) => options.engine!.inspect(ref, inspectOptions),
        });
    }
    // The web app's files, and its page for browser navigations (http/webapp.ts).
    await api.register(webAppRoutes);
  });
  return app;
}

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, 1: true, 0: false };
const BOOLEAN_ACCEPTED = 'true, false, 1 or 0';

/**
 * Boolean query parameters take true/false and, as the Docker API writes them, 1/0
 * (`?force=1`). Schema coercion knows only the words, so each route's boolean parameters are
 * read here, anything else refused by name; the OpenAPI document lists the accepted values.
 */
function acceptBooleanDigits(route: RouteOptions): void {
  const querystring = route.schema?.querystring as
    { properties?: Record<string, { type?: string; description?: string }> } | undefined;
  const properties = querystring?.properties;
  if (properties === undefined) return;
  const booleans = Object.keys(properties).filter((name) => properties[name]!.type === 'boolean');
  if (booleans.length === 0) return;
  route.schema = {
    ...route.schema,
    querystring: {
      ...querystring,
      properties: {
        ...properties,
        ...Object.fromEntries(
          booleans.map((name) => [name, { ...properties[name], description: BOOLEAN_ACCEPTED }]),
        ),
      },
    },
  };
  const readBooleans: preValidationHookHandler = (request, _reply, done) => {
    const query = request.query as Record<string, unknown>;
    for (const name of booleans) {
      const value = query[name];
      if (value === undefined) continue;
      const parsed = typeof value === 'string' ? BOOLEAN_WORDS[value] : undefined;
      if (parsed === undefined) {
        const given = Array.isArray(value) ? 'more than one value' : `"${String(value)}"`;
        return done(
          new ApiError('bad_request', `${name} must be ${BOOLEAN_ACCEPTED}, got ${given}`),
        );
      }
      query[name] = parsed;
    }
    done();
  };
  route.preValidation = [...[route.preValidation ?? []].flat(), readBooleans];
}

const defaultValidators = AjvCompiler();

function lazyValidators(
  ...args: Parameters<typeof defaultValidators>
): ReturnType<typeof defaultValidators> {
  const compile = defaultValidators(...args);
  return (route) => {
    let validate: ReturnType<typeof compile> | undefined;
    const lazy = (data: unknown) => {
      validate ??= compile(route);
      const valid = validate(data);
      // Fastify reads a failed validation's errors from the function it was given.
      lazy.errors = validate.errors;
      return valid;
    };
    lazy.errors = undefined as ReturnType<typeof compile>['errors'];
    return lazy as ReturnType<typeof compile>;
  };
}

/**
 * A finished request as the access log sees it. A class, so the per-request object is cheap:
 * V8 builds object literals with accessors slowly, and this runs on every request.
 */
class FinishedRequest implements AccessInfo {
  readonly durationMs: number;
  readonly start: number;
  readonly pid = process.pid;

  constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {
    this.durationMs = reply.elapsedTime;
    this.start = Date.now() - this.durationMs;
  }

  get remoteAddress(): string | undefined {
    return this.request.ip;
  }
  get method(): string {
    return this.request.method;
  }
  get url(): string {
    return this.request.url;
  }
  get httpVersion(): string {
    return this.request.raw.httpVersion;
  }
  get status(): number {
    return this.reply.statusCode;
  }
  requestHeader(name: string): string | string[] | undefined {
    return this.request.headers[name];
  }
  responseHeader(name: string): string | number | string[] | undefined {
    return this.reply.getHeader(name);
  }
}

/** Runs a user hook for a request; its failure is logged and does not fail the request. */
async function guard(request: FastifyRequest, name: string, hook: () => unknown): Promise<void> {
  try {
    await hook();
  } catch (err) {
    request.log.error({ err }, `${name} hook failed: ${(err as Error)?.message ?? String(err)}`);
  }
}

function statusFor(code: ErrorCode, raw: number | undefined): number {
  if (code === 'internal') return 500;
  return typeof raw === 'number' && raw >= 400 && raw < 500 ? raw : 400;
}

function hookRequest(request: {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}): HookRequest {
  return { id: request.id, method: request.method, url: request.url, headers: request.headers };
}
