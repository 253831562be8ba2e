/**
 * dwi behind a real nginx (Debian's), configured from deploy/nginx.conf, with two workers and
 * authentication on: log in and use REST, Socket.IO over polling and websocket (no sticky
 * sessions in nginx: dwi's primary routes each session's requests), a log stream that outlives
 * twice nginx's read timeout, and the client's address in dwi's access log from
 * X-Forwarded-For, believed from nginx (forwarded_allow_ips) and from nobody else.
 */
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { counterScript, dockerCli, runShell } from '../support/engine.js';
import {
  checkDeployConfig,
  locationsOf,
  Nginx,
  NGINX_CONF,
  topLevelBlocks,
} from '../support/nginx.js';
import { Dwi, freePort, request, TEST_ADMIN_PASSWORD, until } from './harness.js';
import { connect, logLines, record, type Client } from './sockets.js';

const engine = { host: inject('dockerHost') };
const ticker = `nginx-ticker-${Math.random().toString(36).slice(2, 7)}`;
/**
 * nginx's proxy_read_timeout for /socket.io/ in this test, in seconds: short, so that
 * outliving it twice is quick; a socket idle that long is cut, so each one here is kept busy.
 */
const READ_TIMEOUT = 3;

let dwi: Dwi;
let nginx: Nginx;
/** nginx's address: every request of this file goes through it. */
let front: string;

beforeAll(async () => {
  runShell(engine, ticker, counterScript('tick'));
  const upstreamPort = await freePort();
  dwi = await Dwi.start([
    '-b',
    `127.0.0.1:${upstreamPort}`,
    '-w',
    '2',
    '--forwarded-allow-ips',
    '127.0.0.1',
  ]);
  const listenPort = await freePort();
  nginx = await Nginx.start({ upstreamPort, listenPort, readTimeout: READ_TIMEOUT });
  front = `http://127.0.0.1:${listenPort}`;
}, 90_000);

afterAll(async () => {
  await nginx?.stop();
  await dwi?.stop();
  dockerCli(engine, ['rm', '-f', ticker]);
});

/** A request to nginx from a chosen loopback address, with no credentials. */
function requestFrom(localAddress: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${front}${path}`, { localAddress, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('deploy/nginx.conf', () => {
  it("passes Debian's nginx -t as it is, TLS server included (certificates stood in for)", () => {
    const { status, output } = checkDeployConfig();
    expect(output).toContain('test is successful');
    expect(output).not.toMatch(/\[warn\]/);
    expect(status).toBe(0);
  });

  it('has the same locations in its TLS server as in its plain one', () => {
    const servers = topLevelBlocks(readFileSync(NGINX_CONF, 'utf8')).filter((b) =>
      b.startsWith('server'),
    );
    expect(servers).toHaveLength(2);
    const [plain, tls] = servers.map(locationsOf);
    expect(plain!.length).toBeGreaterThanOrEqual(3);
    expect(tls).toEqual(plain);
    expect(servers[1]).toMatch(/listen 443 ssl;[\s\S]*ssl_certificate [\s\S]*ssl_certificate_key /);
  });
});

describe('dwi behind nginx, two workers', () => {
  it('logs in with a password, reads and acts over REST', async () => {
    const login = await request(`${front}/api/auth/login`, {
      auth: false,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const session = /dwi_session=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1];
    expect(session).toBeDefined();
    const cookie = { cookie: `dwi_session=${session}` };
    const csrf: string = login.json().data.csrf_token;

    const list = await request(`${front}/api/containers`, { auth: false, headers: cookie });
    expect(list.status).toBe(200);
    expect(list.json().data.map((c: { name: string }) => c.name)).toContain(ticker);

    // A rebuild's progress as NDJSON, step by step, through the streams' location.
    const rebuilt = await request(`${front}/api/containers/${ticker}/rebuild`, {
      auth: false,
      method: 'POST',
      headers: { ...cookie, 'x-csrf-token': csrf, accept: 'application/x-ndjson' },
      timeoutMs: 30_000,
    });
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.headers['content-type']).toMatch(/^application\/x-ndjson/);
    // nginx keeps its X-Accel-* instructions to itself.
    expect(rebuilt.headers['x-accel-buffering']).toBeUndefined();
    const lines = rebuilt.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(0, -1).every((line) => typeof line.progress === 'string')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ status: 'success' });

    // The whole log, streamed through nginx.
    const download = await request(`${front}/api/containers/${ticker}/logs/download`);
    expect(download.status).toBe(200);
    expect(download.body).toMatch(/tick 1\n/);
  });

  it('serves Socket.IO over polling, each session reaching its own worker', async () => {
    // Four handshakes, round robin over two workers: sessions on both, and every later
    // polling request (a new connection through nginx each) must reach the session's worker.
    const clients: Client[] = [];
    for (let i = 0; i < 4; i++) clients.push(connect(front, ['polling']));
    const seen = clients.map(record);
    // Asked at once (sent on connect), so that no long poll waits out the read timeout.
    const acks = await Promise.all(
      clients.map((client) =>
        client.timeout(15_000).emitWithAck('start_log_stream', { container_id: ticker }),
      ),
    );
    expect(acks).toEqual(Array(4).fill({ status: 'stream_started' }));
    const workers = new Set(clients.map((client) => client.io.engine.id.split('.')[0]));
    expect(workers.size).toBe(2);
    for (const client of clients) expect(client.io.engine.transport.name).toBe('polling');
    for (const events of seen)
      expect(events.some(([event]) => event === 'initial_state')).toBe(true);
    await until('log lines on every polling session', () =>
      seen.every((events) => logLines(events, ticker).length > 0),
    );
    for (const client of clients) {
      expect(client.connected).toBe(true);
      client.disconnect();
    }
  });

  it('upgrades from polling to websocket through nginx', async () => {
    const client = connect(front, ['polling', 'websocket']);
    await new Promise<void>((resolve) => client.io.engine.once('upgrade', () => resolve()));
    expect(client.io.engine.transport.name).toBe('websocket');
    client.disconnect();
  });

  it(`keeps a websocket log stream up past twice the read timeout (${READ_TIMEOUT} s)`, async () => {
    const client = connect(front, ['websocket']);
    const arrivals: number[] = [];
    let lines = 0;
    client.on('log_update', ({ container_id, log }) => {
      if (container_id !== ticker) return;
      lines += log.split('\n').length - 1;
      arrivals.push(Date.now());
    });
    const closed: string[] = [];
    client.on('disconnect', (reason) => closed.push(reason));
    expect(
      await client.timeout(10_000).emitWithAck('start_log_stream', { container_id: ticker }),
    ).toEqual({ status: 'stream_started' });
    const start = Date.now();
    await until(
      'lines after twice the read timeout',
      () => arrivals.at(-1)! > start + 2 * READ_TIMEOUT * 1000 + 500,
      20_000,
    );
    expect(closed).toEqual([]);
    expect(client.connected).toBe(true);
    // Steady: no pause anywhere near the read timeout (the ticker writes every 20 ms).
    const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
    expect(Math.max(...gaps)).toBeLessThan(READ_TIMEOUT * 1000);
    expect(lines).toBeGreaterThan(2 * READ_TIMEOUT * 10);
    client.disconnect();
  });

  it('logs the client address nginx forwards, and only what nginx vouches for', async () => {
    // A client on 127.0.0.77: nginx (127.0.0.1, in forwarded_allow_ips) names it.
    expect(await requestFrom('127.0.0.77', '/api/health?probe=plain')).toBe(200);
    // That client claiming another address: nginx appends the real one, and dwi, trusting
    // nginx only, takes the real one.
    expect(
      await requestFrom('127.0.0.77', '/api/health?probe=forged', {
        'x-forwarded-for': '203.0.113.66',
      }),
    ).toBe(200);
    // A proxy on 127.0.0.1 (trusted too) in front of nginx: its client's address is believed.
    expect(
      await requestFrom('127.0.0.1', '/api/health?probe=chained', {
        'x-forwarded-for': '203.0.113.77',
      }),
    ).toBe(200);
    const line = async (probe: string) =>
      (
        await dwi.waitFor('stdout', new RegExp(`^\\S+ .*"GET /api/health\\?probe=${probe} `, 'm'))
      )[0];
    expect(await line('plain')).toMatch(/^127\.0\.0\.77 /);
    expect(await line('forged')).toMatch(/^127\.0\.0\.77 /);
    expect(await line('chained')).toMatch(/^203\.0\.113\.77 /);
    expect(dwi.stdout).not.toContain('203.0.113.66');
  });
});
