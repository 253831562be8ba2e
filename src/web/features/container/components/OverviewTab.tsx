/**
 * The overview tab of a container's page: its live resource use, its metrics history, and what
 * inspect says about it. The details are read again whenever the live model says the container changed (started,
 * stopped, re-created), never polled.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Container } from '../../../../shared/containers.js';
import { inspectKey, inspectQuery } from '../api/inspect.js';
import { readOverview } from '../lib/overview.js';
import { MetricsHistory } from './MetricsHistory.js';
import { Overview } from './Overview.js';
import { StatsPanel } from './StatsPanel.js';
import styles from './container.module.css';

export function OverviewTab({ container }: { container: Container }) {
  const ref = container.name;
  const queryClient = useQueryClient();
  const inspect = useQuery(inspectQuery(ref, false));

  // What changes the inspect answer shows up in the live model first.
  const version = `${container.id} ${container.status} ${container.started_at} ${container.finished_at}`;
  const shown = useRef(version);
  // A cached answer about an earlier container of this name (re-created since) is no answer.
  const earlier = inspect.data !== undefined && inspect.data.Id !== container.id;
  useEffect(() => {
    if (version === shown.current && !earlier) return;
    shown.current = version;
    void queryClient.invalidateQueries({ queryKey: inspectKey(ref) });
  }, [version, earlier, ref, queryClient]);

  const memoryLimit = inspect.data ? readOverview(inspect.data).memoryLimit : 0;

  return (
    <div className={styles.body}>
      <StatsPanel container={container} memoryLimit={memoryLimit} />
      <MetricsHistory containerId={container.id} />
      <Overview containerRef={ref} />
    </div>
  );
}
