import type { FastifyPluginAsync } from 'fastify';
import { successReplySchema } from '../errors.js';

const statusSchema = successReplySchema({
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' } },
});

/** GET /: the original's "is it running" answer, kept word for word for its clients. */
export const rootRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/',
    { config: { access: 'public' }, schema: { response: { 200: statusSchema } } },
    async () => ({
      status: 'success',
      data: { status: 'Docker Web Interface API is running' },
    }),
  );
};
