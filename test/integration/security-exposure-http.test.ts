/**
 * What a browser page elsewhere, or a client's bytes, can make of dwi over HTTP (issue 11,
 * finding 8 and "Headers"): DNS rebinding under --auth none, the CSP's sockets, caching of
 * replies that carry secrets, control characters in the access log.
 */
import { connect as connectTcp } from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dockerCli, TEST_IMAGE } from '../engine/engine.js';
import type { Client } from './sockets.js';
import { Dwi, freePort, request, until } from './harness.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const name = `exposed-${Math.random().toString(36).slice(2, 7)}`;

let dwi: Dwi;
let port: number;
let base: string;

const withHost = (host: string, headers: Record<string, string> = {}) => ({
  auth: false as const,
  headers: { host, ...headers },
});

/** One Socket.IO (websocket) connection sending this Host: whether it connected, or why not. */
async function socketWithHost(host: string): Promise<{ connected: boolean; error?: string }> {
  const client: Client = io(base, {
    path: '/socket.io',
    transports: ['websocket'],
    extraHeaders: { host },
    reconnection: false,
    forceNew: true,
  });
  try {
    return await new Promise((resolve) => {
      client.once('connect', () => resolve({ connected: true }));
      client.once('connect_error', (err: Error & { context?: { responseText?: string } }) =>
        resolve({ connected: false, error: `${err.message} ${err.context?.responseText ?? ''}` }),
      );
    });
  } finally {
    client.disconnect();
  }
}

/** Sends raw bytes as a request and waits for the reply to end. */
function rawRequest(bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

beforeAll(async () => {
  docker('run', '-d', '--init', '--name', name, TEST_IMAGE, 'sh', '-c', 'echo hello; sleep 600');
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start([
    '-b',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--allowed-hosts',
    'dwi.example.com,.corp.example',
  ]);
  await until('the model to hold the test container', async () =>
    (await request(`${base}/api/containers?name=${name}`)).body.includes(name),
  );
});

afterAll(async () => {
  await dwi?.stop();
  docker('rm', '-f', name);
});

describe('DNS rebinding (--auth none)', () => {
  it('refuses a request whose Host is not a name of this server, with 421 in the error envelope', async () => {
    const reply = await request(`${base}/api/containers`, withHost(`attacker.example:${port}`));
    expect(reply.status).toBe(421);
    expect(reply.json()).toEqual({
      status: 'error',
      error: expect.stringContaining('allowed_hosts'),
      code: 'misdirected_request',
      request_id: reply.headers['x-request-id'],
    });
    expect(reply.body).not.toContain(name);
  });

  it("refuses the rebound page's actions, though its Origin matches its Host", async () => {
    const rebound = `attacker.example:${port}`;
    const reply = await request(
      `${base}/api/containers/${name}/stop`,
      withHost(rebound, { origin: `http://${rebound}` }),
    );
    expect(reply.status).toBe(421);
    expect(docker('inspect', '-f', '{{.State.Running}}', name)).toBe('true');
  });

  it('answers IP addresses, localhost, and the names in --allowed-hosts', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      'dwi.example.com',
      `dwi.example.com:${port}`,
      'dwi.corp.example',
    ]) {
      const reply = await request(`${base}/api/containers?name=${name}`, withHost(host));
      expect([host, reply.status]).toEqual([host, 200]);
    }
  });

  it('refuses a Socket.IO handshake with an unknown Host, on both transports', async () => {
    const handshake = await request(
      `${base}/socket.io/?EIO=4&transport=polling`,
      withHost(`attacker.example:${port}`),
    );
    expect(handshake.status).toBe(403);
    expect(handshake.body).toContain('allowed_hosts');
    // socket.io-client cannot set Host on polling (XMLHttpRequest forbids it): the raw
    // handshake above is that transport's test.
    const refused = await socketWithHost(`attacker.example:${port}`);
    expect(refused.connected).toBe(false);
    expect(await socketWithHost(`dwi.example.com:${port}`)).toEqual({ connected: true });
  });
});

describe('headers', () => {
  it("lets the page's sockets reach this server only", async () => {
    const reply = await request(`${base}/`, { auth: false });
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toMatch(/(^|;)connect-src 'self'(;|$)/);
    expect(csp).not.toMatch(/\bwss?:/);
  });

  it('marks API replies (logs, env, tokens) no-store', async () => {
    for (const path of [
      `/api/containers/${name}/logs`,
      `/api/containers/${name}`,
      '/api/containers',
      '/api/auth/me',
      '/api/containers/no-such-container',
    ]) {
      const reply = await request(`${base}${path}`);
      expect([path, reply.headers['cache-control']]).toEqual([path, 'no-store']);
    }
  });

  it('writes control characters a client sends as \\xHH in the access log', async () => {
    // Node's parser refuses control bytes in the request line, and C0 ones in headers, but
    // reads a header's bytes 0x80-0xff as latin1: a 0x9b arrives as the C1 CSI.
    const marker = `ctl-${Math.random().toString(36).slice(2, 7)}`;
    const reply = await rawRequest(
      Buffer.from(
        `GET /${marker} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `User-Agent: agent\x9b2J\x9b]0;owned\x9c\r\nReferer: \x85x\r\nConnection: close\r\n\r\n`,
        'latin1',
      ),
    );
    expect(reply).toMatch(/^HTTP\/1\.1 404/);
    const [line] = await dwi.waitFor('stdout', new RegExp(`^.*${marker}.*$`, 'm'));
    expect(line).toContain('"\\x85x" "agent\\x9B2J\\x9B]0;owned\\x9C"');
    expect(line).not.toMatch(/\p{Cc}/u);
  });
});
