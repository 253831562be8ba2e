/**
 * Route schemas from the shared API table (src/shared/api.ts), and the OpenAPI document built
 * from them: a route's operationId, summary, tag and success reply come from its table entry,
 * its security from its `config.access`, so the document says what the server does.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import { z } from 'zod';
import { API, OPERATION_ERRORS, TAGS, type OperationId } from '../../shared/api.js';
import { ERROR_CODES, ErrorReplySchema, successReply } from '../../shared/errors.js';
import { SESSION_COOKIE } from '../auth/authenticator.js';
import type { Access } from './auth.js';

type JsonSchema = Record<string, unknown>;

// z.int()'s safe-integer bounds say nothing a reader needs.
const dropSafeIntegerBounds = ({ jsonSchema: json }: { jsonSchema: JsonSchema }) => {
  if (json.type === 'integer' && json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
  if (json.type === 'integer' && json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
};

/**
 * A reply's zod schema as JSON Schema in the OpenAPI 3.0 dialect, which fast-json-stringify
 * (Fastify's serializer) reads as well (`nullable`).
 */
export function jsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    override: dropSafeIntegerBounds,
  }) as JsonSchema;
}

/**
 * `X | null` as one schema with `type: [X's type, "null"]` rather than zod's anyOf, so that a
 * wrong value gets ajv's one clear message ("must be equal to one of the allowed values")
 * instead of one per branch.
 */
const nullableAsType = ({ jsonSchema: json }: { jsonSchema: JsonSchema }) => {
  const branches = json.anyOf as JsonSchema[] | undefined;
  if (branches?.length !== 2 || branches[1]?.type !== 'null') return;
  const [value] = branches as [JsonSchema];
  if (typeof value.type !== 'string') return;
  delete json.anyOf;
  Object.assign(json, value, { type: [value.type, 'null'] });
  if (Array.isArray(value.enum)) json.enum = [...value.enum, null];
};

/**
 * A request's zod schema as JSON Schema draft 7, the dialect of Fastify's ajv (the document
 * gets it in OpenAPI 3.0 terms from the transform below).
 */
export function requestSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    override: (context) => {
      dropSafeIntegerBounds(context);
      nullableAsType(context);
    },
  }) as JsonSchema;
  // Fastify's ajv knows draft 7 already; the document must not carry the key.
  delete json.$schema;
  return json;
}

const PROGRESS_STEP = z.object({ progress: z.string().describe('One step, as it happens.') });

/**
 * The schema fields of the route for table entry `id`: operationId, summary, tag and the
 * success reply (which Fastify serializes with, so it must name every field sent).
 */
export function operation(id: OperationId) {
  const { tag, summary, data } = API[id];
  const body = 'body' in API[id] ? API[id].body : 'envelope';
  const base = { operationId: id, summary, tags: [tag] };
  switch (body) {
    case 'raw':
      return { ...base, response: { 200: { description: summary, ...jsonSchema(data) } } };
    case 'text':
      return {
        ...base,
        response: {
          200: { description: summary, content: { 'text/plain': { schema: jsonSchema(data) } } },
        },
      };
    case 'progress': {
      const reply = successReply(data);
      return {
        ...base,
        response: {
          200: {
            description:
              'The result; with `Accept: application/x-ndjson`, one `{"progress"}` line per step as it happens, then the result (or an error) as the last line.',
            content: {
              'application/json': { schema: jsonSchema(reply) },
              'application/x-ndjson': {
                schema: jsonSchema(
                  z.union([PROGRESS_STEP, reply, ErrorReplySchema]).describe('Each line'),
                ),
              },
            },
          },
        },
      };
    }
    default:
      return {
        ...base,
        response: { 200: { description: 'Success', ...jsonSchema(successReply(data)) } },
      };
  }
}

const errorReplySchema = jsonSchema(ErrorReplySchema);

/** An operation's own errors (OPERATION_ERRORS), as responses by status: "`code`: why". */
function specificErrors(id: unknown): Record<string, JsonSchema> {
  const errors = OPERATION_ERRORS[id as OperationId] ?? {};
  const byStatus = new Map<number, string[]>();
  for (const [code, why] of Object.entries(errors)) {
    const status = ERROR_CODES[code as keyof typeof ERROR_CODES].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), `\`${code}\`: ${why}`]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, lines]) => [
      String(status),
      { description: lines.join('; '), ...errorReplySchema },
    ]),
  );
}

const SECURITY_SCHEMES = {
  bearerToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (`dwi_...`), made with `dwi token create`.',
  },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The session cookie POST /api/auth/login sets.',
  },
  csrfToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description:
      "A cookie session's mutating requests send back the csrf_token its login answered.",
  },
} as const;

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Who may call a route, as OpenAPI security: a token, or a session (with its CSRF token to change anything). */
function securityOf(access: Access | undefined, methods: string[]) {
  if (access === 'public') return [];
  const session = methods.some((m) => MUTATING.has(m))
    ? { sessionCookie: [], csrfToken: [] }
    : { sessionCookie: [] };
  return [{ bearerToken: [] }, session];
}

/**
 * The request schemas are ajv's (JSON Schema draft 7); OpenAPI 3.0 writes an exclusive bound
 * as a boolean beside `minimum`/`maximum`.
 */
function toOpenApi30(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApi30);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'exclusiveMinimum' && typeof value === 'number') {
      Object.assign(out, { minimum: value, exclusiveMinimum: true });
    } else if (key === 'exclusiveMaximum' && typeof value === 'number') {
      Object.assign(out, { maximum: value, exclusiveMaximum: true });
    } else {
      out[key] = toOpenApi30(value);
    }
  }
  return out;
}

/** The wildcard (`/api/images/*`: an image reference may hold `/`) as a named parameter. */
const WILDCARD_NAME = 'ref';

export function openapiOptions(version: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'docker-web-interface',
        version,
        description:
          'A real-time web interface for the Docker engine. Replies are `{status: "success", data}` or `{status: "error", error, code, request_id}`. The same schemas type the web app (src/shared/api.ts).',
        license: { name: 'MIT', url: 'https://spdx.org/licenses/MIT.html' },
      },
      servers: [{ url: '/', description: 'This server' }],
      tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: ({ schema, url, route }) => {
      const methods = [route.method].flat();
      const access = route.config?.access;
      const params = schema?.params as { properties?: Record<string, unknown> } | undefined;
      const wildcard = url.endsWith('*') && params?.properties?.['*'] !== undefined;
      const transformed: JsonSchema = {
        ...schema,
        security: securityOf(access, methods),
        // The least role, machine-readable (docs/api.md and SECURITY.md's matrix read it).
        'x-role': access ?? 'public',
        ...(access !== undefined && access !== 'public'
          ? { description: `Needs the ${access} role.` }
          : {}),
        response: {
          ...(schema?.response as object),
          // Every route can fail in the one error shape; said once here rather than on each route.
          '4XX': { description: 'Refused: see `code`', ...errorReplySchema },
          '5XX': { description: 'Failed: see `code`', ...errorReplySchema },
          ...specificErrors(schema?.operationId),
        },
      };
      for (const part of ['body', 'querystring', 'params'] as const) {
        if (schema?.[part] !== undefined) transformed[part] = toOpenApi30(schema[part]);
      }
      if (wildcard) {
        const { '*': value, ...rest } = params!.properties!;
        transformed.params = {
          ...(transformed.params as object),
          required: [WILDCARD_NAME],
          properties: { ...rest, [WILDCARD_NAME]: value },
        };
      }
      return {
        schema: transformed,
        url: wildcard ? `${url.slice(0, -1)}:${WILDCARD_NAME}` : url,
      };
    },
  };
}
