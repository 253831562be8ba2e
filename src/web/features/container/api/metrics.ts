/** A container's metrics history over a range (unix seconds), as the server kept it. */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { call } from '../../../lib/api.js';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export const metricsHistoryQuery = (id: string, from: number, to: number) =>
  queryOptions({
    queryKey: ['container', id, 'metrics', from, to],
    queryFn: ({ signal }) =>
      call('getContainerMetrics', {
        params: { id },
        query: { from: iso(from), to: iso(to) },
        signal,
      }),
    staleTime: Infinity,
    gcTime: 60_000,
    // A new range keeps the old one's charts on screen until its points come.
    placeholderData: keepPreviousData,
  });
