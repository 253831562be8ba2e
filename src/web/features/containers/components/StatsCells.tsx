/** A row's CPU and memory, from the stats stream the list holds while the row is on screen. */
import { memo } from 'react';
import { useLatestStats } from '../../../lib/stats.js';
import { formatBytes, formatPercent } from '../../../lib/stats-rates.js';
import table from '../../../components/table.module.css';
import styles from './containers.module.css';

export const StatsCells = memo(function StatsCells({
  id,
  running,
}: {
  id: string;
  running: boolean;
}) {
  const stats = useLatestStats(id);
  const shown = running ? stats : undefined;
  return (
    <>
      <div role="cell" className={`${styles.figure} ${table.wideOnly}`}>
        {shown ? formatPercent(shown.cpu_percent) : <span className={table.muted}>–</span>}
      </div>
      <div
        role="cell"
        className={`${styles.figure} ${table.wideOnly}`}
        title={
          shown
            ? `${formatBytes(shown.memory.usage_bytes)} of ${formatBytes(shown.memory.limit_bytes)} (${formatPercent(shown.memory.percent)})`
            : undefined
        }
      >
        {shown ? formatBytes(shown.memory.usage_bytes) : <span className={table.muted}>–</span>}
      </div>
    </>
  );
});
