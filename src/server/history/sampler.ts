/**
 * The metrics history's sampler: every `metrics_interval` seconds, in the worker that records
 * the timeline (one loop per engine however many workers), the running totals of each running
 * container, read at once, a few at a time; a sample's rates are worked out from the
 * container's previous totals. Minutes are rolled up as they end.
 */
import type { Logger } from 'pino';
import type { ContainerState, StatsTotalsSource } from '../engine/ports.js';
import type { StatsTotals } from '../engine/stats.js';
import type { Store } from '../store/index.js';
import { MINUTE, type MetricsSample } from '../store/metrics.js';

/**
 * Containers read at once. The engine answers a stats read at its collector's next pass, once
 * a second, whatever one-shot says (dockerd 20.10 measured: 1 s a read, 13 s for 50 read four
 * at a time): a round takes about a second per this many running containers.
 */
const CONCURRENCY = 64;

interface Reading {
  atMs: number;
  totals: StatsTotals;
}

/** A sample from two readings of one container; undefined without an earlier one. */
export function sampleOf(
  containerId: string,
  t: number,
  previous: Reading | undefined,
  current: Reading,
): MetricsSample | undefined {
  if (previous === undefined) return undefined;
  const seconds = (current.atMs - previous.atMs) / 1000;
  if (seconds <= 0) return undefined;
  const [now, before] = [current.totals, previous.totals];
  // A restart sets the counters back: a negative difference is no use, counted as none.
  const rate = (pick: (totals: StatsTotals) => number) =>
    Math.max(0, pick(now) - pick(before)) / seconds;
  const system = now.system_ns - before.system_ns;
  const cpu = now.cpu_ns - before.cpu_ns;
  return {
    container_id: containerId,
    t,
    cpu_percent: system > 0 && cpu > 0 ? (cpu / system) * now.online_cpus * 100 : 0,
    memory_bytes: now.memory_bytes,
    rx_bytes_per_s: rate((x) => x.rx_bytes),
    tx_bytes_per_s: rate((x) => x.tx_bytes),
    read_bytes_per_s: rate((x) => x.read_bytes),
    write_bytes_per_s: rate((x) => x.write_bytes),
  };
}

export class MetricsSampler {
  private readonly previous = new Map<string, Reading>();
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;
  private rolledUpTo: number | undefined;

  constructor(
    private readonly store: Store,
    private readonly engine: ContainerState & StatsTotalsSource,
    private readonly log: Logger,
    /** Seconds between samples (metrics_interval); 0: no sampling. */
    private readonly intervalS: number,
    /** Whether this process is the one that records (the timeline's lease). */
    private readonly recording: () => boolean,
  ) {}

  start(): void {
    if (this.intervalS === 0) return;
    this.timer = setInterval(() => void this.round(), this.intervalS * 1000).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round: every running container sampled, written, and ended minutes rolled up. */
  async round(): Promise<void> {
    if (this.sampling) return; // the last round is still reading: a slow engine
    if (!this.recording()) {
      // Another process samples; its totals are its own.
      this.previous.clear();
      this.rolledUpTo = undefined;
      return;
    }
    this.sampling = true;
    try {
      const t = Math.floor(Date.now() / 1000 / this.intervalS) * this.intervalS;
      const running = this.engine.containers.list().filter((c) => c.state === 'running');
      const readings = new Map<string, Reading>();
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, running.length) }, async () => {
          while (next < running.length) {
            const { id } = running[next++]!;
            try {
              const totals = await this.engine.statsTotals(id);
              // The engine's own time of the reading: the wait for its pass is no part of it.
              readings.set(id, { atMs: totals.read_at_ms ?? Date.now(), totals });
            } catch {
              // Stopped or gone since the list was read: no sample.
            }
          }
        }),
      );
      const samples = [...readings].flatMap(
        ([id, reading]) => sampleOf(id, t, this.previous.get(id), reading) ?? [],
      );
      this.previous.clear();
      for (const [id, reading] of readings) this.previous.set(id, reading);
      if (samples.length > 0) this.store.metrics.add(this.intervalS, samples);
      this.rollUp(t);
    } catch (err) {
      this.log.warn(`metrics sample failed: ${String(err)}`);
    } finally {
      this.sampling = false;
    }
  }

  /** The minutes ended since the last roll-up, as one point each. */
  private rollUp(t: number): void {
    if (this.intervalS >= MINUTE) return; // sampled a minute or more apart: nothing to roll up
    const minute = Math.floor(t / MINUTE) * MINUTE;
    const from = this.rolledUpTo ?? minute - MINUTE;
    if (minute <= from) return;
    this.store.metrics.rollUp(this.intervalS, from, minute);
    this.rolledUpTo = minute;
  }
}
