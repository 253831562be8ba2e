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
import type { Role } from '../../shared/auth.js';
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

  /** A new password also ends the user's sessions. False when there is no such user. */
  setPassword(username: string, passwordHash: string): boolean {
    return this.db.transaction(() => {
      const user = this.user(username);
      if (user === undefined) return false;
      this.statement('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?').run(
        passwordHash,
        now(),
        user.id,
      );
      this.statement('DELETE FROM sessions WHERE user_id = ?').run(user.id);
      return true;
    })();
  }

  /** Deletes the user with their sessions and tokens. */
  deleteUser(username: string): boolean {
    return this.statement('DELETE FROM users WHERE username = ?').run(username).changes === 1;
  }

  // --- sessions ------------------------------------------------------------------------

  addSession(tokenHash: string, userId: number, csrfToken: string, ttlSeconds: number): void {
    const expires = new Date(Date.now() + ttlSeconds * 1000).toISOString();
    this.statement(
      'INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ).run(tokenHash, userId, csrfToken, now(), expires);
  }

  /** The live session's user and CSRF token. */
  session(tokenHash: string): { username: string; role: Role; csrf_token: string } | undefined {
    return this.statement(
      `SELECT u.username, u.role, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ?`,
    ).get(tokenHash, now()) as { username: string; role: Role; csrf_token: string } | undefined;
  }

  deleteSession(tokenHash: string): void {
    this.statement('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
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

  /** The token's owner and role, if it is neither revoked nor expired. */
  tokenByHash(tokenHash: string): { id: string; username: string; role: Role } | undefined {
    return this.statement(
      `SELECT t.id, u.username, t.role FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.revoked_at IS NULL
           AND (t.expires_at IS NULL OR t.expires_at > ?)`,
    ).get(tokenHash, now()) as { id: string; username: string; role: Role } | undefined;
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
    return (
      this.statement(
        'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
      ).run(now(), id).changes === 1
    );
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

  /** Audited `action`s refused for this user name since `sinceIso` (wrong passwords, say). */
  deniedSince(username: string, action: string, sinceIso: string): number {
    return (
      this.statement(
        `SELECT count(*) AS n FROM audit WHERE username = ? COLLATE NOCASE AND time > ?
             AND action = ? AND result = 'denied'`,
      ).get(username, sinceIso, action) as { n: number }
    ).n;
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
