import type { FastifyPluginAsync } from 'fastify';
import type { ImageOperations } from '../../engine/ports.js';
import { PRUNE_KINDS, pruneCommand, type PruneKind } from '../../engine/prune.js';
import { ApiError } from '../errors.js';
import { withProgress } from '../progress.js';
import { operation } from '../openapi.js';

/**
 * POST /api/docker/prune/{containers,images,volumes,networks,all}: the original's
 * {message, command, result}; ?dry_run=1 lists what would go without removing anything.
 */
export const pruneRoutes: FastifyPluginAsync<{ engine: ImageOperations }> = async (
  app,
  { engine },
) => {
  app.post(
    '/api/docker/prune/:kind',
    {
      config: { access: 'admin' },
      schema: {
        ...operation('prune'),
        params: {
          type: 'object',
          required: ['kind'],
          properties: { kind: { type: 'string', maxLength: 32 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { dry_run: { type: 'boolean' }, all: { type: 'boolean' } },
        },
      },
    },
    async (request, reply) => {
      const { kind } = request.params as { kind: string };
      const { dry_run: dryRun = false, all = false } = request.query as {
        dry_run?: boolean;
        all?: boolean;
      };
      if (!(PRUNE_KINDS as readonly string[]).includes(kind)) {
        throw new ApiError(
          'bad_request',
          `Invalid prune type: ${kind} (one of ${PRUNE_KINDS.join(', ')})`,
        );
      }
      const options = { allImages: all, dryRun };
      const what = kind === 'all' ? 'Docker system' : kind.charAt(0).toUpperCase() + kind.slice(1);
      return withProgress(request, reply, async (progress) => {
        const result = await engine.prune(kind as PruneKind, options, progress);
        const message = dryRun
          ? `${what} prune would free ${result.space_reclaimed} bytes (dry run: nothing was removed)`
          : `${what} pruned successfully`;
        return {
          message,
          command: pruneCommand(kind as PruneKind, options),
          dry_run: dryRun,
          result,
        };
      });
    },
  );
};
