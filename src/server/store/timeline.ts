/**
 * The timeline's rows, and the leases that let one process of many do a job. Every worker
 * follows the engine's events, but one records them: the holder of the "recorder" lease. A
 * hand-over may hear an event twice; the row's key (its engine time, type, actor and action)
 * keeps it once.
 */
import type Database from 'better-sqlite3';
import type { TimelineEvent, TimelineType } from '../../shared/timeline.js';

export type NewTimelineEvent = Omit<TimelineEvent, 'id'>;

export interface TimelineQuery {
  limit: number;
  /** Rows older than this id (the cursor of the previous page). */
  before?: number;
  /** A container (or image, network, volume): its id, or its name when recorded. */
  actor?: string;
  project?: string;
  type?: TimelineType;
  /** Who acted through dwi; "outside" for what was done without it. */
  username?: string;
  /** Rows at or after this ISO time. */
  since?: string;
  /** Rows before this ISO time. */
  until?: string;
}

/** How long timeline rows are kept: by age, and the newest so many. */
export interface TimelineRetention {
  days: number;
  maxRows: number;
}

interface Row extends Omit<TimelineEvent, 'attributes'> {
  attributes: string;
}

const COLUMNS =
  'id, time, time_nano, type, action, actor_id, actor_name, project, origin, username, request_id, attributes';

const fromRow = (row: Row): TimelineEvent => ({
  ...row,
  attributes: JSON.parse(row.attributes) as Record<string, string>,
});

export class TimelineRepository {
  // Prepared on first use: the store builds this before it migrates.
  private insert: Database.Statement | undefined;

  constructor(private readonly db: Database.Database) {}

  /** Writes the events in one transaction; answers those that were new, with their ids. */
  record(events: readonly NewTimelineEvent[]): TimelineEvent[] {
    return this.db.transaction(() =>
      events.flatMap((event) => {
        this.insert ??= this.db.prepare(
          `INSERT INTO timeline (time, time_nano, type, action, actor_id, actor_name, project,
                                 origin, username, request_id, attributes)
             VALUES (@time, @time_nano, @type, @action, @actor_id, @actor_name, @project,
                     @origin, @username, @request_id, @attributes)
             ON CONFLICT DO NOTHING
             RETURNING ${COLUMNS}`,
        );
        const row = this.insert.get({
          ...event,
          attributes: JSON.stringify(event.attributes),
        }) as Row | undefined;
        return row === undefined ? [] : [fromRow(row)];
      }),
    )();
  }

  /** A page, newest first. */
  list(query: TimelineQuery): TimelineEvent[] {
    const where: string[] = [];
    const params: Array<string | number> = [];
    const add = (clause: string, ...values: Array<string | number>) => {
      where.push(clause);
      params.push(...values);
    };
    if (query.before !== undefined) add('id < ?', query.before);
    if (query.actor !== undefined)
      add('(actor_id = ? OR actor_name = ?)', query.actor, query.actor);
    if (query.project !== undefined) add('project = ?', query.project);
    if (query.type !== undefined) add('type = ?', query.type);
    if (query.username === 'outside') add("origin = 'outside'");
    else if (query.username !== undefined) add('username = ?', query.username);
    if (query.since !== undefined) add('time >= ?', query.since);
    if (query.until !== undefined) add('time < ?', query.until);
    const sql = `SELECT ${COLUMNS} FROM timeline
                 ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, query.limit) as Row[]).map(fromRow);
  }

  /** Rows after `id`, oldest first, at most `limit`: what a feed has not sent yet. */
  after(id: number, limit: number): TimelineEvent[] {
    return (
      this.db
        .prepare(`SELECT ${COLUMNS} FROM timeline WHERE id > ? ORDER BY id LIMIT ?`)
        .all(id, limit) as Row[]
    ).map(fromRow);
  }

  /** The newest row's id (0 when there is none). */
  newestId(): number {
    return (
      this.db.prepare('SELECT coalesce(max(id), 0) AS id FROM timeline').get() as { id: number }
    ).id;
  }

  /** The engine time of the newest event recorded: a new recorder resumes after it. */
  newestNano(): string | null {
    const row = this.db.prepare('SELECT time_nano FROM timeline ORDER BY id DESC LIMIT 1').get() as
      { time_nano: string } | undefined;
    return row?.time_nano ?? null;
  }

  /**
   * One bounded step of retention: at most `limit` rows older than `days`, or past the newest
   * `maxRows`. Rows go only from the oldest, so ids run on: the newest maxRows are those above
   * max(id) - maxRows.
   */
  purge(retention: TimelineRetention, limit: number): number {
    const cutoff = new Date(Date.now() - retention.days * 86_400_000).toISOString();
    let deleted = this.db
      .prepare('DELETE FROM timeline WHERE id IN (SELECT id FROM timeline WHERE time < ? LIMIT ?)')
      .run(cutoff, limit).changes;
    const { newest } = this.db.prepare('SELECT max(id) AS newest FROM timeline').get() as {
      newest: number | null;
    };
    if (newest !== null && newest > retention.maxRows && deleted < limit) {
      deleted += this.db
        .prepare(
          'DELETE FROM timeline WHERE id IN (SELECT id FROM timeline WHERE id <= ? ORDER BY id LIMIT ?)',
        )
        .run(newest - retention.maxRows, limit - deleted).changes;
    }
    return deleted;
  }
}

/** Who acted through dwi, for the events an action causes. */
export interface ActionBy {
  username: string | null;
  request_id: string | null;
}

/**
 * dwi's actions on containers, written before the engine is asked (so the recorder, in
 * whichever process, knows of one before it hears the events it causes) and closed after.
 */
export class DwiActions {
  constructor(private readonly db: Database.Database) {}

  begin(
    action: { container_id: string; container_name: string; action: string } & ActionBy,
    nowMs = Date.now(),
  ): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO dwi_actions (container_id, container_name, action, username, request_id,
                                    started_ms)
             VALUES (@container_id, @container_name, @action, @username, @request_id, @now)`,
        )
        .run({ ...action, now: nowMs }).lastInsertRowid,
    );
  }

  end(id: number, nowMs = Date.now()): void {
    this.db.prepare('UPDATE dwi_actions SET ended_ms = ? WHERE id = ?').run(nowMs, id);
  }

  /**
   * Who caused an event of the container (by id, or by name: a rebuild makes a new one) at
   * `atMs`: the latest action on it begun by then, and ended at most `graceMs` before (the
   * engine may log an action's last event as it answers), or `killGraceMs` for a kill (the
   * container dies a moment after the kill is answered).
   */
  /**
   * The actions on a container under way at `atMs` (or ended within their grace), newest
   * first: the recorder credits an event to the first whose kind causes it.
   */
  around(
    containerId: string,
    name: string | null,
    atMs: number,
    grace: { graceMs: number; killGraceMs: number },
  ): Array<ActionBy & { action: string }> {
    return this.db
      .prepare(
        `SELECT action, username, request_id FROM dwi_actions
          WHERE (container_id = ? OR container_name = ?) AND started_ms <= ?
            AND (ended_ms IS NULL
                 OR ended_ms + (CASE WHEN action = 'kill' THEN ? ELSE ? END) >= ?)
          ORDER BY started_ms DESC LIMIT 8`,
      )
      .all(containerId, name ?? '', atMs, grace.killGraceMs, grace.graceMs, atMs) as Array<
      ActionBy & { action: string }
    >;
  }

  /** Actions begun before `beforeMs` go: they matter for seconds. */
  purge(beforeMs: number): number {
    return this.db.prepare('DELETE FROM dwi_actions WHERE started_ms < ?').run(beforeMs).changes;
  }
}

/**
 * Named leases: a process holds one until it stops renewing it, and then another may take it.
 * Times are the database's clock readings of the processes (one host).
 */
export class Leases {
  constructor(private readonly db: Database.Database) {}

  /** Takes or renews `name` for `holder` for `ttlMs`; true while the holder has it. */
  hold(name: string, holder: string, ttlMs: number, nowMs = Date.now()): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
      )
      .run(name, holder, nowMs + ttlMs, nowMs);
    return result.changes === 1;
  }

  /** Who holds `name` now, if anyone. */
  holder(name: string, nowMs = Date.now()): string | undefined {
    const row = this.db
      .prepare('SELECT holder FROM leases WHERE name = ? AND expires_at > ?')
      .get(name, nowMs) as { holder: string } | undefined;
    return row?.holder;
  }

  /** Gives `name` up, if `holder` has it: the next process need not wait for it to lapse. */
  release(name: string, holder: string): void {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }
}
