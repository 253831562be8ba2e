/**
 * The container's metrics history: what the server sampled while nobody watched, over the last
 * hour, six hours, day or week. Dragging across a chart narrows the range to the stretch
 * picked (the points then come at a finer step); "Back" returns to the range chosen before.
 */
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { clockTime } from '../../../lib/format.js';
import { metricsHistoryQuery } from '../api/metrics.js';
import { seriesOfHistory } from '../lib/series.js';
import type { Span } from './StatsCharts.js';
import styles from './container.module.css';

const StatsCharts = lazy(() => import('./StatsCharts.js'));

const PRESETS = [
  { label: '1 h', seconds: 3600 },
  { label: '6 h', seconds: 6 * 3600 },
  { label: '24 h', seconds: 24 * 3600 },
  { label: '7 d', seconds: 7 * 24 * 3600 },
] as const;

interface Range {
  /** The preset it is, or null for a stretch picked by dragging. */
  preset: number | null;
  from: number;
  to: number;
}

const presetRange = (index: number): Range => {
  const to = Math.ceil(Date.now() / 1000);
  return { preset: index, from: to - PRESETS[index]!.seconds, to };
};

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export function MetricsHistory({ containerId }: { containerId: string }) {
  const [range, setRange] = useState<Range>(() => presetRange(0));
  const [lastPreset, setLastPreset] = useState(0);
  const history = useQuery(metricsHistoryQuery(containerId, range.from, range.to));
  const series = useMemo(
    () => (history.data === undefined ? undefined : seriesOfHistory(history.data)),
    [history.data],
  );
  const span = useMemo<Span>(
    () => ({
      kind: 'range',
      from: range.from,
      to: range.to,
      onSelect: (from, to) => setRange({ preset: null, from, to }),
    }),
    [range.from, range.to],
  );

  return (
    <section className={styles.section} aria-labelledby="section-history">
      <div className={styles.sectionHead}>
        <h2 id="section-history">History</h2>
        <div className={styles.rangeButtons} role="group" aria-label="Time range">
          {PRESETS.map((preset, index) => (
            <button
              key={preset.label}
              type="button"
              className="button small"
              aria-pressed={range.preset === index}
              onClick={() => {
                setLastPreset(index);
                setRange(presetRange(index));
              }}
            >
              {preset.label}
            </button>
          ))}
          {range.preset === null && (
            <button
              type="button"
              className="button small"
              onClick={() => setRange(presetRange(lastPreset))}
            >
              Back to {PRESETS[lastPreset]!.label}
            </button>
          )}
        </div>
      </div>
      <p className={styles.note}>
        <time dateTime={iso(range.from)}>{clockTime(iso(range.from))}</time> to{' '}
        <time dateTime={iso(range.to)}>{clockTime(iso(range.to))}</time>
        {history.data !== undefined && `, a point every ${stepWords(history.data.step)}`}. Drag
        across a chart to look closer.
      </p>
      {history.isError ? (
        <p className={styles.note} role="alert">
          The history could not be read: {history.error.message}
        </p>
      ) : series === undefined ? (
        <p className={styles.note} aria-busy="true">
          Loading the history…
        </p>
      ) : series.time.length === 0 ? (
        <p className={styles.note} role="status">
          No samples in this range. dwi samples every running container every few seconds, watched
          or not: they show here from its first minutes on.
        </p>
      ) : (
        <Suspense
          fallback={
            <p className={styles.note} aria-busy="true">
              Loading the charts…
            </p>
          }
        >
          <StatsCharts series={series} memoryLimited={false} span={span} />
        </Suspense>
      )}
    </section>
  );
}

/** "10 s", "1 min", "1 h": a step in words. */
function stepWords(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
