/** Crash reports: the list page by page (newest first), and one report with its last lines. */
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { call } from '../../../lib/api.js';

const PAGE = 50;

/** Read again whenever a report is made or counted again (lib/crashes.ts binds the push). */
export const crashPagesQuery = (filter: { container: string }) =>
  infiniteQueryOptions({
    queryKey: ['crashes', 'pages', filter],
    queryFn: ({ pageParam, signal }) =>
      call('listCrashes', {
        query: {
          limit: PAGE,
          before: pageParam ?? undefined,
          container: filter.container.trim() || undefined,
        },
        signal,
      }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.before,
    staleTime: Infinity,
  });

export const crashReportQuery = (id: number) =>
  queryOptions({
    queryKey: ['crashes', 'report', id],
    queryFn: ({ signal }) => call('getCrash', { params: { id: String(id) }, signal }),
    staleTime: Infinity,
  });
