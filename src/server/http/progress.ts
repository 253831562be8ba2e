import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorReply, knownError } from './errors.js';

export type Progress = (step: string) => void;

const NDJSON = 'application/x-ndjson';

/**
 * Long operations (rebuild, prune, bulk actions) tell a caller that asks for
 * `Accept: application/x-ndjson` what they are doing as they go: one `{"progress": ...}` line
 * per step, then the usual envelope as the last line (an error there too: the status line was
 * sent before the outcome was known). Other callers get the plain envelope at the end.
 */
export async function withProgress<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  run: (progress: Progress) => Promise<T>,
): Promise<unknown> {
  if (!(request.headers.accept ?? '').includes(NDJSON)) {
    return { status: 'success', data: await run(() => {}) };
  }
  const stream = new PassThrough();
  const line = (value: unknown) => stream.write(`${JSON.stringify(value)}\n`);
  run((step) => line({ progress: step })).then(
    (data) => stream.end(`${JSON.stringify({ status: 'success', data })}\n`),
    (err: unknown) => {
      const { code, message } = knownError(err) ?? { code: 'internal', message: 'internal error' };
      if (code === 'internal')
        request.log.error({ err }, `unhandled error: ${(err as Error)?.message}`);
      stream.end(`${JSON.stringify(errorReply(code, message, request.id))}\n`);
    },
  );
  // A proxy that buffers replies (nginx does by default) would hold every step until the end.
  return reply.type(NDJSON).header('x-accel-buffering', 'no').send(stream);
}
