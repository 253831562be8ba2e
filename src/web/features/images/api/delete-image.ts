/**
 * Deleting an image, by id, with or without force. Its progress and an error stay on the
 * image's row; a success (the row is gone then) stays in the page's result line.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { Image } from '../../../../shared/containers.js';
import { ApiFailure, callForReply } from '../../../lib/api.js';
import { outcomeOf, setOutcome } from '../../../lib/outcomes.js';
import { describeRemoval, imageName } from '../lib/view.js';
import { imagesQuery } from './get-images.js';

/** The key of the page's result line (the last image deleted). */
export const LAST_DELETE = 'images:last-delete';

/** The key of an image's outcome, on its row. */
export const imageOutcomeKey = (id: string) => `image:${id}`;

export async function deleteImage(
  image: Image,
  force: boolean,
  queryClient: QueryClient,
): Promise<void> {
  const name = imageName(image);
  const key = imageOutcomeKey(image.id);
  setOutcome(key, {
    state: 'pending',
    message: `Deleting ${name}${force ? ' (force)' : ''}…`,
    requestId: null,
    at: Date.now(),
  });
  try {
    const { data, requestId } = await callForReply('deleteImage', {
      params: { ref: image.id },
      query: { force },
    });
    setOutcome(key, undefined);
    setOutcome(LAST_DELETE, {
      state: 'success',
      message: `${name}: ${describeRemoval(data.removed)}`,
      requestId,
      at: Date.now(),
    });
  } catch (err) {
    const failure = err instanceof ApiFailure ? err : undefined;
    setOutcome(key, {
      state: 'error',
      message: `${name}: ${failure?.message ?? (err as Error).message}`,
      requestId: failure?.requestId ?? null,
      at: Date.now(),
    });
  }
  // Either way the engine's list may have changed (an untag before a refusal, say).
  await queryClient.invalidateQueries({ queryKey: imagesQuery.queryKey, exact: true });
  // An error about an image gone meanwhile (removed from the CLI) has no row left to stay on.
  const error = outcomeOf(key);
  const listed = queryClient.getQueryData(imagesQuery.queryKey);
  if (error?.state === 'error' && listed && !listed.some((i) => i.id === image.id)) {
    setOutcome(key, undefined);
    setOutcome(LAST_DELETE, error);
  }
}
