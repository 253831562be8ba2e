/**
 * Issue 11, finding 2 and the low items on rate limits and X-Forwarded-For: unauthenticated
 * requests are rate-limited before authentication and bounded in what they store, limits are
 * counted once for every worker, every table has a retention purged by one process, /metrics
 * reports the database, and the audit keeps the peer beside a forwarded address.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  NODE,
  Dwi,
  freePort,
  request,
  seededDataDir,
  until,
  type Reply,
  type RequestOptions,
} from './harness.js';

const WORKERS = 3;
const LONG_REF = 'x'.repeat(8000);
const ROTOR_PASSWORD = 'rotating addresses do not help';

let dwi: Dwi;
let base: string;
let dataDir: string;

interface AuditRow {
  id: number;
  action: string;
  target: string | null;
  result: string;
  username: string | null;
  request_id: string | null;
  source: string | null;
  peer: string | null;
  detail: string | null;
  count: number;
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/** Rows written straight into the database, as if they had been there that long. */
function seedOldRows(dir: string): void {
  const db = new Database(join(dir, 'dwi.db'));
  try {
    const audit = db.prepare(
      `INSERT INTO audit (time, username, action, target, result, request_id, source, detail)
         VALUES (?, 'admin', 'POST /api/containers/x/start', 'x', 'success', ?, '10.0.0.1', NULL)`,
    );
    db.transaction(() => {
      for (let i = 0; i < 50; i++) audit.run(daysAgo(100), `ancient-${i}`);
      for (let i = 0; i < 1500; i++) audit.run(daysAgo(1), `recent-${i}`);
    })();
    const admin = (db.prepare("SELECT id FROM users WHERE username = 'admin'").get() as {
      id: number;
    })!.id;
    const session = db.prepare(
      `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
         VALUES (?, ?, 'csrf', ?, ?)`,
    );
    session.run('expired-session', admin, daysAgo(2), daysAgo(1));
    session.run('live-session', admin, daysAgo(0), daysAgo(-1));
    const token = db.prepare(
      `INSERT INTO api_tokens (id, name, token_hash, user_id, role, created_at, revoked_at)
         VALUES (?, ?, ?, ?, 'viewer', ?, ?)`,
    );
    token.run('long-revoked', 'old', 'hash-old', admin, daysAgo(60), daysAgo(40));
    token.run('just-revoked', 'new', 'hash-new', admin, daysAgo(60), daysAgo(1));
  } finally {
    db.close();
  }
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(dataDir, 'dwi.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

async function auditRows(filter: string): Promise<AuditRow[]> {
  const reply = await request(`${base}/api/audit?limit=1000&${filter}`);
  expect(reply.status).toBe(200);
  return reply.json().data.entries as AuditRow[];
}

const from = (address: string, options: RequestOptions = {}): RequestOptions => ({
  ...options,
  headers: { 'x-forwarded-for': address, ...options.headers },
});

const login = (username: string, password: string, address: string): Promise<Reply> =>
  request(
    `${base}/api/auth/login`,
    from(address, {
      auth: false,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    }),
  );

beforeAll(async () => {
  dataDir = await seededDataDir();
  seedOldRows(dataDir);
  spawnSync(NODE, [CLI, 'user', 'add', 'rotor', '--password-stdin', '--data-dir', dataDir], {
    input: `${ROTOR_PASSWORD}\n`,
  });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(
    [
      '-b',
      `127.0.0.1:${port}`,
      '-w',
      String(WORKERS),
      '--rate-limit',
      '5/minute',
      '--audit-max-rows',
      '1000',
      '--log-level',
      'info',
      '--access-logformat',
      'pid=%(p)s %(r)s %(s)s',
    ],
    { env: { DWI_DATA_DIR: dataDir } },
  );
});

afterAll(async () => {
  await dwi?.stop();
});

describe('retention', () => {
  it('purges what is past its keep once, in the primary, whatever the number of workers', async () => {
    const line = `[${dwi.pid}] [INFO] retention: deleted 550 audit rows, 0 timeline rows, 0 crash reports, 0 webhook deliveries, 0 metrics points, 1 expired sessions, 1 old API tokens`;
    await dwi.waitFor('stderr', new RegExp(line.replace(/[[\]]/g, '\\$&')));
    await until('every worker to be up', () => dwi.workerPids().length === WORKERS);
    expect(dwi.stderr.split('retention:').length - 1).toBe(1);
    // 90 days of audit by default, and here at most 1,000 rows: the oldest go first.
    const ids = query<{ request_id: string }>('SELECT request_id FROM audit ORDER BY id');
    expect(ids).toHaveLength(1000);
    expect(ids[0]!.request_id).toBe('recent-500');
    expect(ids.some((row) => row.request_id.startsWith('ancient-'))).toBe(false);
    expect(query('SELECT token_hash FROM sessions')).toEqual([{ token_hash: 'live-session' }]);
    const tokens = query<{ id: string }>('SELECT id FROM api_tokens ORDER BY id');
    expect(tokens.map((t) => t.id)).toEqual(['just-revoked', 'seeded']);
  });
});

describe('unauthenticated requests', () => {
  it('are rate-limited before authentication: a flood of bad credentials meets 429, not 401 after 401', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const reply = await request(
        `${base}/api/images/${LONG_REF}`,
        from('203.0.113.9', { auth: false, method: 'DELETE' }),
      );
      statuses.push(reply.status);
      if (reply.status === 429) {
        expect(reply.json()).toMatchObject({ code: 'rate_limited' });
        expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Counted apart: another address is not limited by this one.
    const other = await request(
      `${base}/api/images/${LONG_REF}`,
      from('203.0.113.10', { auth: false, method: 'DELETE' }),
    );
    expect(other.status).toBe(401);
  });

  // 1,000 requests of 8 kB: longer than most on a busy machine.
  it(
    'are folded into one counted row per address, route and minute, however long their paths',
    {
      timeout: 90_000,
    },
    async () => {
      const db = join(dataDir, 'dwi.db');
      const checkpoint = () => {
        const handle = new Database(db);
        try {
          handle.pragma('wal_checkpoint(TRUNCATE)');
        } finally {
          handle.close();
        }
        return statSync(db).size;
      };
      const before = checkpoint();
      // From the host itself, which no rate limit holds back: 1,000 requests of 8,000 characters.
      for (let batch = 0; batch < 10; batch++) {
        const replies = await Promise.all(
          Array.from({ length: 100 }, () =>
            request(`${base}/api/images/${LONG_REF}`, { auth: false, method: 'DELETE' }),
          ),
        );
        expect(replies.map((r) => r.status)).toEqual(Array(100).fill(401));
      }
      // Before: 1,000 rows with the path twice in each, 17.9 MB.
      expect(checkpoint() - before).toBeLessThan(64 * 1024);
      const folded = (await auditRows('result=denied')).filter(
        (row) => row.action === 'DELETE /api/images/*' && row.source === '127.0.0.1',
      );
      expect(folded.length).toBeGreaterThanOrEqual(1);
      expect(folded.length).toBeLessThanOrEqual(2); // a minute may turn during the burst
      expect(folded.reduce((sum, row) => sum + row.count, 0)).toBe(1000);
      expect(folded[0]).toMatchObject({ username: null, target: null, detail: 'HTTP 401' });
      // The rate-limited address of the test before: its refusals, folded the same way.
      const limited = (await auditRows('')).filter((row) => row.source === '203.0.113.9');
      const byResult = Object.fromEntries(
        ['denied', 'failure'].map((result) => [
          result,
          limited.filter((r) => r.result === result).reduce((sum, r) => sum + r.count, 0),
        ]),
      );
      expect(byResult).toEqual({ denied: 5, failure: 3 });
    },
  );

  it('cut every stored field to its limit, for authenticated requests too', async () => {
    const reply = await request(`${base}/api/images/${LONG_REF}`, {
      method: 'DELETE',
      headers: { 'x-request-id': 'long-path' },
    });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    const [row] = (await auditRows('username=admin')).filter((r) => r.request_id === 'long-path');
    expect(row!.action).toHaveLength(256);
    expect(row!.action).toMatch(/^DELETE \/api\/images\/x+…$/);
    expect(row!.target).toHaveLength(256);
    expect(row!.target).toMatch(/^x+…$/);
  });
});

describe('rate limits across workers', () => {
  it(`give a client its limit once, not once per worker (-w ${WORKERS})`, async () => {
    const statuses: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      const reply = await request(`${base}/api/containers`, from('198.51.100.33'));
      statuses.push(reply.status);
      ids.push(reply.headers['x-request-id'] as string);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429, 429]);
    // Each request came on its own connection: they were served by more than one worker.
    const pids = new Set(
      await until('the access lines of those requests', () => {
        const lines = dwi.stdout.split('\n').filter((l) => l.includes('GET /api/containers '));
        return lines.length >= 9 ? lines.map((l) => /^pid=<(\d+)>/.exec(l)?.[1]) : undefined;
      }),
    );
    expect(pids.has(undefined)).toBe(false);
    expect(pids.size).toBeGreaterThan(1);
  });
});

describe('X-Forwarded-For', () => {
  it('records the peer beside the forwarded address, and the per-user lockout holds whatever the address', async () => {
    for (let i = 0; i < 5; i++)
      expect((await login('rotor', `wrong ${i}`, `192.0.2.${i + 1}`)).status).toBe(401);
    // A new address for each try does not reset the count of the user name.
    const locked = await login('rotor', ROTOR_PASSWORD, '192.0.2.99');
    expect(locked.status).toBe(429);
    expect(locked.json().error).toMatch(/^Too many failed logins for rotor/);
    const rows = (await auditRows('username=rotor')).filter(
      (r) => r.action === 'POST /api/auth/login',
    );
    expect(rows.map((r) => [r.source, r.peer, r.result]).sort()).toEqual(
      [
        ['192.0.2.1', '127.0.0.1', 'denied'],
        ['192.0.2.2', '127.0.0.1', 'denied'],
        ['192.0.2.3', '127.0.0.1', 'denied'],
        ['192.0.2.4', '127.0.0.1', 'denied'],
        ['192.0.2.5', '127.0.0.1', 'denied'],
        ['192.0.2.99', '127.0.0.1', 'failure'],
      ].sort(),
    );
  });
});

describe('failed logins under made-up names', () => {
  it('fold into one audit row a minute, whatever the address, so they cannot grow the log', async () => {
    const tries = 60;
    // A name each and an address each: no rate limit or lockout holds them back.
    for (let i = 0; i < tries; i++)
      expect(
        (await login(`nobody-${i}`, 'guess', `198.18.${i >> 8}.${(i % 250) + 1}`)).status,
      ).toBe(401);
    const rows = (await auditRows('result=denied')).filter(
      (r) => r.action === 'POST /api/auth/login' && r.username === null,
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(2); // a minute may turn during the run
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(tries);
    expect(rows[0]).toMatchObject({ target: null, detail: 'HTTP 401' });
    // A known user's failures still get a row each, with the name (the test above: rotor).
    expect((await auditRows('username=rotor')).length).toBeGreaterThanOrEqual(6);
  });
});

describe('/metrics', () => {
  it('reports the size of the database and the rows of each table', async () => {
    const text = (await request(`${base}/metrics`)).body;
    const size = Number(/^dwi_store_size_bytes (\d+)$/m.exec(text)?.[1]);
    const file = join(dataDir, 'dwi.db');
    const onDisk = statSync(file).size;
    expect(size).toBeGreaterThanOrEqual(onDisk);
    const rows = (table: string) =>
      Number(new RegExp(`^dwi_store_rows\\{table="${table}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(rows('users')).toBe(2);
    expect(rows('api_tokens')).toBe(2);
    const { n } = query<{ n: number }>('SELECT count(*) AS n FROM audit')[0]!;
    // Rows written between the scrape and this count: none but the scrape's own (GET: not audited).
    expect(rows('audit')).toBe(n);
    // One series each, not one per worker.
    expect(text.match(/^dwi_store_size_bytes /gm)).toHaveLength(1);
  });
});
