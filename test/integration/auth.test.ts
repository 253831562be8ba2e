import { spawnSync } from 'node:child_process';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dockerCli, TEST_IMAGE } from '../engine/engine.js';
import {
  CLI,
  NODE,
  Dwi,
  freePort,
  request,
  seededDataDir,
  TEST_ADMIN_PASSWORD,
  TEST_TOKEN,
  until,
  type RequestOptions,
} from './harness.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const target = `guarded-${Math.random().toString(36).slice(2, 7)}`;

const LOCKY_PASSWORD = 'the right password, really';
let dwi: Dwi;
let base: string;
let dataDir: string;

/** `dwi token create ...` on the running server's database; the token. */
function newToken(user: string, ...args: string[]): string {
  const run = spawnSync(
    NODE,
    [CLI, 'token', 'create', '--user', user, ...args, '--data-dir', dataDir],
    { encoding: 'utf8' },
  );
  const token = /: (dwi_\S+)\n$/.exec(run.stdout)?.[1];
  if (token === undefined) throw new Error(`token create failed: ${run.stderr}`);
  return token;
}

function cli(...args: string[]): string {
  return spawnSync(NODE, [CLI, ...args, '--data-dir', dataDir], { encoding: 'utf8' }).stdout;
}

const as = (token: string, options: RequestOptions = {}): RequestOptions => ({
  ...options,
  headers: { authorization: `Bearer ${token}`, ...options.headers },
});

beforeAll(async () => {
  docker('create', '--init', '--name', target, TEST_IMAGE, 'sleep', '600');
  dataDir = await seededDataDir();
  cli('user', 'add', 'vera', '--role', 'viewer');
  cli('user', 'add', 'otto', '--role', 'operator');
  spawnSync(NODE, [CLI, 'user', 'add', 'locky', '--password-stdin', '--data-dir', dataDir], {
    input: `${LOCKY_PASSWORD}\n`,
  });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], { env: { DWI_DATA_DIR: dataDir } });
});

afterAll(async () => {
  await dwi?.stop();
  docker('rm', '-f', target);
});

describe('authentication', () => {
  it('answers 401 on every protected route without credentials, and lets the public ones through', async () => {
    const doc = (await request(`${base}/api/openapi.json`)).json();
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => [method.toUpperCase(), path]),
    );
    expect(routes).toContainEqual(['GET', '/metrics']);
    expect(routes).toContainEqual(['GET', '/api/openapi.json']);
    expect(routes.length).toBeGreaterThan(15);
    const open = new Set(['GET /', 'GET /api/health', 'GET /api/ready', 'POST /api/auth/login']);
    for (const [method, path] of routes) {
      const url = `${base}${path!.replace(/\{[^}]+\}/g, target)}`;
      const reply = await request(url, {
        auth: false,
        method,
        // Node's client frames no body on DELETE: only POST and PUT carry one.
        ...(method === 'POST' || method === 'PUT'
          ? { headers: { 'content-type': 'application/json' }, body: '{}' }
          : {}),
      });
      const key = `${method} ${path}`;
      if (open.has(key)) {
        expect(reply.status, key).not.toBe(401);
      } else {
        expect(reply.status, `${key} ${reply.body}`).toBe(401);
        expect(reply.json(), key).toEqual({
          status: 'error',
          code: 'unauthorized',
          error: expect.stringContaining('Authentication is required'),
          request_id: expect.any(String),
        });
      }
    }
    // A wrong token is no token.
    expect((await request(`${base}/api/containers`, as('dwi_wrong'))).status).toBe(401);
  });

  it('gives each role what it may do, and 403 for the rest', async () => {
    const viewer = newToken('vera');
    const operator = newToken('otto');
    expect((await request(`${base}/api/containers`, as(viewer))).status).toBe(200);
    const denied = await request(
      `${base}/api/containers/${target}/start`,
      as(viewer, { method: 'POST' }),
    );
    expect(denied.status).toBe(403);
    expect(denied.json()).toMatchObject({
      code: 'forbidden',
      error: 'vera is viewer; this needs operator',
    });

    const started = await request(
      `${base}/api/containers/${target}/start`,
      as(operator, { method: 'POST' }),
    );
    expect(started.status).toBe(200);
    const stop = await request(
      `${base}/api/containers/${target}/stop?timeout=0`,
      as(operator, { method: 'POST' }),
    );
    expect(stop.status).toBe(200);
    const del = await request(
      `${base}/api/containers/${target}/delete`,
      as(operator, { method: 'POST' }),
    );
    expect(del.status).toBe(403);
    expect(
      (
        await request(
          `${base}/api/docker/prune/containers?dry_run=true`,
          as(operator, { method: 'POST' }),
        )
      ).status,
    ).toBe(403);
    expect((await request(`${base}/api/admin/log-levels`, as(operator))).status).toBe(403);
    const secrets = await request(`${base}/api/containers/${target}?secrets=show`, as(operator));
    expect(secrets.status).toBe(403);
    // The harness's admin token may do all of it.
    expect((await request(`${base}/api/containers/${target}?secrets=show`)).status).toBe(200);
    expect((await request(`${base}/api/admin/log-levels`)).status).toBe(200);
  });

  it('tokens expire and can be revoked', async () => {
    const shortLived = newToken('vera', '--expires-in', '0.00003'); // about 2.6 s
    expect((await request(`${base}/api/containers`, as(shortLived))).status).toBe(200);
    await until(
      'the token to expire',
      async () => (await request(`${base}/api/containers`, as(shortLived))).status === 401,
    );
    const revoked = newToken('vera', '--name', 'to revoke');
    expect((await request(`${base}/api/containers`, as(revoked))).status).toBe(200);
    const id = cli('token', 'list')
      .split('\n')
      .find((l) => l.includes('to revoke'))!
      .split(/\s+/)[0]!;
    expect(cli('token', 'revoke', id)).toBe(`revoked token ${id}\n`);
    expect((await request(`${base}/api/containers`, as(revoked))).status).toBe(401);
  });

  it('logs in with a cookie session that needs its CSRF token to change anything, and logs out', async () => {
    const json = { 'content-type': 'application/json' };
    const wrong = await request(`${base}/api/auth/login`, {
      auth: false,
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'admin', password: 'not the password' }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toMatchObject({
      code: 'unauthorized',
      error: 'Wrong user name or password',
    });

    const login = await request(`${base}/api/auth/login`, {
      auth: false,
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(
      /^dwi_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    const cookie = setCookie.split(';')[0]!;
    const { csrf_token: csrf, role } = login.json().data;
    expect(role).toBe('admin');

    const me = await request(`${base}/api/auth/me`, { auth: false, headers: { cookie } });
    expect(me.json().data).toEqual({
      username: 'admin',
      role: 'admin',
      via: 'session',
      csrf_token: csrf,
    });
    const start = `${base}/api/containers/${target}/start`;
    const noCsrf = await request(start, { auth: false, method: 'POST', headers: { cookie } });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.json().error).toBe('Missing or wrong X-CSRF-Token for this session');
    const withCsrf = await request(start, {
      auth: false,
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(withCsrf.status).toBe(200);

    const logout = await request(`${base}/api/auth/logout`, {
      auth: false,
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(logout.status).toBe(200);
    expect(String(logout.headers['set-cookie'])).toMatch(/^dwi_session=; .*Max-Age=0/);
    expect(
      (await request(`${base}/api/auth/me`, { auth: false, headers: { cookie } })).status,
    ).toBe(401);
  });

  it('refuses a socket without credentials, and checks each event against its role', async () => {
    const anonymous = io(base, { transports: ['websocket'], reconnection: false, forceNew: true });
    const refused = await new Promise<Error>((resolve) => anonymous.on('connect_error', resolve));
    expect(refused.message).toBe('unauthorized: log in or pass auth.token');
    anonymous.close();

    const viewer = io(base, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: newToken('vera') },
    });
    try {
      await until('the viewer to connect', () => viewer.connected);
      expect(
        await viewer.timeout(10_000).emitWithAck('start_log_stream', { container_id: target }),
      ).toEqual({ status: 'stream_started' });
      const unknown = await viewer.timeout(5000).emitWithAck('rm_rf' as 'stop_log_stream', {
        container_id: target,
      });
      expect(unknown).toEqual({
        status: 'error',
        code: 'bad_request',
        error: 'unknown event rm_rf',
      });
    } finally {
      viewer.close();
    }
  });
});

describe('hardening', () => {
  const login = (username: string, password: string) =>
    request(`${base}/api/auth/login`, {
      auth: false,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  it('locks a user name out after 5 wrong passwords, then limits logins per address', async () => {
    for (let i = 0; i < 5; i++)
      expect((await login('locky', `guess number ${i}`)).status).toBe(401);
    const locked = await login('LOCKY', LOCKY_PASSWORD); // the right one, any case: still locked
    expect(locked.status).toBe(429);
    expect(locked.json()).toMatchObject({
      code: 'rate_limited',
      error: 'Too many failed logins for LOCKY: locked for up to 15 minutes',
    });
    // 10 logins a minute per address (this file has made some already): the 11th at most is refused.
    let limited: Awaited<ReturnType<typeof login>> | undefined;
    for (let i = 0; i < 11 && limited === undefined; i++) {
      const reply = await login('nobody', 'nothing at all');
      if (reply.status === 429) limited = reply;
    }
    expect(limited?.json()).toEqual({
      status: 'error',
      code: 'rate_limited',
      error: expect.stringMatching(
        /^Too many requests \(at most 10 in this time window\): try again in \d+ seconds$/,
      ),
      request_id: expect.any(String),
    });
    expect(limited!.headers['retry-after']).toBeDefined();
  });

  it('limits requests per client address (through a trusted proxy), not the host itself', async () => {
    const port = await freePort();
    const limitedBase = `http://127.0.0.1:${port}`;
    const limited = await Dwi.start(['-b', `127.0.0.1:${port}`, '--rate-limit', '5/minute']);
    try {
      const from = (ip?: string) =>
        request(`${limitedBase}/api/containers`, ip ? { headers: { 'x-forwarded-for': ip } } : {});
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await from('203.0.113.7')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect((await from('203.0.113.8')).status).toBe(200); // another client
      for (let i = 0; i < 6; i++) expect((await from()).status).toBe(200); // the host itself
    } finally {
      await limited.stop();
    }
  });

  it('sends security headers on the API, and keeps the health probes bare', async () => {
    const api = await request(`${base}/api/containers`);
    expect(api.headers['content-security-policy']).toContain("default-src 'self'");
    expect(api.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['x-frame-options']).toBe('SAMEORIGIN');
    const health = await request(`${base}/api/health`, { auth: false });
    expect(health.status).toBe(200);
    expect(health.headers['content-security-policy']).toBeUndefined();
  });
});

describe('origins', () => {
  it("refuses changes and sockets from another site's pages, and takes the server's own", async () => {
    const start = `${base}/api/containers/${target}/start`;
    const evil = await request(start, {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
    });
    expect(evil.status).toBe(403);
    expect(evil.json()).toMatchObject({
      code: 'forbidden',
      error: 'Origin http://evil.example may not change anything here',
    });
    const own = await request(start, { method: 'POST', headers: { origin: base } });
    expect(own.status).toBe(200);
    // Reading is not changing: a GET from anywhere is answered (credentials still needed).
    expect(
      (await request(`${base}/api/containers`, { headers: { origin: 'http://evil.example' } }))
        .status,
    ).toBe(200);

    const socket = io(base, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: TEST_TOKEN },
      extraHeaders: { origin: 'http://evil.example' },
    });
    const refused = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    expect(refused.message).toMatch(/websocket error|Origin/);
    expect(socket.connected).toBe(false);
    socket.close();
  });
});

describe('audit', () => {
  it('records every mutating request and login, success or not, with who, what, where', async () => {
    const rows = (await request(`${base}/api/audit?limit=1000`)).json().data.entries as Array<
      Record<string, unknown>
    >;
    const find = (action: string, result: string, username: string | null) =>
      rows.find((r) => r.action === action && r.result === result && r.username === username);
    expect(find('POST /api/auth/login', 'denied', 'admin')).toMatchObject({
      target: null,
      request_id: expect.any(String),
      source: '127.0.0.1',
      detail: 'HTTP 401',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(find('POST /api/auth/login', 'success', 'admin')).toBeDefined();
    expect(find(`POST /api/containers/${target}/start`, 'denied', 'vera')).toMatchObject({
      target,
      detail: 'HTTP 403',
    });
    expect(find(`POST /api/containers/${target}/start`, 'success', 'otto')).toBeDefined();
    // Refusals of nobody in particular are counted by route, not stored one path each.
    expect(find('POST /api/containers/:id/:action', 'denied', null)).toMatchObject({
      target: null,
      count: expect.any(Number),
    });
    // Filters and paging.
    const denied = (await request(`${base}/api/audit?result=denied&limit=2`)).json().data;
    expect(denied.entries).toHaveLength(2);
    expect(denied.entries.every((r: { result: string }) => r.result === 'denied')).toBe(true);
    const next = (
      await request(`${base}/api/audit?result=denied&limit=2&before=${denied.before}`)
    ).json().data.entries;
    expect(next[0].id).toBeLessThan(denied.entries[1].id);
    expect((await request(`${base}/api/audit?limit=0`)).status).toBe(400);
    const infinite = await request(`${base}/api/audit?limit=1e309`);
    expect(infinite.status).toBe(400);
    expect(infinite.json()).toMatchObject({
      code: 'bad_request',
      error: 'limit must be a finite number',
    });
    const viewer = newToken('vera');
    expect((await request(`${base}/api/audit`, as(viewer))).status).toBe(403);
  });

  it('keeps the row of every answered action when dwi is killed -9 in the middle of a burst', async () => {
    const dir = await seededDataDir();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const victim = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '2'], {
      env: { DWI_DATA_DIR: dir },
    });
    const answered: string[] = [];
    const burst = Array.from({ length: 300 }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 2));
      try {
        const reply = await request(`${url}/api/admin/log-levels`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', 'x-request-id': `burst-${i}` },
          body: JSON.stringify({ logger: 'dwi.error', level: 'warning' }),
        });
        if (reply.status === 200) answered.push(reply.headers['x-request-id'] as string);
      } catch {
        // Cut off by the kill: not answered.
      }
    });
    await until('some answers', () => answered.length >= 20);
    for (const pid of [victim.pid, ...victim.workerPids()]) process.kill(pid, 'SIGKILL');
    await Promise.all(burst);
    await victim.exited;
    expect(answered.length).toBeGreaterThan(20);

    const again = await Dwi.start(['-b', `127.0.0.1:${port}`], { env: { DWI_DATA_DIR: dir } });
    try {
      const rows = (await request(`${url}/api/audit?limit=1000&result=success`)).json().data
        .entries as Array<{ request_id: string }>;
      const recorded = new Set(rows.map((r) => r.request_id));
      expect(answered.filter((id) => !recorded.has(id))).toEqual([]);
    } finally {
      await again.stop();
    }
  });
});

describe('auth none', () => {
  it('lets everyone in as admin, and says so loudly at start', async () => {
    const port = await freePort();
    const open = await Dwi.start(['-b', `127.0.0.1:${port}`, '--auth', 'none']);
    try {
      expect(open.stderr).toMatch(
        /\[WARNING\] AUTHENTICATION IS OFF \(auth = none\): anyone who reaches 127\.0\.0\.1:\d+ controls the Docker engine/,
      );
      const me = await request(`http://127.0.0.1:${port}/api/auth/me`, { auth: false });
      expect(me.json().data).toEqual({ username: 'anonymous', role: 'admin', via: 'none' });
    } finally {
      await open.stop();
    }
  });
});
