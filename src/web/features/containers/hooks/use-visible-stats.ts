/**
 * Stats for the rows on screen only: the list says which running containers it shows, and a
 * moment after it stops changing (a scroll settles) the streams of rows that left are given
 * back and those of rows that came are asked for. 1,000 containers cost the streams of the
 * twenty or so in view.
 */
import { useEffect, useRef } from 'react';
import { useStatsHub } from '../../../lib/stats.js';

const SETTLE_MS = 300;
const IGNORE_SAMPLES = { sample: () => {} };

/** `ids`: the running containers on screen, joined by spaces (a stable value for effects). */
export function useVisibleStats(ids: string): void {
  const hub = useStatsHub();
  const watching = useRef(new Map<string, () => void>());

  useEffect(() => {
    if (hub === null) return;
    const timer = setTimeout(() => {
      const wanted = new Set(ids === '' ? [] : ids.split(' '));
      for (const [id, release] of watching.current)
        if (!wanted.has(id)) {
          release();
          watching.current.delete(id);
        }
      for (const id of wanted)
        if (!watching.current.has(id)) watching.current.set(id, hub.watch(id, IGNORE_SAMPLES));
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [hub, ids]);

  useEffect(() => {
    const streams = watching.current;
    return () => {
      for (const release of streams.values()) release();
      streams.clear();
    };
  }, [hub]);
}
