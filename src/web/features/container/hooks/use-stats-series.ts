/**
 * A container's live stats while the component lives: the shared stream is watched on mount
 * and given back on unmount (leaving the page stops it), samples gathered into the chart's
 * rolling window.
 */
import { useEffect, useState } from 'react';
import type { ContainerStats } from '../../../../shared/stats.js';
import { useStatsHub } from '../../../lib/stats.js';
import { appendSample, emptySeries, type Series } from '../lib/series.js';

export interface LiveStats {
  series: Series;
  latest: ContainerStats | undefined;
  /** Why no sample comes (the container stopped, the stream was refused); null while they do. */
  paused: string | null;
}

const NOTHING_YET: LiveStats = { series: emptySeries(), latest: undefined, paused: null };

type Kept = LiveStats & { id: string };

export function useStatsSeries(containerId: string): LiveStats {
  const hub = useStatsHub();
  // Kept with the id it belongs to: another container starts from nothing.
  const [live, setLive] = useState<Kept>({ ...NOTHING_YET, id: containerId });

  useEffect(() => {
    if (hub === null) return;
    const mine = (state: Kept): LiveStats => (state.id === containerId ? state : NOTHING_YET);
    return hub.watch(containerId, {
      sample: (stats) =>
        setLive((state) => {
          const was = mine(state);
          return {
            id: containerId,
            series: appendSample(was.series, stats, was.latest),
            latest: stats,
            paused: null,
          };
        }),
      // The next sample after a pause starts its rates afresh: the gap is no rate.
      paused: (message) =>
        setLive((state) => ({
          ...mine(state),
          id: containerId,
          latest: undefined,
          paused: message,
        })),
    });
  }, [hub, containerId]);

  return live.id === containerId ? live : NOTHING_YET;
}
