/**
 * The image list over REST. The engine's image events are not sent over the socket, so the
 * list is read when the page opens, after this page's own deletes, and when a container shows
 * up running an image the list does not hold (api/usage.ts); never polled.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { call } from '../../../lib/api.js';

export const imagesQuery = queryOptions({
  queryKey: ['images'],
  queryFn: ({ signal }) => call('listImages', { signal }),
  staleTime: Infinity,
  refetchOnWindowFocus: false,
  refetchOnReconnect: false,
});

export function useImages() {
  // Each visit reads it afresh: a prune or a `docker pull` meanwhile sent no event.
  return useQuery({ ...imagesQuery, refetchOnMount: 'always' });
}
