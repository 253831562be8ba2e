/**
 * Crash reports as stored: one row per crash, or per restart loop (the same container, the
 * same reason, again within `loopWindowMs` of the last time: its count goes up and its last
 * lines are the newest).
 */
import type Database from 'better-sqlite3';
import type { CrashReport, CrashSummary } from '../../shared/crashes.js';

export type NewCrash = Omit<CrashReport, 'id' | 'count' | 'first_at' | 'last_at'> & {
  at: string;
};

interface Row extends Omit<CrashReport, 'oom_killed' | 'health_log' | 'config' | 'last_lines'> {
  oom_killed: number;
  health_log: string;
  config: string;
  last_lines: string;
}

const SUMMARY_COLUMNS =
  'id, container_id, container_name, project, image, reason, exit_code, oom_killed, count, first_at, last_at';

const summaryOf = (
  row: Omit<Row, 'health_log' | 'config' | 'last_lines' | 'streams' | 'lines_error'>,
): CrashSummary => ({
  ...row,
  oom_killed: row.oom_killed === 1,
});

export class CrashRepository {
  constructor(private readonly db: Database.Database) {}

  /** Records a crash, folded into the loop it belongs to if any; answers the report. */
  record(crash: NewCrash, loopWindowMs: number): CrashReport {
    const since = new Date(Date.parse(crash.at) - loopWindowMs).toISOString();
    const fields = {
      container_id: crash.container_id,
      project: crash.project,
      image: crash.image,
      exit_code: crash.exit_code,
      oom_killed: crash.oom_killed ? 1 : 0,
      health_log: JSON.stringify(crash.health_log),
      config: JSON.stringify(crash.config),
      last_lines: JSON.stringify(crash.last_lines),
      streams: crash.streams,
      lines_error: crash.lines_error,
      at: crash.at,
    };
    const id = this.db.transaction(() => {
      const loop = this.db
        .prepare(
          `SELECT id FROM crash_reports
            WHERE container_name = ? AND reason = ? AND last_at >= ?
            ORDER BY last_at DESC LIMIT 1`,
        )
        .get(crash.container_name, crash.reason, since) as { id: number } | undefined;
      if (loop !== undefined) {
        this.db
          .prepare(
            `UPDATE crash_reports SET container_id = @container_id, project = @project,
                    image = @image, exit_code = @exit_code, oom_killed = @oom_killed,
                    count = count + 1, last_at = @at, health_log = @health_log,
                    config = @config, last_lines = @last_lines, streams = @streams,
                    lines_error = @lines_error
              WHERE id = @id`,
          )
          .run({ ...fields, id: loop.id });
        return loop.id;
      }
      return Number(
        this.db
          .prepare(
            `INSERT INTO crash_reports (container_id, container_name, project, image, reason,
                    exit_code, oom_killed, count, first_at, last_at, health_log, config,
                    last_lines, streams, lines_error)
             VALUES (@container_id, @container_name, @project, @image, @reason, @exit_code,
                     @oom_killed, 1, @at, @at, @health_log, @config, @last_lines, @streams,
                     @lines_error)`,
          )
          .run({ ...fields, container_name: crash.container_name, reason: crash.reason })
          .lastInsertRowid,
      );
    })();
    return this.get(id)!;
  }

  get(id: number): CrashReport | undefined {
    const row = this.db.prepare('SELECT * FROM crash_reports WHERE id = ?').get(id) as
      Row | undefined;
    if (row === undefined) return undefined;
    return {
      ...row,
      oom_killed: row.oom_killed === 1,
      health_log: JSON.parse(row.health_log) as CrashReport['health_log'],
      config: JSON.parse(row.config) as CrashReport['config'],
      last_lines: JSON.parse(row.last_lines) as string[],
    };
  }

  /** A page of reports, newest first; by container (id or name) and project if given. */
  list(query: {
    limit: number;
    before?: number;
    container?: string;
    project?: string;
  }): CrashSummary[] {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.before !== undefined) {
      where.push('id < ?');
      params.push(query.before);
    }
    if (query.container !== undefined) {
      where.push('(container_id = ? OR container_name = ?)');
      params.push(query.container, query.container);
    }
    if (query.project !== undefined) {
      where.push('project = ?');
      params.push(query.project);
    }
    const rows = this.db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM crash_reports
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY id DESC LIMIT ?`,
      )
      .all(...params, query.limit) as Array<Parameters<typeof summaryOf>[0]>;
    return rows.map(summaryOf);
  }

  /** Reports whose last time is older than `days` go, at most `limit` of them. */
  purge(days: number, limit: number): number {
    const cutoff = new Date(Date.now() - days * 86_400_000).toISOString();
    return this.db
      .prepare(
        'DELETE FROM crash_reports WHERE id IN (SELECT id FROM crash_reports WHERE last_at < ? LIMIT ?)',
      )
      .run(cutoff, limit).changes;
  }
}
