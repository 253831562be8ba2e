/**
 * Rates from the engine's stats samples, which carry running totals (bytes received, read...):
 * pure, for the list and the container page alike.
 */
import type { ContainerStats } from '../../shared/stats.js';

/** Bytes per second over the time between two samples. */
export interface Rates {
  rx: number;
  tx: number;
  read: number;
  write: number;
}

/**
 * The sample's time in ms. The engine writes nanoseconds ("...T05:49:55.123456789Z"), which
 * Date.parse does not promise to read: the fraction is cut to milliseconds first.
 */
export function sampleTime(read: string): number {
  return Date.parse(read.replace(/(\.\d{3})\d+/, '$1'));
}

/**
 * The rates between two samples of one container; null when they cannot be told: no time
 * between them, or a total that went down (the container restarted and its counters did too).
 */
export function ratesBetween(previous: ContainerStats, next: ContainerStats): Rates | null {
  const seconds = (sampleTime(next.read) - sampleTime(previous.read)) / 1000;
  if (!(seconds > 0)) return null;
  const deltas = {
    rx: next.network.rx_bytes - previous.network.rx_bytes,
    tx: next.network.tx_bytes - previous.network.tx_bytes,
    read: next.block_io.read_bytes - previous.block_io.read_bytes,
    write: next.block_io.write_bytes - previous.block_io.write_bytes,
  };
  if (Object.values(deltas).some((delta) => delta < 0)) return null;
  return {
    rx: deltas.rx / seconds,
    tx: deltas.tx / seconds,
    read: deltas.read / seconds,
    write: deltas.write / seconds,
  };
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** "512 B", "1.5 KiB", "12 MiB", "7.6 GiB": three significant digits at most. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${BYTE_UNITS[unit]}`;
}

/** "0.4 %", "12 %", "180 %" (a container may use several CPUs). */
export function formatPercent(percent: number): string {
  const value = Math.max(0, percent);
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} %`;
}
