/** Decoding the engine's stats sample into the figures people read (as `docker stats` does). */
import type { ContainerStats } from '../../shared/stats.js';

export type { ContainerStats };

/** The parts of GET /containers/{id}/stats this module reads. */
export interface RawStats {
  read?: string;
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
  pids_stats?: { current?: number };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function decodeStats(raw: RawStats): ContainerStats {
  const cpu = raw.cpu_stats ?? {};
  const pre = raw.precpu_stats ?? {};
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const onlineCpus = cpu.online_cpus ?? cpu.cpu_usage?.percpu_usage?.length ?? 1;
  const cpuPercent =
    systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * onlineCpus * 100 : 0;

  const memory = raw.memory_stats ?? {};
  // Page cache the kernel can drop is not the container's use (cgroup v2, then v1).
  const cache = memory.stats?.inactive_file ?? memory.stats?.total_inactive_file ?? 0;
  const usage = Math.max(0, (memory.usage ?? 0) - cache);
  const limit = memory.limit ?? 0;

  let rx = 0;
  let tx = 0;
  for (const network of Object.values(raw.networks ?? {})) {
    rx += network.rx_bytes ?? 0;
    tx += network.tx_bytes ?? 0;
  }
  let read = 0;
  let write = 0;
  for (const entry of raw.blkio_stats?.io_service_bytes_recursive ?? []) {
    if (entry.op.toLowerCase() === 'read') read += entry.value;
    if (entry.op.toLowerCase() === 'write') write += entry.value;
  }
  return {
    cpu_percent: round2(cpuPercent),
    online_cpus: onlineCpus,
    memory: {
      usage_bytes: usage,
      limit_bytes: limit,
      percent: limit > 0 ? round2((usage / limit) * 100) : 0,
    },
    network: { rx_bytes: rx, tx_bytes: tx },
    block_io: { read_bytes: read, write_bytes: write },
    pids: raw.pids_stats?.current ?? 0,
    read: raw.read ?? new Date().toISOString(),
  };
}

/** A sample's running totals, for rates between two samples (history/sampler.ts). */
export interface StatsTotals {
  /** Nanoseconds of CPU the container used, and the host's, since each started counting. */
  cpu_ns: number;
  system_ns: number;
  online_cpus: number;
  memory_bytes: number;
  memory_limit_bytes: number;
  rx_bytes: number;
  tx_bytes: number;
  read_bytes: number;
  write_bytes: number;
  /** When the engine read them (unix ms), or null if it did not say. */
  read_at_ms: number | null;
}

/** The totals of one sample (a one-shot read has no previous reading to subtract). */
export function statsTotals(raw: RawStats): StatsTotals {
  const decoded = decodeStats(raw);
  // A container not running is stamped year 1: no time to go by.
  const readAt = raw.read === undefined ? NaN : Date.parse(raw.read);
  return {
    cpu_ns: raw.cpu_stats?.cpu_usage?.total_usage ?? 0,
    system_ns: raw.cpu_stats?.system_cpu_usage ?? 0,
    online_cpus: decoded.online_cpus,
    memory_bytes: decoded.memory.usage_bytes,
    memory_limit_bytes: decoded.memory.limit_bytes,
    rx_bytes: decoded.network.rx_bytes,
    tx_bytes: decoded.network.tx_bytes,
    read_bytes: decoded.block_io.read_bytes,
    write_bytes: decoded.block_io.write_bytes,
    read_at_ms: readAt > 0 ? readAt : null,
  };
}
