/**
 * Issue 11, Low: Socket.IO is throttled. Handshakes per client address, sockets per user,
 * events per socket (rate and size), each refused in the socket error shape; a burst of
 * start_log_stream with an old `since` costs a bounded amount of work and memory.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AckReply } from '../../src/shared/events.js';
import { dockerCli, runShell } from '../support/engine.js';
import { Dwi, freePort, request, rssMiB, TEST_TOKEN, until } from './harness.js';
import type { Client } from './sockets.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const chatty = `chatty-${Math.random().toString(36).slice(2, 7)}`;
const LOG_LINES = 30_000;

let dwi: Dwi;
let base: string;

beforeAll(async () => {
  // A long log: a start_log_stream with an old `since` reads 5,000 lines of it.
  runShell(engine, chatty, `seq 1 ${LOG_LINES}; sleep 600`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // Through the environment, as a deployment would set them.
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], {
    env: {
      DWI_SOCKET_CONNECT_RATE: '5/minute',
      DWI_SOCKET_MAX_PER_USER: '3',
      DWI_SOCKET_EVENT_RATE: '20/second',
      DWI_SOCKET_EVENT_MAX_BYTES: '1024',
    },
  });
  await until('the whole log written', async () => {
    const reply = await request(`${base}/api/containers/${chatty}/logs?tail=1`);
    return reply.status === 200 && reply.json().data.logs.includes(` ${LOG_LINES}\n`);
  });
});

afterAll(async () => {
  await dwi?.stop();
  docker('rm', '-f', chatty);
});

const opened = new Set<Client>();
afterAll(() => {
  for (const client of opened) client.disconnect();
});

function client(options: Parameters<typeof io>[1] = {}): Client {
  const socket: Client = io(base, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token: TEST_TOKEN },
    ...options,
  });
  opened.add(socket);
  return socket;
}

/** Resolves once connected; rejects with the connect_error. */
function connected(socket: Client): Promise<Client> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** A new engine.io session by polling, as from `address` behind the trusted local proxy. */
const handshake = (address?: string) =>
  request(`${base}/socket.io/?EIO=4&transport=polling`, {
    auth: false,
    headers: address === undefined ? {} : { 'x-forwarded-for': address },
  });

describe('Socket.IO throttles', () => {
  it('limits handshakes per client address, not the host itself', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await handshake('203.0.113.9')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 403, 403]);
    const refused = await handshake('203.0.113.9');
    expect(refused.json()).toEqual({
      code: 4,
      message: expect.stringMatching(
        /^rate_limited: too many Socket\.IO connections from 203\.0\.113\.9 \(socket_connect_rate 5\/minute\): try again in \d+ s$/,
      ),
    });
    // socket.io-client behind the same proxy is refused as well.
    await expect(
      connected(client({ extraHeaders: { 'x-forwarded-for': '203.0.113.9' } })),
    ).rejects.toThrow();
    expect((await handshake('203.0.113.10')).status).toBe(200); // another client
    for (let i = 0; i < 8; i++) expect((await handshake()).status).toBe(200); // the host itself
  });

  it(
    'counts handshakes for every worker together: -w 2 gives no client twice its limit',
    { timeout: 60_000 },
    async () => {
      const port = await freePort();
      const two = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '2'], {
        env: { DWI_SOCKET_CONNECT_RATE: '5/minute' },
      });
      try {
        const statuses = [];
        for (let i = 0; i < 8; i++) {
          const reply = await request(
            `http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`,
            {
              auth: false,
              headers: { 'x-forwarded-for': '203.0.113.20' },
            },
          );
          statuses.push(reply.status);
        }
        expect(statuses).toEqual([200, 200, 200, 200, 200, 403, 403, 403]);
      } finally {
        await two.stop();
      }
    },
  );

  it('closes an engine.io session that does not log in within 10 s', async () => {
    const open = await handshake();
    const { sid } = JSON.parse(open.body.slice(1)) as { sid: string };
    const startedAt = Date.now();
    // A long poll: answered when the server has something to say, here the close.
    const poll = await request(`${base}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
      auth: false,
      timeoutMs: 40_000,
    });
    expect(poll.body).toBe('1');
    expect(Date.now() - startedAt).toBeLessThan(15_000);
  }, 45_000);

  it('caps the sockets of one user, and frees a place when one goes', async () => {
    const sockets = [];
    for (let i = 0; i < 3; i++) sockets.push(await connected(client()));
    const refused = await connected(client()).then(
      () => undefined,
      (err: Error & { data?: unknown }) => err,
    );
    expect(refused?.message).toBe(
      'rate_limited: admin has 3 sockets open on this worker already (socket_max_per_user): close one first',
    );
    expect(refused?.data).toEqual({
      code: 'rate_limited',
      error:
        'admin has 3 sockets open on this worker already (socket_max_per_user): close one first',
    });
    sockets[0]!.disconnect();
    // The server's side of the close arrives a moment later.
    const again = await until('a place to free up', () =>
      connected(client()).then(
        (socket) => socket,
        () => false as const,
      ),
    );
    expect(again.connected).toBe(true);
    for (const socket of [...sockets, again]) socket.disconnect();
  });

  it('refuses events past the rate and past the size, in the socket error shape', async () => {
    const socket = await connected(client());
    const errors: unknown[] = [];
    socket.on('error', (payload) => errors.push(payload));
    try {
      const large = await socket.timeout(5000).emitWithAck('stop_log_stream', {
        container_id: chatty,
        padding: 'x'.repeat(2000),
      } as never);
      expect(large).toEqual({
        status: 'error',
        code: 'payload_too_large',
        error: expect.stringMatching(
          /^stop_log_stream carries 20\d\d bytes; at most 1024 \(socket_event_max_bytes\)$/,
        ),
      });
      expect(errors).toEqual([{ code: large.code, error: large.error }]);
      expect(socket.connected).toBe(true);

      // 300 starts with an old `since`: each would read 5,000 lines.
      const memoryBefore = rssMiB(dwi.workerPids()[0]!);
      const startedAt = Date.now();
      const replies: AckReply[] = await Promise.all(
        Array.from({ length: 300 }, () =>
          socket.timeout(30_000).emitWithAck('start_log_stream', {
            container_id: chatty,
            since: '2000-01-01T00:00:00Z',
          }),
        ),
      );
      const seconds = (Date.now() - startedAt) / 1000;
      const started = replies.filter((r) => r.status === 'stream_started');
      const limited = replies.filter((r) => r.status === 'error' && r.code === 'rate_limited');
      // What is left of the burst of 20, and what the rate adds while they are sent (on a busy
      // machine, handling 300 events takes longer, and the rate adds more).
      expect(started.length).toBeGreaterThan(0);
      expect(started.length).toBeLessThanOrEqual(20 + Math.ceil(20 * seconds));
      expect(started.length + limited.length).toBe(300);
      expect(limited[0]).toEqual({
        status: 'error',
        code: 'rate_limited',
        error: expect.stringMatching(
          /^Too many events \(socket_event_rate 20\/second\): try again in \d+ s$/,
        ),
      });
      expect(seconds).toBeLessThan(10);
      expect(rssMiB(dwi.workerPids()[0]!) - memoryBefore).toBeLessThan(150);
      // The health probe is answered meanwhile and after.
      expect((await request(`${base}/api/health`, { timeoutMs: 2000 })).status).toBe(200);

      // Past the hard bound (4 x the event limit) the connection itself is closed.
      const reason = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      socket.emit('stop_log_stream', {
        container_id: chatty,
        padding: 'x'.repeat(5000),
      } as never);
      expect(['transport close', 'transport error']).toContain(await reason);
    } finally {
      socket.disconnect();
    }
  }, 60_000);
});
