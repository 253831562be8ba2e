/**
 * Users and API tokens over REST: admins only (every route refused to viewers, operators and
 * nobody), audited without secrets, validated with clear 4xx, the last admin and oneself kept,
 * and a role change, a password reset, a deletion or a revocation ending that user's sockets on
 * every worker. Audit rows reach admins' sockets live. Real dwi (2 workers), real HTTP and
 * socket.io-client.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type OperationId } from '../../src/shared/api.js';
import { successReply } from '../../src/shared/errors.js';
import type { AuditEntry } from '../../src/shared/api.js';
import { Dwi, freePort, request, seededDataDir, TEST_TOKEN, until, type Reply } from './harness.js';
import type { Client } from './sockets.js';

const PASSWORD = 'a password for the users tests';

let base: string;
let dwi: Dwi;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '2'], {
    env: { DWI_DATA_DIR: await seededDataDir() },
  });
  await until('2 workers', () => dwi.workerPids().length === 2);
});
afterAll(async () => {
  await dwi?.stop();
});

/** A JSON request with `token` (the seeded admin's by default). */
function call(method: string, path: string, body?: unknown, token: string | null = TEST_TOKEN) {
  return request(`${base}${path}`, {
    auth: false,
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** The reply's data, checked against the shared table's schema for its operation. */
function data(id: OperationId, reply: Reply) {
  expect(reply.status, `${id}: ${reply.body}`).toBe(200);
  const parsed = successReply(API[id].data).safeParse(reply.json());
  expect(parsed.error, `${id}: ${reply.body}`).toBeUndefined();
  return reply.json().data;
}

async function addUser(username: string, role: string, password = PASSWORD) {
  return data('addUser', await call('POST', '/api/users', { username, role, password }));
}

async function tokenOf(username: string, role?: string): Promise<{ id: string; token: string }> {
  return data('createToken', await call('POST', '/api/tokens', { username, role }));
}

async function login(username: string, password = PASSWORD) {
  const reply = await request(`${base}/api/auth/login`, {
    auth: false,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(reply.status, reply.body).toBe(200);
  return String(reply.headers['set-cookie']).split(';')[0]!;
}

interface Watched {
  client: Client;
  errors: Array<{ error: string; code: string }>;
  reason?: string;
  worker: string;
}

const opened = new Set<Client>();
afterAll(() => {
  for (const client of opened) client.disconnect();
});

async function connect(credential: { token: string } | { cookie: string }): Promise<Watched> {
  const client: Client = io(base, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...('token' in credential
      ? { auth: { token: credential.token } }
      : { extraHeaders: { cookie: credential.cookie } }),
  });
  opened.add(client);
  const watched: Watched = { client, errors: [], worker: '' };
  client.on('error', (payload) => watched.errors.push(payload));
  client.on('disconnect', (reason) => (watched.reason = reason));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('connect_error', reject);
  });
  watched.worker = client.io.engine.id!.split('.')[0]!;
  return watched;
}

/** Sockets of one credential until they sit on both workers (the primary deals them round robin). */
async function onBothWorkers(credential: { token: string } | { cookie: string }) {
  const sockets: Watched[] = [];
  for (let i = 0; i < 6 && new Set(sockets.map((s) => s.worker)).size < 2; i++)
    sockets.push(await connect(credential));
  expect(new Set(sockets.map((s) => s.worker)).size).toBe(2);
  return sockets;
}

/** Each socket was ended by the server, with an error saying why. */
async function allEnded(sockets: Watched[]) {
  for (const socket of sockets) {
    await until(
      () => `the server to end the socket on worker ${socket.worker}`,
      () => socket.reason !== undefined,
      10_000,
    );
    expect(socket.reason).toBe('io server disconnect');
    expect(socket.errors.at(-1)).toMatchObject({ code: 'unauthorized' });
  }
}

describe('who may call', () => {
  it('every users and tokens route: admins only; viewers and operators 403, nobody 401', async () => {
    await addUser('rc-viewer', 'viewer');
    await addUser('rc-operator', 'operator');
    const viewer = (await tokenOf('rc-viewer')).token;
    const operator = (await tokenOf('rc-operator')).token;
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/users'],
      ['POST', '/api/users', { username: 'rc-new', password: PASSWORD }],
      ['PUT', '/api/users/rc-viewer/role', { role: 'admin' }],
      ['POST', '/api/users/rc-viewer/password', {}],
      ['DELETE', '/api/users/rc-viewer'],
      ['GET', '/api/tokens'],
      ['POST', '/api/tokens', {}],
      ['DELETE', '/api/tokens/seeded'],
    ];
    for (const [method, path, body] of routes) {
      for (const [who, token] of [
        ['viewer', viewer],
        ['operator', operator],
      ] as const) {
        const reply = await call(method, path, body, token);
        expect(reply.status, `${who} ${method} ${path}: ${reply.body}`).toBe(403);
        expect(reply.json()).toMatchObject({
          code: 'forbidden',
          error: expect.stringMatching(/needs admin/),
        });
      }
      const nobody = await call(method, path, body, null);
      expect(nobody.status, `nobody ${method} ${path}`).toBe(401);
    }
    // Nothing of that happened: the viewer is still a viewer, the seeded token still works.
    const users = data('listUsers', await call('GET', '/api/users'));
    expect(users.find((u: { username: string }) => u.username === 'rc-viewer')).toMatchObject({
      role: 'viewer',
      tokens: 1,
    });
    expect(users.some((u: { username: string }) => u.username === 'rc-new')).toBe(false);
  });
});

describe('users', () => {
  it('adds a user with a password, or with a generated one answered once; that user logs in', async () => {
    expect(await addUser('ann', 'operator')).toEqual({ username: 'ann', role: 'operator' });
    await login('ann');
    const generated = data('addUser', await call('POST', '/api/users', { username: 'ben' }));
    expect(generated).toEqual({ username: 'ben', role: 'viewer', password: expect.any(String) });
    expect(generated.password).toHaveLength(20);
    await login('ben', generated.password);
    const listed = data('listUsers', await call('GET', '/api/users'));
    expect(listed.find((u: { username: string }) => u.username === 'ben')).toEqual({
      username: 'ben',
      role: 'viewer',
      created_at: expect.any(String),
      tokens: 0,
    });
    expect(JSON.stringify(listed)).not.toContain('password');
  });

  it('refuses bad input with a clear 4xx: taken, malformed, short, unknown role or field, no such user', async () => {
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '/api/users', { username: 'ann', password: PASSWORD }, 409, /ann exists already/],
      ['POST', '/api/users', { username: 'ANN', password: PASSWORD }, 409, /exists already/],
      ['POST', '/api/users', { username: '-x', password: PASSWORD }, 400, /username must match/],
      [
        'POST',
        '/api/users',
        { username: 'cid', password: 'short' },
        400,
        /password must NOT have fewer than 12/,
      ],
      [
        'POST',
        '/api/users',
        { username: 'cid', role: 'root' },
        400,
        /role must be equal to one of/,
      ],
      [
        'POST',
        '/api/users',
        { username: 'cid', admin: true },
        400,
        /must NOT have additional properties/,
      ],
      ['POST', '/api/users', undefined, 400, /body/],
      ['PUT', '/api/users/nobody-here/role', { role: 'viewer' }, 404, /no user nobody-here/],
      ['PUT', '/api/users/ann/role', {}, 400, /must have required property 'role'/],
      ['POST', '/api/users/nobody-here/password', {}, 404, /no user nobody-here/],
      [
        'POST',
        '/api/users/ann/password',
        { keep_tokens: 'yes' },
        400,
        /keep_tokens must be boolean/,
      ],
      ['DELETE', '/api/users/nobody-here', undefined, 404, /no user nobody-here/],
      ['POST', '/api/tokens', { username: 'nobody-here' }, 404, /no user nobody-here/],
      [
        'POST',
        '/api/tokens',
        { username: 'ann', role: 'admin' },
        400,
        /a token of ann can be at most operator/,
      ],
      [
        'POST',
        '/api/tokens',
        { username: 'ann', expires_in_days: 0 },
        400,
        /expires_in_days must be > 0/,
      ],
      [
        'POST',
        '/api/tokens',
        { username: 'ann', expires_in_days: 4000 },
        400,
        /expires_in_days must be <= 3650/,
      ],
      ['DELETE', '/api/tokens/no-such-token', undefined, 404, /no token no-such-token/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const reply = await call(method, path, body);
      expect(reply.status, `${method} ${path} ${JSON.stringify(body)}: ${reply.body}`).toBe(status);
      expect(reply.json()).toMatchObject({ status: 'error', request_id: expect.any(String) });
      expect(reply.json().error).toMatch(message);
    }
  });

  it('never deletes or demotes yourself (400), nor the last admin (409), even when two admins demote each other at once', async () => {
    for (const [method, path, body] of [
      ['DELETE', '/api/users/admin', undefined],
      ['PUT', '/api/users/admin/role', { role: 'operator' }],
    ] as const) {
      const reply = await call(method, path, body);
      expect(reply.status, reply.body).toBe(400);
      expect(reply.json()).toMatchObject({
        code: 'bad_request',
        error:
          'you cannot ' +
          (method === 'DELETE' ? 'delete' : 'change the role of') +
          ' yourself: ask another admin',
      });
    }
    // Setting the role one has is no change, and allowed.
    expect(
      data('setUserRole', await call('PUT', '/api/users/admin/role', { role: 'admin' })),
    ).toEqual({
      username: 'admin',
      role: 'admin',
    });

    // Two admins, each demoting the other through either worker: one wins, the other is refused
    // (409 when it was still an admin as it asked, 403 once it was not), so an admin is left.
    await addUser('ada', 'admin');
    await addUser('bea', 'admin');
    const ada = (await tokenOf('ada')).token;
    const bea = (await tokenOf('bea')).token;
    // The seeded admin steps aside for the race (ada demotes it): only ada and bea are admins.
    expect(
      data('setUserRole', await call('PUT', '/api/users/admin/role', { role: 'operator' }, ada)),
    ).toEqual({ username: 'admin', role: 'operator' });
    const [one, two] = await Promise.all([
      call('PUT', '/api/users/bea/role', { role: 'viewer' }, ada),
      call('PUT', '/api/users/ada/role', { role: 'viewer' }, bea),
    ]);
    const [won, lost] = one.status === 200 ? [one, two] : [two, one];
    expect(won.status, `${one.body} ${two.body}`).toBe(200);
    expect([403, 409], lost.body).toContain(lost.status);
    if (lost.status === 409)
      expect(lost.json().error).toMatch(
        /is the last admin: make another user admin before you demote them/,
      );
    const winner = won === one ? ada : bea;
    const admins = data('listUsers', await call('GET', '/api/users', undefined, winner)).filter(
      (u: { role: string }) => u.role === 'admin',
    );
    expect(admins).toHaveLength(1);
    // The seeded admin is given its role back for the other tests.
    data('setUserRole', await call('PUT', '/api/users/admin/role', { role: 'admin' }, winner));
  });

  it('under auth none (nobody is a user) the last admin is still kept: 409', async () => {
    const dataDir = await seededDataDir();
    const port = await freePort();
    const open = await Dwi.start(['-b', `127.0.0.1:${port}`, '--auth', 'none'], {
      env: { DWI_DATA_DIR: dataDir },
    });
    try {
      for (const [method, path, body, verb] of [
        ['DELETE', '/api/users/admin', undefined, 'delete'],
        ['PUT', '/api/users/admin/role', { role: 'viewer' }, 'demote'],
      ] as const) {
        const reply = await request(`http://127.0.0.1:${port}${path}`, {
          auth: false,
          method,
          ...(body
            ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
            : {}),
        });
        expect(reply.status, reply.body).toBe(409);
        expect(reply.json()).toMatchObject({
          code: 'conflict',
          error: `admin is the last admin: make another user admin before you ${verb} them`,
        });
      }
    } finally {
      await open.stop();
    }
  });
});

describe('a change to a user ends their sockets on every worker', () => {
  it('a role change ends the sockets of their sessions and tokens; others go on', async () => {
    await addUser('rolf', 'operator');
    const token = (await tokenOf('rolf')).token;
    const cookie = await login('rolf');
    const sockets = [...(await onBothWorkers({ token })), ...(await onBothWorkers({ cookie }))];
    const bystander = await connect({ token: TEST_TOKEN });
    data('setUserRole', await call('PUT', '/api/users/rolf/role', { role: 'viewer' }));
    await allEnded(sockets);
    expect(sockets[0]!.errors.at(-1)!.error).toBe('Your role changed to viewer: connect again');
    // They may connect again, with the new role.
    const again = await connect({ token });
    expect(again.client.connected).toBe(true);
    expect(bystander.client.connected).toBe(true);
    expect(bystander.errors).toEqual([]);
  });

  it('a password reset ends their sessions and sockets and revokes their tokens (unless keep_tokens)', async () => {
    await addUser('pam', 'viewer');
    const kept = (await tokenOf('pam')).token;
    const cookie = await login('pam');
    const sessionSockets = await onBothWorkers({ cookie });
    const tokenSockets = await onBothWorkers({ token: kept });
    expect(
      data(
        'resetUserPassword',
        await call('POST', '/api/users/pam/password', { keep_tokens: true }),
      ),
    ).toEqual({ username: 'pam', tokens_revoked: false, password: expect.any(String) });
    await allEnded(sessionSockets);
    for (const socket of tokenSockets) expect(socket.client.connected).toBe(true);
    expect((await call('GET', '/api/auth/me', undefined, kept)).status).toBe(200);

    const reset = data(
      'resetUserPassword',
      await call('POST', '/api/users/pam/password', { password: 'the new password of pam' }),
    );
    expect(reset).toEqual({ username: 'pam', tokens_revoked: true });
    await allEnded(tokenSockets);
    expect((await call('GET', '/api/auth/me', undefined, kept)).status).toBe(401);
    await login('pam', 'the new password of pam');
    const tokens = data('listTokens', await call('GET', '/api/tokens'));
    expect(tokens.find((t: { username: string }) => t.username === 'pam').revoked_at).toEqual(
      expect.any(String),
    );
  });

  it('revoking a token ends its sockets; deleting a user ends all of theirs', async () => {
    await addUser('tom', 'operator');
    const first = await tokenOf('tom', 'viewer');
    const second = await tokenOf('tom');
    expect(first).toMatchObject({
      username: 'tom',
      role: 'viewer',
      name: 'tom token',
      revoked_at: null,
    });
    const firstSockets = await onBothWorkers({ token: first.token });
    const secondSockets = await onBothWorkers({ token: second.token });
    expect(data('revokeToken', await call('DELETE', `/api/tokens/${first.id}`))).toEqual({
      id: first.id,
      message: `revoked token ${first.id}`,
    });
    await allEnded(firstSockets);
    for (const socket of secondSockets) expect(socket.client.connected).toBe(true);
    const again = await call('DELETE', `/api/tokens/${first.id}`);
    expect(again.status).toBe(409);
    expect(again.json().error).toMatch(`token ${first.id} was revoked already`);

    expect(data('deleteUser', await call('DELETE', '/api/users/tom'))).toEqual({
      username: 'tom',
      message: 'deleted user tom, with their sessions and tokens',
    });
    await allEnded(secondSockets);
    const tokens = data('listTokens', await call('GET', '/api/tokens'));
    expect(tokens.some((t: { username: string }) => t.username === 'tom')).toBe(false);
  });
});

describe('the audit', () => {
  it('records each change with what it did, never a password or a token secret', async () => {
    const password = 'a secret nobody may read 1';
    await addUser('aud', 'operator', password);
    const generated = data(
      'addUser',
      await call('POST', '/api/users', { username: 'aud2' }),
    ).password;
    const created = await tokenOf('aud');
    data('revokeToken', await call('DELETE', `/api/tokens/${created.id}`));
    const reset = data(
      'resetUserPassword',
      await call('POST', '/api/users/aud/password', {}),
    ).password;
    data('setUserRole', await call('PUT', '/api/users/aud/role', { role: 'viewer' }));
    await call('DELETE', '/api/users/aud');
    await call('DELETE', '/api/users/admin');

    const rows: AuditEntry[] = data(
      'listAudit',
      await call('GET', '/api/audit?limit=1000'),
    ).entries;
    const text = JSON.stringify(rows);
    for (const secret of [password, generated, created.token, reset])
      expect(text).not.toContain(secret);
    const row = (action: string, target: string | null) =>
      rows.find((r) => r.action === action && r.target === target && r.username === 'admin');
    expect(row('POST /api/users', null)).toBeDefined();
    expect(rows.filter((r) => r.action === 'POST /api/users').map((r) => r.detail)).toEqual(
      expect.arrayContaining(['add aud (operator)', 'add aud2 (viewer), password generated']),
    );
    expect(row('POST /api/tokens', null)).toMatchObject({
      result: 'success',
      detail: `token ${created.id} for aud (operator, no expiry)`,
    });
    expect(row('POST /api/users/aud/password', 'aud')).toMatchObject({
      result: 'success',
      detail: 'password generated; sessions ended, tokens revoked',
    });
    expect(row('PUT /api/users/aud/role', 'aud')).toMatchObject({
      detail: 'role operator -> viewer',
    });
    expect(row(`DELETE /api/tokens/${created.id}`, created.id)).toMatchObject({
      result: 'success',
    });
    expect(row('DELETE /api/users/aud', 'aud')).toMatchObject({ result: 'success' });
    expect(row('DELETE /api/users/admin', 'admin')).toMatchObject({
      result: 'failure',
      detail: 'HTTP 400',
    });
  });

  it('filters by user, action text, result and time', async () => {
    const start = new Date().toISOString();
    await call('POST', '/api/users', { username: 'flt', password: PASSWORD });
    await call('POST', '/api/users', { username: 'flt', password: PASSWORD });
    const query = `since=${start}&action_contains=${encodeURIComponent('/api/users')}`;
    const all = data('listAudit', await call('GET', `/api/audit?${query}`)).entries;
    expect(all.map((r: AuditEntry) => r.result)).toEqual(['failure', 'success']);
    const failed = data(
      'listAudit',
      await call('GET', `/api/audit?${query}&result=failure&username=admin`),
    ).entries;
    expect(failed).toHaveLength(1);
    expect(failed[0].detail).toBe('add flt (viewer); HTTP 409');
    expect(
      data('listAudit', await call('GET', `/api/audit?until=${start}&since=${start}`)).entries,
    ).toEqual([]);
    const bad = await call('GET', '/api/audit?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.json().error).toBe('invalid querystring: /since must match format "date-time"');
  });

  it('reaches admins’ sockets live, from every worker; not other users’', async () => {
    const admins = await onBothWorkers({ token: TEST_TOKEN });
    await addUser('live-viewer', 'viewer');
    const viewerToken = (await tokenOf('live-viewer')).token;
    const viewer = await connect({ token: viewerToken });
    const seen = (socket: Watched) => {
      const got: AuditEntry[] = [];
      socket.client.on('audit_appended', ({ entries }) => got.push(...entries));
      return got;
    };
    const adminSeen = admins.map(seen);
    const viewerSeen = seen(viewer);
    // Requests on fresh connections land on both workers in turn.
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const reply = await call('POST', '/api/users', { username: `live-${i}`, password: PASSWORD });
      expect(reply.status).toBe(200);
      ids.push(reply.headers['x-request-id'] as string);
    }
    for (const got of adminSeen)
      await until(
        () => `every row on each admin socket (got ${got.map((r) => r.request_id).join(', ')})`,
        () => ids.every((id) => got.some((row) => row.request_id === id)),
      );
    expect(adminSeen[0]!.find((r) => r.request_id === ids[0])).toMatchObject({
      action: 'POST /api/users',
      detail: 'add live-0 (viewer)',
      result: 'success',
      username: 'admin',
    });
    // The viewer's own refused change is audited: admins get the row, the viewer does not.
    const refused = await call('POST', '/api/users', { username: 'live-x' }, viewerToken);
    expect(refused.status).toBe(403);
    const refusedId = refused.headers['x-request-id'] as string;
    await until('the refusal on the admin sockets', () =>
      adminSeen.every((got) =>
        got.some((r) => r.request_id === refusedId && r.result === 'denied'),
      ),
    );
    expect(viewerSeen).toEqual([]);
  });
});
