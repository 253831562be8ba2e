import type { FastifyPluginAsync } from 'fastify';
import type { Health, Readiness } from '../../../shared/health.js';
import { errorReply, successReplySchema } from '../errors.js';

export interface HealthOptions {
  version: string;
  workerId: number;
  readiness: () => Readiness;
}

const healthSchema = successReplySchema({
  type: 'object',
  required: ['status', 'version', 'pid', 'worker', 'uptime_s'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    version: { type: 'string' },
    pid: { type: 'integer' },
    worker: { type: 'integer' },
    uptime_s: { type: 'integer' },
  },
});

/** Liveness (the process answers) and readiness (it should get traffic). */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  const startedAt = Date.now();
  // A response schema: load balancers call this often, and a compiled serializer is cheap.
  const schema = { response: { 200: healthSchema } };
  app.get(
    '/api/health',
    { config: { access: 'public' }, schema },
    async (): Promise<{ status: 'success'; data: Health }> => ({
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

  app.get('/api/ready', { config: { access: 'public' } }, async (request, reply) => {
    const readiness = options.readiness();
    if (readiness.ready) return { status: 'success', data: readiness };
    const failing = Object.entries(readiness.checks)
      .filter(([, check]) => !check.ok)
      .map(([name, check]) => `${name}: ${check.detail ?? 'not ok'}`);
    return reply.code(503).send({
      ...errorReply('not_ready', `not ready (${failing.join('; ')})`, request.id),
      data: readiness,
    });
  });
};
