import type { FastifyPluginAsync } from 'fastify';
import type { ApiReply } from '../../../shared/api.js';
import { LogLevelRequestSchema } from '../../../shared/api.js';
import { ApiError } from '../errors.js';
import { operation, requestSchema } from '../openapi.js';

import type { LevelChange } from '../../logging/index.js';

export interface LogLevelControl {
  /** Current effective levels by logger name. */
  levels(): Record<string, string>;
  isKnownLogger(name: string): boolean;
  /** Applies a change here and in every other process of the server. */
  set(change: LevelChange): void;
}

/** Run-time verbosity, per logger, optionally for a while (admins only). */
export const adminRoutes: FastifyPluginAsync<{ logLevels: LogLevelControl }> = async (
  app,
  { logLevels },
) => {
  app.get(
    '/api/admin/log-levels',
    { config: { access: 'admin' }, schema: operation('getLogLevels') },
    async (): Promise<ApiReply<'getLogLevels'>> => ({
      status: 'success',
      data: logLevels.levels(),
    }),
  );

  app.put(
    '/api/admin/log-levels',
    {
      config: { access: 'admin' },
      schema: { ...operation('setLogLevel'), body: requestSchema(LogLevelRequestSchema) },
    },
    async (request): Promise<ApiReply<'setLogLevel'>> => {
      const body = request.body as { logger: string; level: string | null; ttl?: number };
      if (!logLevels.isKnownLogger(body.logger)) {
        throw new ApiError('not_found', `no logger named ${body.logger}`);
      }
      const change: LevelChange = {
        logger: body.logger,
        level: body.level?.toLowerCase() ?? null,
      };
      if (body.ttl !== undefined) change.ttl = body.ttl;
      logLevels.set(change);
      return { status: 'success', data: { changed: change, levels: logLevels.levels() } };
    },
  );
};
