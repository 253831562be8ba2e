/**
 * The live chart's data: the samples of the last minutes, as uPlot's columns (times in
 * seconds, then one array per line), with network and block I/O turned into rates. Pure.
 */
import type { ContainerStats } from '../../../../shared/stats.js';
import { ratesBetween, sampleTime } from '../../../lib/stats-rates.js';

/** How far back the chart reaches. */
export const WINDOW_SECONDS = 5 * 60;

export interface Series {
  time: number[];
  cpu: number[];
  memory: number[];
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
