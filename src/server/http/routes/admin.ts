import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../errors.js';

import type { LevelChange } from '../../logging/index.js';

export interface LogLevelControl {
  /** Current effective levels by logger name. */
  levels(): Record<string, string>;
  isKnownLogger(name: string): boolean;
  /** Applies a change here and in every other process of the server. */
  set(change: LevelChange): void;
}

const LEVELS = [
  'debug',
  'info',
  'warning',
  'error',
  'critical',
  'DEBUG',
  'INFO',
  'WARNING',
  'ERROR',
  'CRITICAL',
];

const putSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['level'],
    properties: {
      logger: { type: 'string', minLength: 1, maxLength: 200, default: 'root' },
      level: { type: ['string', 'null'], enum: [...LEVELS, null] },
      ttl: { type: 'number', exclusiveMinimum: 0, maximum: 86400 },
    },
  },
} as const;

/** Run-time verbosity, per logger, optionally for a while (admins only). */
export const adminRoutes: FastifyPluginAsync<{ logLevels: LogLevelControl }> = async (
  app,
  { logLevels },
) => {
  app.get('/api/admin/log-levels', { config: { access: 'admin' } }, async () => ({
    status: 'success',
    data: logLevels.levels(),
  }));

  app.put(
    '/api/admin/log-levels',
    { config: { access: 'admin' }, schema: putSchema },
    async (request) => {
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
