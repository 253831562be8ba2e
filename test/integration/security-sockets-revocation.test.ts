/**
 * Issue 11, High 1: revoked means gone. An open socket is only as good as the credential that
 * opened it: a revoked token, an ended or expired session, a deleted user, a changed role or
 * password end that user's sockets, in every worker (whichever process made the change: the
 * `dwi` command line is another process), and a recovered connection proves itself again.
 * Real dwi, real engine, real socket.io-client and Debian's python-socketio.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomSecret, sha256 } from '../../src/server/auth/credentials.js';
import { Store } from '../../src/server/store/index.js';
import { counterScript, dockerCli, runShell } from '../support/engine.js';
import {
  CLI,
  NODE,
  Dwi,
  FIXTURES,
  freePort,
  request,
  seededDataDir,
  TEST_TOKEN,
  until,
} from './harness.js';
import type { Client } from './sockets.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const logged = `revoked-logged-${Math.random().toString(36).slice(2, 7)}`;
const PASSWORD = 'a password for the tests';

beforeAll(() => {
  runShell(engine, logged, counterScript('line'));
});
afterAll(() => {
  docker('rm', '-f', logged);
});

/** `dwi ARGS --data-dir DIR`, as an administrator runs it beside the server. */
function cli(dataDir: string, args: string[], input = '') {
  const run = spawnSync(NODE, [CLI, ...args, '--data-dir', dataDir], {
    input,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`dwi ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

function newToken(dataDir: string, user: string, ...args: string[]) {
  const out = cli(dataDir, ['token', 'create', '--user', user, ...args]);
  const [, id, token] = /^created token (\S+) .*: (dwi_\S+)\n$/.exec(out)!;
  return { id: id!, token: token! };
}

async function login(base: string, username: string) {
  const reply = await request(`${base}/api/auth/login`, {
    auth: false,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(reply.status).toBe(200);
  const cookie = String(reply.headers['set-cookie']).split(';')[0]!;
  return { cookie, csrf: reply.json().data.csrf_token as string };
}

interface Watched {
  client: Client;
  errors: Array<{ error: string; code: string }>;
  /** Why it disconnected, once it did. */
  reason?: string;
  /** The worker it landed on (session ids start with it). */
  worker: () => string;
}

const opened = new Set<Client>();
afterAll(() => {
  for (const client of opened) client.disconnect();
});

/** A socket.io-client with a token or a session cookie, connected. */
async function connect(
  base: string,
  credential: { token: string } | { cookie: string },
  recover = false,
): Promise<Watched> {
  const client: Client = io(base, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...('token' in credential
      ? { auth: { token: credential.token, recover } }
      : { extraHeaders: { cookie: credential.cookie }, auth: { recover } }),
  });
  opened.add(client);
  const watched: Watched = { client, errors: [], worker: () => '' };
  const id = { value: '' };
  watched.worker = () => id.value;
  client.on('error', (payload) => watched.errors.push(payload));
  client.on('disconnect', (reason) => (watched.reason = reason));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('connect_error', reject);
  });
  id.value = client.io.engine.id!.split('.')[0]!;
  return watched;
}

/** Follows the test container's log until lines come. */
async function follow(watched: Watched): Promise<void> {
  let lines = 0;
  watched.client.on('log_update', () => (lines += 1));
  expect(
    await watched.client.timeout(10_000).emitWithAck('start_log_stream', { container_id: logged }),
  ).toEqual({ status: 'stream_started' });
  await until('log lines', () => lines >= 2);
}

/** The socket was ended by the server, with an error saying why. */
async function ended(watched: Watched, timeoutMs = 10_000): Promise<void> {
  await until(
    () => `the server to end the socket (reason ${watched.reason})`,
    () => watched.reason !== undefined,
    timeoutMs,
  );
  expect(watched.reason).toBe('io server disconnect');
  expect(watched.errors.at(-1)).toEqual({ code: 'unauthorized', error: expect.any(String) });
}

/** test/fixtures/revoked-client.py, running: its JSON lines as they come. */
function pythonClient(base: string, token: string) {
  const child = spawn(
    '/usr/bin/python3',
    [`${FIXTURES}revoked-client.py`, base, 'websocket', logged],
    { env: { PATH: '/usr/bin:/bin', DWI_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: Array<{ event: string; data: unknown }> = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(JSON.parse(line)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void exited.finally(() => clearTimeout(timer));
  return {
    lines,
    stderr: () => stderr,
    exited,
    count: (event: string) => lines.filter((l) => l.event === event).length,
  };
}

describe.each([1, 2])('with %i worker(s)', (workers) => {
  let dataDir: string;
  let base: string;
  let dwi: Dwi;

  beforeAll(async () => {
    dataDir = await seededDataDir();
    for (const [user, role] of [
      ['vera', 'viewer'],
      ['otto', 'operator'],
      ['pia', 'viewer'],
    ] as const)
      cli(dataDir, ['user', 'add', user, '--role', role, '--password-stdin'], `${PASSWORD}\n`);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', String(workers)], {
      env: { DWI_DATA_DIR: dataDir },
    });
    await until(`${workers} workers`, () => dwi.workerPids().length === workers);
  });
  afterAll(async () => {
    await dwi?.stop();
  });

  it('dwi token revoke ends the token’s sockets on every worker, python-socketio’s too, and the token cannot connect again', async () => {
    const { id, token } = newToken(dataDir, 'vera');
    // One after the other: the primary deals handshakes round robin, so they spread.
    const sockets: Watched[] = [];
    for (let i = 0; i < 4; i++) sockets.push(await connect(base, { token }));
    expect(new Set(sockets.map((s) => s.worker())).size).toBe(workers);
    for (const socket of sockets) await follow(socket);
    const python = pythonClient(base, token);
    await until(
      () => `python-socketio to follow the log\n${python.stderr()}`,
      () => python.count('log_update') >= 2,
    );
    const admin = await connect(base, { token: TEST_TOKEN });

    const revokedAt = Date.now();
    expect(cli(dataDir, ['token', 'revoke', id])).toBe(`revoked token ${id}\n`);
    for (const socket of sockets) await ended(socket);
    // Within the check period (2 s by default), not whenever the client next speaks.
    expect(Date.now() - revokedAt).toBeLessThan(7000);

    expect(await python.exited).toBe(0);
    const events = python.lines.map((l) => l.event);
    expect(events.slice(events.indexOf('disconnect') - 1)).toEqual([
      'error',
      'disconnect',
      'connect_error',
      'refused',
    ]);
    expect(python.lines.find((l) => l.event === 'error')!.data).toMatchObject({
      code: 'unauthorized',
    });
    expect(python.lines.find((l) => l.event === 'connect_error')!.data).toEqual({
      message: 'unauthorized: log in or pass auth.token',
      data: { code: 'unauthorized', error: 'log in or pass auth.token' },
    });

    await expect(connect(base, { token })).rejects.toThrow(
      'unauthorized: log in or pass auth.token',
    );
    // Someone else's socket goes on.
    expect(admin.client.connected).toBe(true);
    expect(admin.errors).toEqual([]);
  }, 90_000);

  it('a recovered connection proves its credentials again', async () => {
    const { id, token } = newToken(dataDir, 'vera');
    const socket = await connect(base, { token }, true);
    const offset = () => (socket.client as unknown as { _lastOffset?: string })._lastOffset;
    const clients = async () =>
      Number(/^dwi_socketio_clients (\d+)$/m.exec((await request(`${base}/metrics`)).body)?.[1]);
    const drop = async () => {
      const before = await clients();
      socket.client.io.engine.close();
      await until('the transport to drop', () => socket.client.disconnected);
      // Until dwi has seen it go there is no session to recover: a client that comes back at
      // once (socket.io-client waits a second or more) would be told to start afresh.
      await until('dwi to see it go', async () => (await clients()) < before);
    };
    // It holds an offset to recover from once connection_established came.
    await until('an offset', offset);
    if (workers === 1) {
      // While the token holds, the connection does recover (so the refusal below is the check).
      await drop();
      socket.client.connect();
      await until('it to come back', () => socket.client.connected);
      expect(socket.client.recovered).toBe(true);
    }
    await drop();
    cli(dataDir, ['token', 'revoke', id]);
    socket.client.connect();
    const refused = await new Promise<Error>((resolve, reject) => {
      socket.client.once('connect_error', resolve);
      socket.client.once('connect', () =>
        reject(new Error(`connected again (recovered: ${socket.client.recovered})`)),
      );
    });
    expect(refused.message).toBe('unauthorized: log in or pass auth.token');
    expect((refused as Error & { data?: unknown }).data).toEqual({
      code: 'unauthorized',
      error: 'log in or pass auth.token',
    });
  });

  it('logout ends the sockets of that session only', async () => {
    const session = await login(base, 'pia');
    const other = await login(base, 'pia');
    const { token } = newToken(dataDir, 'pia');
    const bySession = [
      await connect(base, { cookie: session.cookie }),
      await connect(base, { cookie: session.cookie }),
    ];
    for (const socket of bySession) await follow(socket);
    const byOther = await connect(base, { cookie: other.cookie });
    const byToken = await connect(base, { token });

    const out = await request(`${base}/api/auth/logout`, {
      auth: false,
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
    });
    expect(out.status).toBe(200);
    for (const socket of bySession) await ended(socket);
    // The check that ended them has run in every worker: the others are still fine.
    // The others still answer (each event checks its credential too).
    for (const socket of [byOther, byToken])
      expect(
        await socket.client.timeout(5000).emitWithAck('stop_log_stream', { container_id: logged }),
      ).toEqual({ status: 'stream_stopped' });
  });

  it('a changed role, a new password and a deleted user end the user’s sockets', async () => {
    // otto, operator: a role change that lowers what its session and token may do.
    const otto = await login(base, 'otto');
    const ottoToken = newToken(dataDir, 'otto');
    const ottoSockets = [
      await connect(base, { cookie: otto.cookie }),
      await connect(base, { token: ottoToken.token }),
    ];
    expect(cli(dataDir, ['user', 'role', 'otto', 'viewer'])).toBe('otto is now viewer\n');
    for (const socket of ottoSockets) await ended(socket);
    expect(ottoSockets[0]!.errors.at(-1)!.error).toBe('Your role changed to viewer: connect again');
    // Connecting again gives the new role.
    const again = await connect(base, { token: ottoToken.token });
    const reply = await again.client
      .timeout(5000)
      .emitWithAck('start_log_stream', { container_id: logged });
    expect(reply).toEqual({ status: 'stream_started' });
    again.client.disconnect();
    // REST agrees: the token's role is capped by its user's new one.
    const action = await request(`${base}/api/containers/no-such-container/start`, {
      auth: false,
      method: 'POST',
      headers: { authorization: `Bearer ${ottoToken.token}` },
    });
    expect(action.status).toBe(403);

    // vera: a new password ends her sessions and revokes her tokens.
    const vera = await login(base, 'vera');
    const veraToken = newToken(dataDir, 'vera');
    const veraSockets = [
      await connect(base, { cookie: vera.cookie }),
      await connect(base, { token: veraToken.token }),
    ];
    expect(
      cli(dataDir, ['user', 'passwd', 'vera', '--password-stdin'], 'another password, longer\n'),
    ).toBe('password of vera changed; their sessions ended, tokens revoked\n');
    for (const socket of veraSockets) await ended(socket);
    await expect(connect(base, { token: veraToken.token })).rejects.toThrow('unauthorized');

    // pia: deleted, with her sessions and tokens.
    const pia = await login(base, 'pia');
    const piaSockets = [
      await connect(base, { cookie: pia.cookie }),
      await connect(base, { token: newToken(dataDir, 'pia').token }),
    ];
    cli(dataDir, ['user', 'del', 'pia']);
    for (const socket of piaSockets) await ended(socket);
  }, 60_000);

  it('an expiring token or session ends its sockets when it expires, with nothing else changing', async () => {
    // About 3 s of life each.
    const { token } = newToken(dataDir, 'admin', '--expires-in', String(3 / 86_400));
    const secret = randomSecret();
    const store = Store.open(dataDir);
    try {
      store.addSession(sha256(secret), store.user('admin')!.id, randomSecret(18), 3);
    } finally {
      store.close();
    }
    const sockets = [
      await connect(base, { token }),
      await connect(base, { cookie: `dwi_session=${secret}` }),
    ];
    for (const socket of sockets) await ended(socket, 15_000);
  }, 30_000);
});
