/**
 * The one place that talks to SQLite: one database under `data_dir` in WAL mode (every process
 * opens it; writers wait their turn), its schema brought up to date at open, and the
 * repositories the server needs. Statements are prepared once (credentials are checked on
 * every request); better-sqlite3 is synchronous,
 * so a committed write is on disk (in the WAL) before the reply that depends on it is sent.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEntry as AuditRow } from '../../shared/api.js';
import { ROLES, type Role } from '../../shared/auth.js';
import { MIGRATIONS } from './migrations.js';

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

export interface AuditQuery {
  limit: number;
  /** Rows older than this id (the cursor of the previous page). */
  before?: number;
  username?: string;
  action?: string;
  result?: string;
}

const now = () => new Date().toISOString();

export class Store {
  private constructor(private readonly db: Database.Database) {}

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
    const store = new Store(db);
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

  users(): Array<Omit<User, 'password_hash'>> {
    return this.statement(
      'SELECT id, username, role, created_at FROM users ORDER BY username',
    ).all() as Array<Omit<User, 'password_hash'>>;
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

  // --- credential changes --------------------------------------------------------------

  /** Changes made through this connection: SQLite's data_version counts only the others'. */
  private ownCredentialChanges = 0;

  private changeCredentials<T>(change: () => T): T {
    const result = this.db.transaction(change)();
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

  audit(entry: Omit<AuditEntry, 'time'>): void {
    this.statement(
      `INSERT INTO audit (time, username, action, target, result, request_id, source, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      now(),
      entry.username,
      entry.action,
      entry.target,
      entry.result,
      entry.request_id,
      entry.source,
      entry.detail,
    );
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
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.statement(`SELECT * FROM audit ${clause} ORDER BY id DESC LIMIT ?`).all(
      ...params,
      query.limit,
    ) as AuditRow[];
  }
}
