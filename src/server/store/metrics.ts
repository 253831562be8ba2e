/**
 * Metrics history as stored: one row per container and sample (rates already worked out), at
 * the sampler's step, rolled up to one row a minute; each step kept for its own time.
 */
import type Database from 'better-sqlite3';
import type { MetricsSeries } from '../../shared/metrics-history.js';

/** One container's sample: rates over the time since its previous one. */
export interface MetricsSample {
  container_id: string;
  /** Unix seconds. */
  t: number;
  cpu_percent: number;
  memory_bytes: number;
  rx_bytes_per_s: number;
  tx_bytes_per_s: number;
  read_bytes_per_s: number;
  write_bytes_per_s: number;
}

/** How long each step is kept, in seconds. */
export interface MetricsRetention {
  sampleStep: number;
  sampleKeep: number;
  minuteKeep: number;
}

export const MINUTE = 60;

interface Point {
  t: number;
  cpu: number;
  mem: number;
  rx: number;
  tx: number;
  rd: number;
  wr: number;
}

export class MetricsRepository {
  constructor(private readonly db: Database.Database) {}

  /** Writes one round of samples, taken every `step` seconds. */
  add(step: number, samples: readonly MetricsSample[]): void {
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO metrics (container_id, step, t, cpu, mem, rx, tx, rd, wr)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const s of samples)
        insert.run(
          s.container_id,
          step,
          s.t,
          s.cpu_percent,
          s.memory_bytes,
          s.rx_bytes_per_s,
          s.tx_bytes_per_s,
          s.read_bytes_per_s,
          s.write_bytes_per_s,
        );
    })();
  }

  /** The minutes in [from, to) (unix seconds, whole minutes) from the samples of `step`. */
  rollUp(step: number, from: number, to: number): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO metrics (container_id, step, t, cpu, mem, rx, tx, rd, wr)
         SELECT container_id, ${MINUTE}, (t / ${MINUTE}) * ${MINUTE}, avg(cpu), max(mem),
                avg(rx), avg(tx), avg(rd), avg(wr)
           FROM metrics WHERE step = ? AND t >= ? AND t < ?
          GROUP BY container_id, t / ${MINUTE}`,
      )
      .run(step, from, to);
  }

  /**
   * A container's series (or the host's: every container's summed per point) over [from, to),
   * at `step` seconds a point, from the finest kept step that covers `from`.
   */
  series(
    container: string | null,
    range: { from: number; to: number; step: number },
    retention: MetricsRetention,
    nowS: number,
  ): MetricsSeries {
    // With the sampler off (a step of 0) only what was kept before is there: read as minutes.
    const kept =
      retention.sampleStep > 0 && range.from >= nowS - retention.sampleKeep && range.step < MINUTE
        ? retention.sampleStep
        : MINUTE;
    const step = Math.max(kept, Math.ceil(range.step / kept) * kept);
    // Per container per point first (averages over the step), then summed for the host.
    const perContainer = `SELECT container_id, (t / ${step}) * ${step} AS p, avg(cpu) AS cpu,
                                 max(mem) AS mem, avg(rx) AS rx, avg(tx) AS tx, avg(rd) AS rd,
                                 avg(wr) AS wr
                            FROM metrics
                           WHERE step = ? AND t >= ? AND t < ? ${container === null ? '' : 'AND container_id = ?'}
                           GROUP BY container_id, p`;
    const params: Array<string | number> = [kept, range.from, range.to];
    if (container !== null) params.push(container);
    const points = this.db
      .prepare(
        `SELECT p AS t, sum(cpu) AS cpu, sum(mem) AS mem, sum(rx) AS rx, sum(tx) AS tx,
                sum(rd) AS rd, sum(wr) AS wr
           FROM (${perContainer}) GROUP BY p ORDER BY p`,
      )
      .all(...params) as Point[];
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      step,
      t: points.map((p) => p.t),
      cpu_percent: points.map((p) => round(p.cpu)),
      memory_bytes: points.map((p) => p.mem),
      rx_bytes_per_s: points.map((p) => round(p.rx)),
      tx_bytes_per_s: points.map((p) => round(p.tx)),
      read_bytes_per_s: points.map((p) => round(p.rd)),
      write_bytes_per_s: points.map((p) => round(p.wr)),
    };
  }

  /** Rows past their keep go (samples under a minute apart, then minutes), at most `limit` of each. */
  purge(retention: MetricsRetention, limit: number, nowS: number): number {
    // By step, not by the step sampled now: samples kept at an earlier metrics_interval go too.
    const drop = (steps: string) =>
      this.db.prepare(
        `DELETE FROM metrics WHERE (step, container_id, t) IN
           (SELECT step, container_id, t FROM metrics WHERE ${steps} AND t < ? LIMIT ?)`,
      );
    return (
      drop(`step < ${MINUTE}`).run(nowS - retention.sampleKeep, limit).changes +
      drop(`step >= ${MINUTE}`).run(nowS - retention.minuteKeep, limit).changes
    );
  }
}
