/** Run-time log levels: read once, changed through the existing admin routes. */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LogLevelRequest } from '../../../../shared/api.js';
import { callForReply, call } from '../../../lib/api.js';

export const logLevelsQuery = queryOptions({
  queryKey: ['admin', 'log-levels'],
  queryFn: ({ signal }) => call('getLogLevels', { signal }),
  staleTime: Infinity,
});

export const useLogLevels = () => useQuery(logLevelsQuery);

export function useSetLogLevel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LogLevelRequest) => callForReply('setLogLevel', { body }),
    onSuccess: ({ data }, body) => {
      queryClient.setQueryData(logLevelsQuery.queryKey, data.levels);
      // A change with a TTL reverts by itself on the server: read the levels once it has.
      if (body.ttl !== undefined)
        setTimeout(
          () => void queryClient.invalidateQueries({ queryKey: logLevelsQuery.queryKey }),
          body.ttl * 1000 + 500,
        );
    },
  });
}
