/**
 * Issue 11, low item on idle connections: a connection that sends nothing is closed after
 * header_timeout (the primary held each one 60 s, and 20,000 of them starved new clients), and
 * worker_connections caps what the primary and each worker hold, so a new client is still served.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dwi, freePort, request, selfSignedCert, until } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'dwi-limits-'));
const opened: Socket[] = [];
afterAll(() => {
  for (const socket of opened) socket.destroy();
  rmSync(dir, { recursive: true, force: true });
});

interface Idle {
  socket: Socket;
  connectedAt: number;
  /** When the server closed it; undefined while open. */
  closedAt?: number;
}

/** Opens a connection that sends nothing, one after the other so the server takes them in order. */
async function openIdle(port: number, count: number): Promise<Idle[]> {
  const idle: Idle[] = [];
  for (let i = 0; i < count; i++) {
    const socket = connect(port, '127.0.0.1');
    opened.push(socket);
    socket.on('error', () => {}); // a reset by the server is what some of these tests wait for
    socket.resume(); // read what the server may say before closing (a 408), or 'close' never comes
    await new Promise((resolve) => socket.once('connect', resolve));
    const entry: Idle = { socket, connectedAt: Date.now() };
    socket.once('close', () => (entry.closedAt = Date.now()));
    idle.push(entry);
  }
  return idle;
}

/** A keep-alive request on a connection of its own: the status, or 'closed' when it got no answer. */
async function keptAlive(port: number): Promise<{ socket: Socket; answer: string }> {
  const socket = connect(port, '127.0.0.1');
  opened.push(socket);
  socket.on('error', () => {});
  socket.setEncoding('utf8');
  const answer = await new Promise<string>((resolve) => {
    let received = '';
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('\r\n\r\n')) resolve(received.slice(9, 12));
    });
    socket.once('close', () => resolve('closed'));
    socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  });
  return { socket, answer };
}

const closedCount = (idle: Idle[]) => idle.filter((c) => c.closedAt !== undefined).length;

describe('idle connections', () => {
  it('are closed after the header timeout, and a new client is served meanwhile', async () => {
    const port = await freePort();
    const dwi = await Dwi.start([
      '-b',
      `127.0.0.1:${port}`,
      '--header-timeout',
      '2',
      '--keep-alive',
      '1',
    ]);
    try {
      // One that starts a request and never ends its headers: the worker has it now.
      const [trickling] = await openIdle(port, 1);
      trickling!.socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait: ');
      const idle = await openIdle(port, 300);
      // Some clients give up with a reset while the primary waits on them: nothing to it.
      const reset = idle.splice(280);
      for (const { socket } of reset) socket.resetAndDestroy();
      await until('the resets', () => closedCount(reset) === reset.length);
      const served = await request(`http://127.0.0.1:${port}/api/health`, { auth: false });
      expect(served.status).toBe(200);
      await until(
        () => `every idle connection closed (${closedCount(idle)} of 280)`,
        () => closedCount(idle) === 280,
        15_000,
      );
      expect(dwi.child.exitCode).toBeNull();
      const held = idle.map((c) => c.closedAt! - c.connectedAt);
      expect(Math.min(...held)).toBeGreaterThanOrEqual(1500);
      expect(Math.max(...held)).toBeLessThan(10_000);
      // keep-alive + header timeout, checked every second.
      await until('the trickling request closed', () => trickling!.closedAt !== undefined);
      expect(trickling!.closedAt! - trickling!.connectedAt).toBeLessThan(8000);
    } finally {
      await dwi.stop();
    }
  });

  it('over worker_connections, the one waiting longest makes room; a worker refuses past it', async () => {
    const port = await freePort();
    const dwi = await Dwi.start([
      '-b',
      `127.0.0.1:${port}`,
      '--worker-connections',
      '50',
      '--header-timeout',
      '60',
      '--keep-alive',
      '60',
    ]);
    try {
      const idle = await openIdle(port, 100);
      await until(
        () => `50 idle connections closed (${closedCount(idle)})`,
        () => closedCount(idle) === 50,
      );
      // A client that speaks at once is served: it too made room, for itself.
      const served = await request(`http://127.0.0.1:${port}/api/health`, { auth: false });
      expect(served.status).toBe(200);
      await until(
        () => `51 idle connections closed (${closedCount(idle)})`,
        () => closedCount(idle) === 51,
      );
      expect(idle.map((c) => c.closedAt !== undefined)).toEqual([
        ...Array(51).fill(true),
        ...Array(49).fill(false),
      ]);
      for (const { socket } of idle) socket.destroy();

      // The worker: 50 kept-alive connections at once, the 51st closed unanswered.
      const kept = [];
      for (let i = 0; i < 50; i++) {
        const connection = await keptAlive(port);
        expect(connection.answer).toBe('200');
        kept.push(connection.socket);
      }
      expect((await keptAlive(port)).answer).toBe('closed');
      // One goes away: room for a new one, once the worker has seen it go.
      kept.pop()!.destroy();
      await until('a new connection served', async () => (await keptAlive(port)).answer === '200');
    } finally {
      await dwi.stop();
    }
  });

  it('through TLS, the handshake has the header timeout too', async () => {
    const { cert, key } = selfSignedCert(dir);
    const port = await freePort();
    const dwi = await Dwi.start(
      [
        '-b',
        `127.0.0.1:${port}`,
        '--certfile',
        cert,
        '--keyfile',
        key,
        '--header-timeout',
        '2',
        '--log-level',
        'info',
      ],
      { waitUrl: null },
    );
    try {
      await dwi.waitFor('stderr', /Listening at: https:/);
      const [silent] = await openIdle(port, 1);
      await until('the silent TLS connection closed', () => silent!.closedAt !== undefined);
      expect(silent!.closedAt! - silent!.connectedAt).toBeGreaterThanOrEqual(1500);
    } finally {
      await dwi.stop();
    }
  });
});
