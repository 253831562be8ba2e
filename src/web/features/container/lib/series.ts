/**
 * The charts' data, as uPlot's columns (times in seconds, then one array per line): the live
 * samples of the last minutes, with network and block I/O turned into rates, or a stretch of
 * the metrics history the server kept. Pure.
 */
import type { MetricsSeries } from '../../../../shared/metrics-history.js';
import type { ContainerStats } from '../../../../shared/stats.js';
import { ratesBetween, sampleTime } from '../../../lib/stats-rates.js';

/** How far back the chart reaches. */
export const WINDOW_SECONDS = 5 * 60;

export interface Series {
  time: number[];
  /** Null where the history has no point (a gap). */
  cpu: Array<number | null>;
  memory: Array<number | null>;
  memoryLimit: number[];
  /** Bytes per second; null where a rate cannot be told (the first sample, a restart). */
  rx: Array<number | null>;
  tx: Array<number | null>;
  read: Array<number | null>;
  write: Array<number | null>;
}

export function emptySeries(): Series {
  return {
    time: [],
    cpu: [],
    memory: [],
    memoryLimit: [],
    rx: [],
    tx: [],
    read: [],
    write: [],
  };
}

/**
 * The series with `next` added after `previous` (the sample before it, if any), without the
 * points older than the window. A sample not after the last one is left out.
 */
export function appendSample(
  series: Series,
  next: ContainerStats,
  previous: ContainerStats | undefined,
  windowSeconds = WINDOW_SECONDS,
): Series {
  const time = sampleTime(next.read) / 1000;
  if (!Number.isFinite(time) || time <= (series.time.at(-1) ?? -Infinity)) return series;
  const rates = previous === undefined ? null : ratesBetween(previous, next);
  const keepFrom = series.time.findIndex((t) => t > time - windowSeconds);
  const start = keepFrom === -1 ? series.time.length : keepFrom;
  const keep = <T>(column: T[], value: T): T[] => [...column.slice(start), value];
  return {
    time: keep(series.time, time),
    cpu: keep(series.cpu, next.cpu_percent),
    memory: keep(series.memory, next.memory.usage_bytes),
    memoryLimit: keep(series.memoryLimit, next.memory.limit_bytes),
    rx: keep(series.rx, rates?.rx ?? null),
    tx: keep(series.tx, rates?.tx ?? null),
    read: keep(series.read, rates?.read ?? null),
    write: keep(series.write, rates?.write ?? null),
  };
}

/**
 * A stretch of the metrics history as the charts' columns. Where points are missing (the
 * container was stopped, dwi was down) a null breaks the line rather than bridging the gap.
 */
export function seriesOfHistory(history: MetricsSeries): Series {
  const series = emptySeries();
  const { step, t } = history;
  for (let i = 0; i < t.length; i++) {
    const previous = t[i - 1];
    // One missed point (a slow sample) is bridged; more are a gap.
    if (previous !== undefined && t[i]! - previous > 2 * step) {
      series.time.push(previous + step);
      const columns = [series.cpu, series.memory, series.rx, series.tx, series.read, series.write];
      for (const column of columns) column.push(null);
    }
    series.time.push(t[i]!);
    series.cpu.push(history.cpu_percent[i]!);
    series.memory.push(history.memory_bytes[i]!);
    series.rx.push(history.rx_bytes_per_s[i]!);
    series.tx.push(history.tx_bytes_per_s[i]!);
    series.read.push(history.read_bytes_per_s[i]!);
    series.write.push(history.write_bytes_per_s[i]!);
  }
  return series;
}
