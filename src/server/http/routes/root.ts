import type { FastifyPluginAsync } from 'fastify';
import type { ApiReply } from '../../../shared/api.js';
import { operation } from '../openapi.js';

/** GET /: the original's "is it running" answer, kept word for word for its clients. */
export const rootRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/',
    { config: { access: 'public' }, schema: operation('getRoot') },
    async (): Promise<ApiReply<'getRoot'>> => ({
      status: 'success',
      data: { status: 'Docker Web Interface API is running' },
    }),
  );
};
