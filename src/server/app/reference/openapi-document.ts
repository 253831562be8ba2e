/**
 * The OpenAPI document the server publishes at /api/openapi.json, built without a server: the
 * same Fastify app a worker builds (http/app.ts), with every route registered and nothing
 * behind them. Its parts are never called; registering routes only reads their schemas.
 */
import { pino } from 'pino';
import type { Authenticator } from '../../auth/authenticator.js';
import { KnownHosts } from '../../auth/hosts.js';
import type { EngineApi } from '../../engine/ports.js';
import { buildApp } from '../../http/app.js';
import type { Store } from '../../store/index.js';
import { VERSION } from '../../version.js';

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  nullable?: boolean;
  format?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface MediaTypes {
  [type: string]: { schema: JsonSchema };
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  'x-role': 'public' | 'viewer' | 'operator' | 'admin';
  security: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: MediaTypes };
  responses: Record<string, { description: string; content?: MediaTypes }>;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
}

const unused = <T>(): T => ({}) as T;

/** What the container routes do as they register: follow the model to cache their list. */
const engineAtRegistration = { containers: { subscribe: () => () => {} } } as unknown as EngineApi;

export async function openApiDocument(): Promise<OpenApiDocument> {
  const app = await buildApp({
    logger: pino({ level: 'silent' }),
    accessLogFormat: '',
    version: VERSION,
    workerId: 0,
    forwardedAllowIps: [],
    readiness: () => ({ ready: true, checks: {} }),
    logLevels: { levels: () => ({}), isKnownLogger: () => true, set: async () => {} },
    engine: engineAtRegistration,
    metricsRetention: { sampleStep: 10, sampleKeep: 86_400, minuteKeep: 604_800 },
    metrics: { contentType: 'text/plain', scrape: async () => '', observeRequest: () => {} },
    auth: {
      authenticator: unused<Authenticator>(),
      store: unused<Store>(),
      sessionTtlSeconds: 3600,
      secureCookies: false,
      allowedOrigins: [],
      knownHosts: new KnownHosts([]),
      rateLimit: { max: 1, windowMs: 1 },
      countHit: (_key, _windowMs, counted) => counted({ count: 0, resetAt: 0 }),
    },
  });
  try {
    await app.ready();
    return app.swagger() as unknown as OpenApiDocument;
  } finally {
    await app.close();
  }
}
