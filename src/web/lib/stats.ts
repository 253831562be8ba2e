/** The page's stats hub as React hooks: one hub per live connection. */
import { useCallback, useSyncExternalStore } from 'react';
import type { ContainerStats } from '../../shared/stats.js';
import { useLive } from './live.js';
import type { LiveConnection } from './socket.js';
import { StatsHub } from './stats-hub.js';

const hubs = new WeakMap<LiveConnection, StatsHub>();

/** The stats hub of the page's live connection (one per connection, made when first asked). */
export function useStatsHub(): StatsHub | null {
  const live = useLive();
  if (live === null) return null;
  let hub = hubs.get(live);
  if (hub === undefined) {
    hub = new StatsHub(live.socket);
    hubs.set(live, hub);
  }
  return hub;
}

const noSubscription = () => () => {};

/** The last sample of a container someone on the page watches (re-renders on each one). */
export function useLatestStats(id: string): ContainerStats | undefined {
  const hub = useStatsHub();
  const subscribe = useCallback(
    (onChange: () => void) => (hub ? hub.read(id, onChange) : noSubscription()),
    [hub, id],
  );
  return useSyncExternalStore(subscribe, () => hub?.latest(id));
}
