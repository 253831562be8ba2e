import type { FastifyPluginAsync } from 'fastify';
import type { ApiReply } from '../../../shared/api.js';
import type { ImageOperations } from '../../engine/ports.js';
import { operation } from '../openapi.js';

/** An image id, short id or reference (repo/name:tag, name@sha256:...). */
const IMAGE_REF = /^[A-Za-z0-9][A-Za-z0-9_.:/@+-]{0,511}$/;

export const imageRoutes: FastifyPluginAsync<{ engine: ImageOperations }> = async (
  app,
  { engine },
) => {
  app.get(
    '/api/images',
    { config: { access: 'viewer' }, schema: operation('listImages') },
    async (): Promise<ApiReply<'listImages'>> => {
      const images = await engine.images();
      images.sort((a, b) => b.created.localeCompare(a.created));
      return { status: 'success', data: images };
    },
  );

  app.delete(
    '/api/images/*',
    {
      config: { access: 'admin' },
      schema: {
        ...operation('deleteImage'),
        params: {
          type: 'object',
          properties: {
            '*': {
              type: 'string',
              pattern: IMAGE_REF.source,
              description:
                'An image id, short id or reference (repo/name:tag, name@sha256:...); its `/` may be sent as is or as %2F.',
            },
          },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { force: { type: 'boolean' } },
        },
      },
    },
    async (request): Promise<ApiReply<'deleteImage'>> => {
      const ref = (request.params as { '*': string })['*'];
      const { force } = request.query as { force?: boolean };
      const removed = await engine.removeImage(ref, force ?? false);
      return { status: 'success', data: { message: `Image ${ref} deleted`, removed } };
    },
  );
};
