/**
 * /containers/:ref, the overview of one container: its header and tabs, its live resource use,
 * and what inspect says about it. The details are read again whenever the live model says the
 * container changed (started, stopped, re-created), never polled.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { inspectKey, inspectQuery } from '../api/inspect.js';
import { useContainer } from '../hooks/use-container.js';
import { readOverview } from '../lib/overview.js';
import { ContainerFrame } from './ContainerHeader.js';
import { Overview } from './Overview.js';
import { StatsPanel } from './StatsPanel.js';
import styles from './container.module.css';

export function ContainerPage({ params }: { params: { ref: string } }) {
  const ref = params.ref;
  const lookup = useContainer(ref);
  const container = lookup.status === 'found' ? lookup.container : undefined;
  const queryClient = useQueryClient();
  const inspect = useQuery(inspectQuery(ref, false));

  // What changes the inspect answer shows up in the live model first.
  const version = container
    ? `${container.id} ${container.status} ${container.started_at} ${container.finished_at}`
    : null;
  const shown = useRef(version);
  useEffect(() => {
    if (version === shown.current) return;
    shown.current = version;
    if (version !== null) void queryClient.invalidateQueries({ queryKey: inspectKey(ref) });
  }, [version, ref, queryClient]);

  const memoryLimit = inspect.data ? readOverview(inspect.data).memoryLimit : 0;

  return (
    <ContainerFrame containerRef={ref} tab="overview">
      {lookup.status !== 'missing' && (
        <div className={styles.body}>
          {container && <StatsPanel container={container} memoryLimit={memoryLimit} />}
          <Overview containerRef={ref} />
        </div>
      )}
    </ContainerFrame>
  );
}
