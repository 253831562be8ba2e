/**
 * The newest crash reports: one page read over REST, then kept current by `crash_report`
 * pushes (a new report, or a restart loop counted again), never polled. Containers and
 * projects with a report of the last day wear a badge that links to it.
 */
import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import type { ApiData } from '../../shared/api.js';
import type { CrashSummary } from '../../shared/crashes.js';
import { call } from './api.js';
import { recentCrashOf, withCrash } from './crash-list.js';
import type { DwiSocket } from './socket.js';

const RECENT = 200;

type CrashPage = ApiData<'listCrashes'>;

export const recentCrashesQuery = queryOptions({
  queryKey: ['crashes', 'recent'],
  queryFn: ({ signal }) => call('listCrashes', { query: { limit: RECENT }, signal }),
  staleTime: Infinity,
  refetchOnWindowFocus: false,
});

/** A container's (by name) or a project's newest report of the last day, if any. */
export function useRecentCrash(
  of: { container: string } | { project: string },
  now: number,
): CrashSummary | undefined {
  const { data } = useQuery(recentCrashesQuery);
  if (data === undefined) return undefined;
  return recentCrashOf(
    data.crashes,
    'container' in of
      ? (crash) => crash.container_name === of.container
      : (crash) => crash.project === of.project,
    now,
  );
}

/** Writes crash_report into the cached lists; returns the unsubscribe. */
export function bindCrashEvents(socket: DwiSocket, queryClient: QueryClient): () => void {
  const reported = (crash: CrashSummary) => {
    queryClient.setQueryData<CrashPage>(recentCrashesQuery.queryKey, (page) =>
      page === undefined ? page : { ...page, crashes: withCrash(page.crashes, crash) },
    );
    // The crash pages' own lists and a report's page read again (its lines, its count).
    void queryClient.invalidateQueries({ queryKey: ['crashes', 'pages'] });
    void queryClient.invalidateQueries({ queryKey: ['crashes', 'report', crash.id] });
  };
  socket.on('crash_report', reported);
  return () => socket.off('crash_report', reported);
}
