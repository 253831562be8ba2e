/**
 * The container list: fetched once over REST, then kept current by the socket alone
 * (initial_state on every connection, container_state_changed after), never polled.
 */
import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import type { Container } from '../../shared/containers.js';
import type { ContainerStateChanged } from '../../shared/events.js';
import { call } from './api.js';
import { applyChange } from './container-state.js';
import type { DwiSocket } from './socket.js';

export const containersQuery = queryOptions({
  queryKey: ['containers'],
  queryFn: ({ signal }) => call('listContainers', { signal }),
  staleTime: Infinity,
  refetchOnWindowFocus: false,
  refetchOnReconnect: false,
});

export function useContainers() {
  return useQuery(containersQuery);
}

/** Socket payloads also carry the original's `container_id`: the cache keeps the REST shape. */
function restShape<T extends { container_id: string }>(payload: T): Omit<T, 'container_id'> {
  const { container_id, ...rest } = payload;
  return rest;
}

/** Writes the socket's container events into the cache; returns the unsubscribe. */
export function bindContainerEvents(socket: DwiSocket, queryClient: QueryClient): () => void {
  const key = containersQuery.queryKey;
  const initial = ({ containers }: { containers: Array<Container & { container_id: string }> }) => {
    // A REST answer still on its way is older than this: it must not overwrite it.
    void queryClient.cancelQueries({ queryKey: key });
    queryClient.setQueryData(key, containers.map(restShape));
  };
  const changed = (change: ContainerStateChanged) =>
    queryClient.setQueryData(key, (list) => applyChange(list, restShape(change)));
  socket.on('initial_state', initial);
  socket.on('container_state_changed', changed);
  return () => {
    socket.off('initial_state', initial);
    socket.off('container_state_changed', changed);
  };
}
