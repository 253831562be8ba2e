/**
 * Whether the server can reach the Docker engine, from GET /api/ready. Not pushed by the
 * server, so it is asked: at start, on every socket (re)connection, every 15 s while ready and
 * every 3 s while not (until the banner can go away by itself).
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiFailure, call } from './api.js';

export interface ReadyState {
  ready: boolean;
  detail: string;
}

export const readinessQuery = queryOptions({
  queryKey: ['readiness'],
  queryFn: async (): Promise<ReadyState> => {
    try {
      await call('getReady');
      return { ready: true, detail: '' };
    } catch (err) {
      // 503 not_ready says why; no answer at all is the socket banner's to tell.
      if (err instanceof ApiFailure && err.code === 'not_ready')
        return { ready: false, detail: err.message };
      throw err;
    }
  },
  refetchInterval: (query) => (query.state.data?.ready === false ? 3000 : 15_000),
  retry: false,
});

export function useReadiness(): ReadyState | undefined {
  return useQuery(readinessQuery).data;
}
