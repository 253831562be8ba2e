import type { FastifyPluginAsync } from 'fastify';
import type { ApiReply } from '../../../shared/api.js';
import {
  PruneConfirmRequestSchema,
  pruneItemTypes,
  type PruneConfirmRequest,
  type PruneItemType,
} from '../../../shared/prune.js';
import type { ImageOperations } from '../../engine/ports.js';
import { PRUNE_KINDS, pruneCommand, type PruneKind } from '../../engine/prune.js';
import { ApiError } from '../errors.js';
import { withProgress } from '../progress.js';
import { operation, requestSchema } from '../openapi.js';

const kindParams = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { type: 'string', maxLength: 32 } },
} as const;

function pruneKind(params: unknown): PruneKind {
  const { kind } = params as { kind: string };
  if (!(PRUNE_KINDS as readonly string[]).includes(kind)) {
    throw new ApiError(
      'bad_request',
      `Invalid prune type: ${kind} (one of ${PRUNE_KINDS.join(', ')})`,
    );
  }
  return kind as PruneKind;
}

/**
 * Full ids only, as the preview gives them: a prefix or a name could name another item by the
 * time it is removed.
 */
const ITEM_ID: Record<PruneItemType, { pattern: RegExp; says: string }> = {
  container: { pattern: /^[0-9a-f]{64}$/, says: 'a full container id (64 hex digits)' },
  network: { pattern: /^[0-9a-f]{64}$/, says: 'a full network id (64 hex digits)' },
  image: { pattern: /^sha256:[0-9a-f]{64}$/, says: 'an image id ("sha256:" and 64 hex digits)' },
  volume: { pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, says: 'a volume name' },
};

/** The confirm's items, each of a type the kind covers, well formed, and listed once. */
function checkItems(kind: PruneKind, items: PruneConfirmRequest['items']): void {
  const types = pruneItemTypes(kind);
  const seen = new Set<string>();
  for (const { type, id } of items) {
    if (!types.includes(type)) {
      throw new ApiError('bad_request', `A ${kind} prune removes no ${type}: ${id}`);
    }
    if (!ITEM_ID[type].pattern.test(id)) {
      throw new ApiError('bad_request', `Not ${ITEM_ID[type].says}: ${id}`);
    }
    if (seen.has(`${type}/${id}`)) throw new ApiError('bad_request', `Listed twice: ${type} ${id}`);
    seen.add(`${type}/${id}`);
  }
}

/**
 * POST /api/docker/prune/{containers,images,volumes,networks,all}: the original's
 * {message, command, result}; ?dry_run=1 lists what would go without removing anything.
 * POST .../preview lists it item by item, and POST .../confirm removes exactly those items.
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
        params: kindParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { dry_run: { type: 'boolean' }, all: { type: 'boolean' } },
        },
      },
    },
    async (request, reply) => {
      const kind = pruneKind(request.params);
      const { dry_run: dryRun = false, all = false } = request.query as {
        dry_run?: boolean;
        all?: boolean;
      };
      const options = { allImages: all, dryRun };
      const what = kind === 'all' ? 'Docker system' : kind.charAt(0).toUpperCase() + kind.slice(1);
      return withProgress(request, reply, async (progress) => {
        const result = await engine.prune(kind, options, progress);
        const message = dryRun
          ? `${what} prune would free ${result.space_reclaimed} bytes (dry run: nothing was removed)`
          : `${what} pruned successfully`;
        return { message, command: pruneCommand(kind, options), dry_run: dryRun, result };
      });
    },
  );

  app.post(
    '/api/docker/prune/:kind/preview',
    {
      config: { access: 'admin' },
      schema: {
        ...operation('previewPrune'),
        params: kindParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            all: {
              type: 'boolean',
              description: 'Images: every unused one, not only dangling ones.',
            },
          },
        },
      },
    },
    async (request): Promise<ApiReply<'previewPrune'>> => {
      const kind = pruneKind(request.params);
      const { all = false } = request.query as { all?: boolean };
      return { status: 'success', data: await engine.previewPrune(kind, all) };
    },
  );

  app.post(
    '/api/docker/prune/:kind/confirm',
    {
      config: { access: 'admin' },
      schema: {
        ...operation('confirmPrune'),
        params: kindParams,
        body: requestSchema(PruneConfirmRequestSchema),
      },
    },
    async (request, reply) => {
      const kind = pruneKind(request.params);
      const body = request.body as Required<PruneConfirmRequest>;
      checkItems(kind, body.items);
      return withProgress(request, reply, (progress) => engine.confirmPrune(kind, body, progress));
    },
  );
};
