import type { FastifyPluginAsync } from 'fastify';
import type { ApiReply } from '../../../shared/api.js';
import { ReadinessSchema, type Readiness } from '../../../shared/health.js';
import { ErrorReplySchema } from '../../../shared/errors.js';
import { errorReply } from '../errors.js';
import { jsonSchema, operation } from '../openapi.js';

export interface HealthOptions {
  version: string;
  workerId: number;
  readiness: () => Readiness;
}

/** Liveness (the process answers) and readiness (it should get traffic). */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  const startedAt = Date.now();
  app.get(
    '/api/health',
    // Load balancers call this often: the response schema's compiled serializer is cheap.
    { config: { access: 'public' }, schema: operation('getHealth') },
    async (): Promise<ApiReply<'getHealth'>> => ({
      status: 'success',
      data: {
        status: 'ok',
        version: options.version,
        pid: process.pid,
        worker: options.workerId,
        uptime_s: Math.round((Date.now() - startedAt) / 1000),
      },
    }),
  );

  const ready = operation('getReady');
  const notReady = jsonSchema(
    ErrorReplySchema.extend({ data: ReadinessSchema }).describe('Not ready: what fails, in `data`'),
  );
  const readySchema = { ...ready, response: { ...ready.response, 503: notReady } };
  app.get(
    '/api/ready',
    { config: { access: 'public' }, schema: readySchema },
    async (request, reply) => {
      const readiness = options.readiness();
      if (readiness.ready) return { status: 'success', data: readiness };
      const failing = Object.entries(readiness.checks)
        .filter(([, check]) => !check.ok)
        .map(([name, check]) => `${name}: ${check.detail ?? 'not ok'}`);
      return reply.code(503).send({
        ...errorReply('not_ready', `not ready (${failing.join('; ')})`, request.id),
        data: readiness,
      });
    },
  );
};
