/**
 * Which containers use which image, live: kept from the socket's container events
 * (initial_state, container_state_changed), so the counts on the image page tick as
 * containers start, stop, appear and go, without asking the server.
 */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { SocketContainer } from '../../../../shared/containers.js';
import type { ContainerStateChanged } from '../../../../shared/events.js';
import type { DwiSocket } from '../../../lib/socket.js';
import { usageByImage, type ImageUser, type Usage } from '../lib/view.js';
import { imagesQuery } from './get-images.js';

const usersKey = ['image-users'] as const;

const userOf = (container: SocketContainer): ImageUser => ({
  id: container.id,
  name: container.name,
  imageId: container.image_id,
  running: container.state !== 'stopped',
});

/** Writes the container events into the image users; returns the unsubscribe. */
export function bindImageUsage(socket: DwiSocket, queryClient: QueryClient): () => void {
  const users = new Map<string, ImageUser>();
  // Asked for once each: a container may keep the id of an image deleted under it.
  const askedFor = new Set<string>();
  const publish = () => {
    queryClient.setQueryData<ImageUser[]>(usersKey, [...users.values()]);
    // An image the list does not hold: pulled, built or imported since it was read.
    const images = queryClient.getQueryData(imagesQuery.queryKey);
    if (images === undefined) return;
    const known = new Set(images.map((image) => image.id));
    const unknown = [...users.values()].filter(
      (user) => !known.has(user.imageId) && !askedFor.has(user.imageId),
    );
    if (unknown.length === 0) return;
    for (const user of unknown) askedFor.add(user.imageId);
    void queryClient.invalidateQueries({ queryKey: imagesQuery.queryKey, exact: true });
  };
  const initial = ({ containers }: { containers: SocketContainer[] }) => {
    users.clear();
    for (const container of containers) users.set(container.id, userOf(container));
    publish();
  };
  const changed = (change: ContainerStateChanged) => {
    if (change.state === 'deleted') users.delete(change.id);
    else users.set(change.id, userOf(change));
    publish();
  };
  socket.on('initial_state', initial);
  socket.on('container_state_changed', changed);
  return () => {
    socket.off('initial_state', initial);
    socket.off('container_state_changed', changed);
  };
}

/** The users by image id; undefined until the socket has sent the containers. */
export function useImageUsage(): ReadonlyMap<string, Usage> | undefined {
  const { data } = useQuery<ImageUser[]>({
    queryKey: usersKey,
    // Only the socket fills it: nothing to fetch.
    queryFn: () => new Promise<never>(() => {}),
    enabled: false,
    staleTime: Infinity,
  });
  return useMemo(() => (data ? usageByImage(data) : undefined), [data]);
}
