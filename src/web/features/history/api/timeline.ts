/**
 * The timeline: pages read over REST (newest first, `before` for older ones), and rows recorded
 * afterwards pushed by the server (`timeline_event`), merged into every cached list whose
 * filter they match (lib/live-rows.ts). Nothing is polled.
 */
import {
  infiniteQueryOptions,
  useInfiniteQuery,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import type { ApiData } from '../../../../shared/api.js';
import type { TimelineAppended } from '../../../../shared/events.js';
import { call } from '../../../lib/api.js';
import type { DwiSocket } from '../../../lib/socket.js';
import { mergeEvents } from '../lib/live-rows.js';
import { matches, timelineQuery, type TimelineFilter } from '../lib/timeline-filter.js';

const PAGE = 100;
type Pages = InfiniteData<ApiData<'listTimeline'>, number | null>;

export const timelinePagesQuery = (filter: TimelineFilter) =>
  infiniteQueryOptions({
    queryKey: ['timeline', filter],
    queryFn: ({ pageParam, signal }) =>
      call('listTimeline', {
        query: { ...timelineQuery(filter), limit: PAGE, before: pageParam ?? undefined },
        signal,
      }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.before,
    staleTime: Infinity,
  });

export const useTimelinePages = (filter: TimelineFilter) =>
  useInfiniteQuery(timelinePagesQuery(filter));

/** Writes timeline_event into the cached lists; returns the unsubscribe. */
export function bindTimelineEvents(socket: DwiSocket, queryClient: QueryClient): () => void {
  const appended = ({ events }: TimelineAppended) => {
    for (const query of queryClient.getQueryCache().findAll({ queryKey: ['timeline'] })) {
      const filter = query.queryKey[1] as TimelineFilter;
      const rows = events.filter((row) => matches(row, filter));
      if (rows.length > 0)
        queryClient.setQueryData<Pages>(query.queryKey, (data) =>
          data === undefined ? data : mergeEvents(data, rows),
        );
    }
  };
  socket.on('timeline_event', appended);
  return () => socket.off('timeline_event', appended);
}
