/** Which lines are expanded (their JSON pretty-printed), by sequence number, and the toggle. */
import { useCallback, useState } from 'react';

export function useExpanded(): [ReadonlySet<number>, (seq: number) => void] {
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const toggle = useCallback(
    (seq: number) =>
      setExpanded((previous) => {
        const next = new Set(previous);
        if (!next.delete(seq)) next.add(seq);
        return next;
      }),
    [],
  );
  return [expanded, toggle];
}
