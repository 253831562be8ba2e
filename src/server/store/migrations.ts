/**
 * The database's schema, one step per version, applied in order at start. A step never
 * changes once released: a change is a new step.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
     password_hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     csrf_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE TABLE api_tokens (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
     created_at TEXT NOT NULL,
     expires_at TEXT,
     revoked_at TEXT,
     last_used_at TEXT
   );
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY,
     time TEXT NOT NULL,
     username TEXT,
     action TEXT NOT NULL,
     target TEXT,
     result TEXT NOT NULL,
     request_id TEXT,
     source TEXT,
     detail TEXT
   );
   CREATE INDEX audit_time ON audit (time);
   CREATE INDEX audit_user ON audit (username, time);`,
  // Login attempts, each reserved before its password check so that concurrent requests in any
  // worker cannot pass the lockout together; a successful one is removed again.
  `CREATE TABLE login_attempts (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL COLLATE NOCASE,
     time TEXT NOT NULL
   );
   CREATE INDEX login_attempts_user ON login_attempts (username, time);
   CREATE INDEX login_attempts_time ON login_attempts (time);`,
  // Bounded audit: the peer address beside the (maybe forwarded) source; repeated
  // unauthenticated denials folded into one row per bucket (address, route, minute) with a count.
  `ALTER TABLE audit ADD COLUMN peer TEXT;
   ALTER TABLE audit ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE audit ADD COLUMN bucket TEXT;
   CREATE UNIQUE INDEX audit_bucket ON audit (bucket) WHERE bucket IS NOT NULL;
   CREATE INDEX sessions_expiry ON sessions (expires_at);`,
  // The timeline: engine events, one row per event (its key keeps a recorder hand-over from
  // writing one twice); dwi's actions on containers while they run, so the recorder can tell
  // who caused an event; leases let one process of many do a job.
  `CREATE TABLE timeline (
     id INTEGER PRIMARY KEY,
     time TEXT NOT NULL,
     time_nano TEXT NOT NULL,
     type TEXT NOT NULL,
     action TEXT NOT NULL,
     actor_id TEXT NOT NULL,
     actor_name TEXT,
     project TEXT,
     origin TEXT NOT NULL CHECK (origin IN ('dwi', 'outside')),
     username TEXT,
     request_id TEXT,
     attributes TEXT NOT NULL
   );
   CREATE UNIQUE INDEX timeline_event ON timeline (time_nano, type, actor_id, action);
   CREATE INDEX timeline_time ON timeline (time);
   CREATE INDEX timeline_actor ON timeline (actor_id, id);
   CREATE INDEX timeline_actor_name ON timeline (actor_name, id);
   CREATE INDEX timeline_project ON timeline (project, id);
   CREATE INDEX timeline_user ON timeline (username, id);
   CREATE TABLE dwi_actions (
     id INTEGER PRIMARY KEY,
     container_id TEXT NOT NULL,
     container_name TEXT NOT NULL,
     action TEXT NOT NULL,
     username TEXT,
     request_id TEXT,
     started_ms INTEGER NOT NULL,
     ended_ms INTEGER
   );
   CREATE INDEX dwi_actions_started ON dwi_actions (started_ms);
   CREATE TABLE crash_reports (
     id INTEGER PRIMARY KEY,
     container_id TEXT NOT NULL,
     container_name TEXT NOT NULL,
     project TEXT,
     image TEXT NOT NULL,
     reason TEXT NOT NULL CHECK (reason IN ('exit', 'oom', 'unhealthy')),
     exit_code INTEGER,
     oom_killed INTEGER NOT NULL,
     count INTEGER NOT NULL,
     first_at TEXT NOT NULL,
     last_at TEXT NOT NULL,
     health_log TEXT NOT NULL,
     config TEXT NOT NULL,
     last_lines TEXT NOT NULL,
     streams TEXT NOT NULL,
     lines_error TEXT
   );
   CREATE INDEX crash_reports_name ON crash_reports (container_name, reason, last_at);
   CREATE INDEX crash_reports_last ON crash_reports (last_at);
   CREATE TABLE metrics (
     container_id TEXT NOT NULL,
     step INTEGER NOT NULL,
     t INTEGER NOT NULL,
     cpu REAL NOT NULL,
     mem INTEGER NOT NULL,
     rx REAL NOT NULL,
     tx REAL NOT NULL,
     rd REAL NOT NULL,
     wr REAL NOT NULL,
     PRIMARY KEY (step, container_id, t)
   ) WITHOUT ROWID;
   CREATE INDEX metrics_time ON metrics (step, t);
   CREATE TABLE webhook_rules (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL,
     url TEXT NOT NULL,
     format TEXT NOT NULL,
     reasons TEXT NOT NULL,
     pattern TEXT NOT NULL,
     cooldown_s INTEGER NOT NULL,
     enabled INTEGER NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE webhook_deliveries (
     id INTEGER PRIMARY KEY,
     rule_id INTEGER NOT NULL REFERENCES webhook_rules (id) ON DELETE CASCADE,
     crash_id INTEGER NOT NULL,
     crash_count INTEGER NOT NULL,
     container_name TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
     attempts INTEGER NOT NULL,
     last_error TEXT,
     created_at TEXT NOT NULL,
     delivered_at TEXT,
     next_at_ms INTEGER NOT NULL
   );
   CREATE UNIQUE INDEX webhook_once ON webhook_deliveries (rule_id, crash_id, crash_count);
   CREATE INDEX webhook_due ON webhook_deliveries (status, next_at_ms);
   CREATE INDEX webhook_recent ON webhook_deliveries (rule_id, container_name, created_at);
   CREATE TABLE leases (
     name TEXT PRIMARY KEY,
     holder TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );`,
];
