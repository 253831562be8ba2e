/**
 * The one place that talks to SQLite: one database under `data_dir` in WAL mode (every process
 * opens it; writers wait their turn), its schema brought up to date at open, and the
 * repositories the server needs. Statements are prepared once (credentials are checked on
 * every request); better-sqlite3 is synchronous,
 * so a committed write is on disk (in the WAL) before the reply that depends on it is sent.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEntry as AuditRow } from '../../shared/api.js';
import { ROLES, type Role } from '../../shared/auth.js';
import { CrashRepository } from './crashes.js';
import { MetricsRepository, type MetricsRetention } from './metrics.js';
import { MIGRATIONS } from './migrations.js';
import { WebhookRepository } from './webhooks.js';
import { DwiActions, Leases, TimelineRepository, type TimelineRetention } from './timeline.js';

export interface User {
  id: number;
  username: string;
  role: Role;
  password_hash: string;
  created_at: string;
}

export interface ApiToken {
  id: string;
  name: string;
  username: string;
  role: Role;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** An audit row as written (the store gives it its id). */
export type AuditEntry = Omit<AuditRow, 'id'>;

/** What a writer gives for an audit row: the store adds the time and the count. */
export type NewAuditEntry = Omit<AuditEntry, 'time' | 'count'>;

/**
 * The longest value kept in each audit field (characters): no request can make its row big.
 * A longer value is cut, ending in "…".
 */
export const AUDIT_FIELD_LIMITS = {
  username: 64,
  action: 256,
  target: 256,
  request_id: 128,
  source: 64,
  peer: 64,
  detail: 512,
  bucket: 400,
} as const;

/** What a change that must leave an admin answers. */
export type GuardedChange = 'done' | 'no_user' | 'last_admin';

/** How long rows are kept; see purgeExpired. */
export interface RetentionPolicy {
  /** Audit rows older than this many days go. */
  auditDays: number;
  /** And the oldest rows past this many. */
  auditMaxRows: number;
  /** API tokens revoked or expired this many days ago go. */
  tokenDays: number;
  /** Timeline rows older than this many days go, and the oldest past this many. */
  timeline: TimelineRetention;
  /** Crash reports last seen this many days ago go. */
  crashDays: number;
  metrics: MetricsRetention;
}

/** Rows deleted by one purge step, by table. */
export interface Purged {
  audit: number;
  sessions: number;
  api_tokens: number;
  timeline: number;
  crashes: number;
  deliveries: number;
  metrics: number;
}

export interface StoreStats {
  /** The database file and its write-ahead log, in bytes. */
  bytes: number;
  rows: { users: number; sessions: number; api_tokens: number; audit: number };
}

export interface AuditQuery {
  limit: number;
  /** Rows older than this id (the cursor of the previous page). */
  before?: number;
  username?: string;
  action?: string;
  /** Rows whose action contains this text. */
  actionContains?: string;
  result?: string;
  /** Rows at or after this ISO time. */
  since?: string;
  /** Rows before this ISO time. */
  until?: string;
}

const AUDIT_COLUMNS =
  'id, time, username, action, target, result, request_id, source, peer, detail, count';

const now = () => new Date().toISOString();
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

function capped(value: string, limit: number): string;
function capped(value: string | null, limit: number): string | null;
function capped(value: string | null, limit: number): string | null {
  return value === null || value.length <= limit ? value : `${value.slice(0, limit - 1)}…`;
}

export class Store {
  readonly timeline: TimelineRepository;
  readonly leases: Leases;
  readonly dwiActions: DwiActions;
  readonly crashes: CrashRepository;
  readonly metrics: MetricsRepository;
  readonly webhooks: WebhookRepository;

  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {
    this.timeline = new TimelineRepository(db);
    this.leases = new Leases(db);
    this.dwiActions = new DwiActions(db);
    this.crashes = new CrashRepository(db);
    this.metrics = new MetricsRepository(db);
    this.webhooks = new WebhookRepository(db);
  }

  /** Opens (creating) `dataDir/dwi.db` and migrates it. */
  static open(dataDir: string): Store {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, 'dwi.db');
    const existed = existsSync(path);
    const db = new Database(path, { timeout: 5000 });
    // Password hashes and token hashes: readable by the owner only (the WAL files follow).
    if (!existed) chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    // A process killed after a commit keeps it (the WAL is written at commit); only a power
    // cut could lose the last commits, which NORMAL trades for speed.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // The log is reused after each checkpoint; this trims what a burst of writes left behind.
    db.pragma(`journal_size_limit = ${16 * 1024 * 1024}`);
    const store = new Store(db, path);
    store.migrate();
    return store;
  }

  close(): void {
    this.db.close();
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** The statement for this SQL, prepared on first use. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    // One writer migrates; the others find it done once they get the lock.
    this.db
      .transaction(() => {
        for (let version = this.schemaVersion; version < MIGRATIONS.length; version++) {
          this.db.exec(MIGRATIONS[version]!);
          this.db.pragma(`user_version = ${version + 1}`);
        }
      })
      .immediate();
  }

  // --- users ---------------------------------------------------------------------------

  userCount(): number {
    return (this.statement('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  user(username: string): User | undefined {
    return this.statement(
      'SELECT id, username, role, password_hash, created_at FROM users WHERE username = ?',
    ).get(username) as User | undefined;
  }

  /** Every user, with how many live API tokens (neither revoked nor expired) each has. */
  users(): Array<Omit<User, 'password_hash'> & { tokens: number }> {
    return this.statement(
      `SELECT u.id, u.username, u.role, u.created_at,
              (SELECT count(*) FROM api_tokens t
                 WHERE t.user_id = u.id AND t.revoked_at IS NULL
                   AND (t.expires_at IS NULL OR t.expires_at > ?)) AS tokens
         FROM users u ORDER BY u.username`,
    ).all(now()) as Array<Omit<User, 'password_hash'> & { tokens: number }>;
  }

  /** False when the name is taken. */
  addUser(username: string, role: Role, passwordHash: string): boolean {
    const result = this.statement(
      `INSERT INTO users (username, role, password_hash, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING`,
    ).run(username, role, passwordHash, now(), now());
    return result.changes === 1;
  }

  /**
   * A new password also ends the user's sessions and, unless `keepTokens`, revokes their API
   * tokens. False when there is no such user.
   */
  setPassword(username: string, passwordHash: string, { keepTokens = false } = {}): boolean {
    return this.changeCredentials(() => {
      const user = this.user(username);
      if (user === undefined) return false;
      this.statement('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?').run(
        passwordHash,
        now(),
        user.id,
      );
      this.statement('DELETE FROM sessions WHERE user_id = ?').run(user.id);
      if (!keepTokens)
        this.statement(
          'UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
        ).run(now(), user.id);
      return true;
    });
  }

  /** False when there is no such user. Their tokens keep their role, capped by the new one. */
  setRole(username: string, role: Role): boolean {
    return this.changeCredentials(
      () =>
        this.statement('UPDATE users SET role = ?, updated_at = ? WHERE username = ?').run(
          role,
          now(),
          username,
        ).changes === 1,
    );
  }

  /** Deletes the user with their sessions and tokens. */
  deleteUser(username: string): boolean {
    return this.changeCredentials(
      () => this.statement('DELETE FROM users WHERE username = ?').run(username).changes === 1,
    );
  }

  /**
   * Gives a user another role, unless that would leave no admin: checked and changed in one
   * write transaction, so two admins demoting each other at once (in two workers) cannot both
   * succeed.
   */
  setRoleKeepingAnAdmin(username: string, role: Role): GuardedChange {
    return this.changeCredentials(() => {
      const user = this.user(username);
      if (user === undefined) return 'no_user';
      if (user.role === 'admin' && role !== 'admin' && this.adminCount() === 1) return 'last_admin';
      this.statement('UPDATE users SET role = ?, updated_at = ? WHERE id = ?').run(
        role,
        now(),
        user.id,
      );
      return 'done';
    }, true);
  }

  /** Deletes a user (see deleteUser) unless it is the last admin; checked as setRoleKeepingAnAdmin. */
  deleteUserKeepingAnAdmin(username: string): GuardedChange {
    return this.changeCredentials(() => {
      const user = this.user(username);
      if (user === undefined) return 'no_user';
      if (user.role === 'admin' && this.adminCount() === 1) return 'last_admin';
      this.statement('DELETE FROM users WHERE id = ?').run(user.id);
      return 'done';
    }, true);
  }

  private adminCount(): number {
    return (
      this.statement("SELECT count(*) AS n FROM users WHERE role = 'admin'").get() as { n: number }
    ).n;
  }

  // --- credential changes --------------------------------------------------------------

  /** Changes made through this connection: SQLite's data_version counts only the others'. */
  private ownCredentialChanges = 0;

  /**
   * `immediate` takes the write lock before reading: a change that depends on what it read
   * (how many admins are left) must not decide on a snapshot another process changes meanwhile.
   */
  private changeCredentials<T>(change: () => T, immediate = false): T {
    const transaction = this.db.transaction(change);
    const result = immediate ? transaction.immediate() : transaction();
    this.ownCredentialChanges += 1;
    return result;
  }

  /**
   * Changes whenever a credential may have changed: a commit by any other process (another
   * worker, `dwi token revoke`), or a credential change through this one. Cheap enough to ask
   * every second; open sockets are checked again only when it moves.
   */
  credentialsRevision(): string {
    const others = this.db.pragma('data_version', { simple: true }) as number;
    return `${others}.${this.ownCredentialChanges}`;
  }

  // --- sessions ------------------------------------------------------------------------

  addSession(tokenHash: string, userId: number, csrfToken: string, ttlSeconds: number): void {
    const expires = new Date(Date.now() + ttlSeconds * 1000).toISOString();
    this.statement(
      'INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ).run(tokenHash, userId, csrfToken, now(), expires);
  }

  /** The live session's user, CSRF token and expiry. */
  session(
    tokenHash: string,
  ): { username: string; role: Role; csrf_token: string; expires_at: string } | undefined {
    return this.statement(
      `SELECT u.username, u.role, s.csrf_token, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ?`,
    ).get(tokenHash, now()) as
      { username: string; role: Role; csrf_token: string; expires_at: string } | undefined;
  }

  deleteSession(tokenHash: string): void {
    this.changeCredentials(() =>
      this.statement('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash),
    );
  }

  // --- API tokens ----------------------------------------------------------------------

  addToken(token: {
    id: string;
    name: string;
    tokenHash: string;
    userId: number;
    role: Role;
    expiresAt: string | null;
  }): void {
    this.statement(
      `INSERT INTO api_tokens (id, name, token_hash, user_id, role, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(token.id, token.name, token.tokenHash, token.userId, token.role, now(), token.expiresAt);
  }

  /**
   * The token's owner, role and expiry, if it is neither revoked nor expired. Its role is at
   * most its user's, also after the user was given a lesser one.
   */
  tokenByHash(
    tokenHash: string,
  ): { id: string; username: string; role: Role; expires_at: string | null } | undefined {
    const found = this.statement(
      `SELECT t.id, u.username, t.role, u.role AS user_role, t.expires_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.revoked_at IS NULL
           AND (t.expires_at IS NULL OR t.expires_at > ?)`,
    ).get(tokenHash, now()) as
      | { id: string; username: string; role: Role; user_role: Role; expires_at: string | null }
      | undefined;
    if (found === undefined) return undefined;
    const { user_role, ...token } = found;
    return {
      ...token,
      role: ROLES.indexOf(user_role) < ROLES.indexOf(token.role) ? user_role : token.role,
    };
  }

  touchToken(id: string): void {
    this.statement('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now(), id);
  }

  token(id: string): ApiToken | undefined {
    return this.statement(
      `SELECT t.id, t.name, u.username, t.role, t.created_at, t.expires_at, t.revoked_at,
                t.last_used_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`,
    ).get(id) as ApiToken | undefined;
  }

  tokens(): ApiToken[] {
    return this.statement(
      `SELECT t.id, t.name, u.username, t.role, t.created_at, t.expires_at, t.revoked_at,
                t.last_used_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.created_at`,
    ).all() as ApiToken[];
  }

  revokeToken(id: string): boolean {
    return this.changeCredentials(
      () =>
        this.statement(
          'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
        ).run(now(), id).changes === 1,
    );
  }

  // --- login attempts ------------------------------------------------------------------

  /**
   * Reserves a login attempt for `username` before its password is checked, in one write
   * transaction (so across workers too): undefined when `limit` attempts that did not succeed
   * (failed, or still being checked) are already within `windowMinutes`. Otherwise the
   * attempt's id, for loginSucceeded.
   */
  reserveLogin(username: string, limit: number, windowMinutes: number): number | undefined {
    const since = new Date(Date.now() - windowMinutes * 60_000).toISOString();
    return this.db
      .transaction(() => {
        this.statement('DELETE FROM login_attempts WHERE time <= ?').run(since);
        const { n } = this.statement(
          'SELECT count(*) AS n FROM login_attempts WHERE username = ? AND time > ?',
        ).get(username, since) as { n: number };
        if (n >= limit) return undefined;
        return Number(
          this.statement('INSERT INTO login_attempts (username, time) VALUES (?, ?)').run(
            username,
            now(),
          ).lastInsertRowid,
        );
      })
      .immediate();
  }

  /** A reserved attempt had the right password: it does not count against the user. */
  loginSucceeded(attempt: number): void {
    this.statement('DELETE FROM login_attempts WHERE id = ?').run(attempt);
  }

  // --- audit ---------------------------------------------------------------------------

  /**
   * Writes an audit row, each field cut to its limit. With `bucket` (the same for requests
   * that are alike: an address, a route, a result), the rows of one minute are one row whose
   * count goes up: unauthenticated noise costs a counter, not a row per request.
   */
  audit(entry: NewAuditEntry, bucket?: string): AuditRow {
    const time = now();
    const row = [
      time,
      capped(entry.username, AUDIT_FIELD_LIMITS.username),
      capped(entry.action, AUDIT_FIELD_LIMITS.action),
      capped(entry.target, AUDIT_FIELD_LIMITS.target),
      entry.result,
      capped(entry.request_id, AUDIT_FIELD_LIMITS.request_id),
      capped(entry.source, AUDIT_FIELD_LIMITS.source),
      capped(entry.peer, AUDIT_FIELD_LIMITS.peer),
      capped(entry.detail, AUDIT_FIELD_LIMITS.detail),
    ];
    let written: AuditRow;
    if (bucket === undefined) {
      written = this.statement(
        `INSERT INTO audit (time, username, action, target, result, request_id, source, peer, detail)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${AUDIT_COLUMNS}`,
      ).get(...row) as AuditRow;
    } else {
      // The minute (ISO time to the minute) starts a new bucket.
      const key = `${time.slice(0, 16)} ${capped(bucket, AUDIT_FIELD_LIMITS.bucket)}`;
      written = this.statement(
        `INSERT INTO audit (time, username, action, target, result, request_id, source, peer, detail, bucket)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (bucket) WHERE bucket IS NOT NULL DO UPDATE SET count = count + 1
           RETURNING ${AUDIT_COLUMNS}`,
      ).get(...row, key) as AuditRow;
    }
    for (const listener of this.auditListeners) listener(written);
    return written;
  }

  private readonly auditListeners = new Set<(row: AuditRow) => void>();

  /**
   * Calls `listener` with each audit row this process writes (a folded row again, with its
   * new count, each time it counts one more); returns its removal.
   */
  onAudit(listener: (row: AuditRow) => void): () => void {
    this.auditListeners.add(listener);
    return () => this.auditListeners.delete(listener);
  }

  auditLog(query: AuditQuery): AuditRow[] {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.before !== undefined) {
      where.push('id < ?');
      params.push(query.before);
    }
    for (const field of ['username', 'action', 'result'] as const) {
      const value = query[field];
      if (value !== undefined) {
        where.push(`${field} = ?`);
        params.push(value);
      }
    }
    if (query.actionContains !== undefined) {
      where.push('instr(action, ?) > 0');
      params.push(query.actionContains);
    }
    if (query.since !== undefined) {
      where.push('time >= ?');
      params.push(query.since);
    }
    if (query.until !== undefined) {
      where.push('time < ?');
      params.push(query.until);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.statement(
      `SELECT ${AUDIT_COLUMNS} FROM audit ${clause} ORDER BY id DESC LIMIT ?`,
    ).all(...params, query.limit) as AuditRow[];
  }

  // --- retention -----------------------------------------------------------------------

  /**
   * One bounded step of retention: deletes at most `limit` rows of each table that are past
   * their keep (expired sessions; tokens revoked or expired `tokenDays` ago; audit rows older
   * than `auditDays` or past the newest `auditMaxRows`). Small steps keep the write lock short
   * for the workers; call again until nothing is deleted. Users stay until deleted.
   */
  purgeExpired(policy: RetentionPolicy, limit: number): Purged {
    const sessions = this.statement(
      `DELETE FROM sessions WHERE token_hash IN
         (SELECT token_hash FROM sessions WHERE expires_at <= ? LIMIT ?)`,
    ).run(now(), limit).changes;
    const tokenCutoff = daysAgo(policy.tokenDays);
    const apiTokens = this.statement(
      `DELETE FROM api_tokens WHERE id IN
         (SELECT id FROM api_tokens WHERE revoked_at <= ? OR expires_at <= ? LIMIT ?)`,
    ).run(tokenCutoff, tokenCutoff, limit).changes;
    let audit = this.statement(
      'DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE time < ? LIMIT ?)',
    ).run(daysAgo(policy.auditDays), limit).changes;
    // Rows are only ever deleted from the oldest, so ids run on without gaps: the newest
    // auditMaxRows are those above max(id) - auditMaxRows (at most that many, gaps or not).
    const { newest } = this.statement('SELECT max(id) AS newest FROM audit').get() as {
      newest: number | null;
    };
    if (newest !== null && newest > policy.auditMaxRows && audit < limit) {
      audit += this.statement(
        'DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE id <= ? ORDER BY id LIMIT ?)',
      ).run(newest - policy.auditMaxRows, limit - audit).changes;
    }
    const timeline = this.timeline.purge(policy.timeline, limit);
    // Noted actions matter for the seconds their events take to come: an hour is plenty.
    this.dwiActions.purge(Date.now() - 3_600_000);
    const crashes = this.crashes.purge(policy.crashDays, limit);
    // Webhook deliveries are kept as long as the reports they sent.
    const deliveries = this.webhooks.purge(policy.crashDays, limit);
    const metrics = this.metrics.purge(policy.metrics, limit, Math.floor(Date.now() / 1000));
    return { audit, sessions, api_tokens: apiTokens, timeline, crashes, deliveries, metrics };
  }

  /** The database's size on disk and the rows of each table. */
  stats(): StoreStats {
    const size = (file: string) => {
      try {
        return statSync(file).size;
      } catch {
        return 0; // no write-ahead log right now
      }
    };
    const count = (table: string) =>
      (this.statement(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    // count(*) reads every row: 100 ms for a million. Audit rows are only ever deleted from
    // the oldest, so its id range is its count, read from the two ends of the key.
    const { n: audit } = this.statement(
      'SELECT coalesce((SELECT max(id) FROM audit) - (SELECT min(id) FROM audit) + 1, 0) AS n',
    ).get() as { n: number };
    return {
      bytes: size(this.path) + size(`${this.path}-wal`),
      rows: {
        users: count('users'),
        sessions: count('sessions'),
        api_tokens: count('api_tokens'),
        audit,
      },
    };
  }
}
