/**
 * Live resource use while the page is open: the latest figures in words, and the charts of the
 * last minutes (uPlot, loaded only when this panel is shown). Leaving the page stops the stream.
 */
import { lazy, Suspense } from 'react';
import type { Container } from '../../../../shared/containers.js';
import { formatBytes as decimalBytes } from '../../../lib/bytes.js';
import { formatBytes, formatPercent } from '../../../lib/stats-rates.js';
import { useStatsSeries } from '../hooks/use-stats-series.js';
import { WINDOW_SECONDS } from '../lib/series.js';
import styles from './container.module.css';

const StatsCharts = lazy(() => import('./StatsCharts.js'));

export function StatsPanel({
  container,
  memoryLimit,
}: {
  container: Container;
  /** The container's own memory limit; 0 when it has none (the engine then says the host's). */
  memoryLimit: number;
}) {
  const { series, latest, paused } = useStatsSeries(container.id);
  const last = series.time.length - 1;
  const rate = (column: Array<number | null>) => {
    const value = column[last];
    // Rates in decimal units, memory in binary ones: as `docker stats` shows them.
    return value === null || value === undefined ? '–' : `${decimalBytes(value)}/s`;
  };
  // The figures are the latest sample's; the rates need the one before it too.
  const hasRates = latest !== undefined && last >= 1;

  return (
    <section className={styles.section} aria-labelledby="section-stats">
      <div className={styles.sectionHead}>
        <h2 id="section-stats">Resource use</h2>
        <span className={styles.muted}>live, last {WINDOW_SECONDS / 60} minutes</span>
      </div>
      {container.state !== 'running' || (paused !== null && latest === undefined) ? (
        <p className={styles.note} role="status">
          {container.state === 'running'
            ? paused
            : 'Stats show while the container runs; they start again by themselves when it does.'}
        </p>
      ) : latest === undefined ? (
        <p className={styles.note} aria-busy="true">
          Waiting for the first sample…
        </p>
      ) : (
        <dl className={styles.figures} aria-label="Latest sample">
          <div>
            <dt>CPU</dt>
            <dd>
              {formatPercent(latest.cpu_percent)}
              <span className={styles.muted}>
                {' '}
                of {latest.online_cpus} CPU{latest.online_cpus === 1 ? '' : 's'}
              </span>
            </dd>
          </div>
          <div>
            <dt>Memory</dt>
            <dd>
              {formatBytes(latest.memory.usage_bytes)}
              <span className={styles.muted}>
                {' '}
                of {formatBytes(latest.memory.limit_bytes)}
                {memoryLimit > 0 ? ' limit' : ' (no limit: the host’s)'}
              </span>
            </dd>
          </div>
          <div>
            <dt>Network</dt>
            <dd>
              ↓ {hasRates ? rate(series.rx) : '–'} <span className={styles.muted}>·</span> ↑{' '}
              {hasRates ? rate(series.tx) : '–'}
            </dd>
          </div>
          <div>
            <dt>Block I/O</dt>
            <dd>
              read {hasRates ? rate(series.read) : '–'} <span className={styles.muted}>·</span>{' '}
              write {hasRates ? rate(series.write) : '–'}
            </dd>
          </div>
          <div>
            <dt>Processes</dt>
            <dd>{latest.pids}</dd>
          </div>
        </dl>
      )}
      <Suspense
        fallback={
          <p className={styles.note} aria-busy="true">
            Loading the charts…
          </p>
        }
      >
        <StatsCharts series={series} memoryLimited={memoryLimit > 0} />
      </Suspense>
    </section>
  );
}
