/**
 * Clients written for the original get exactly the original's arguments: python-socketio (its
 * handlers take one argument; an extra recovery offset raises TypeError) and socket.io-client
 * without the opt-in. Clients that ask for recovery (`auth.recover`) get offsets and recover.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { counterScript, dockerCli, runShell, TEST_IMAGE } from '../engine/engine.js';
import { Dwi, FIXTURES, freePort, request, TEST_TOKEN, until } from './harness.js';
import { connect, type Client } from './sockets.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const suffix = Math.random().toString(36).slice(2, 7);
const watched = `watched-${suffix}`;
const logged = `logged-${suffix}`;

const servers: Record<'one' | 'two', { dwi?: Dwi; base: string }> = {
  one: { base: '' },
  two: { base: '' },
};

beforeAll(async () => {
  runShell(engine, logged, counterScript('line'));
  docker('run', '-d', '--init', '--name', watched, TEST_IMAGE, 'sleep', '600');
  const ports = [await freePort(), await freePort()];
  servers.one.base = `http://127.0.0.1:${ports[0]}`;
  servers.two.base = `http://127.0.0.1:${ports[1]}`;
  // One after the other: three booting processes at once are slow on a busy machine.
  servers.one.dwi = await Dwi.start(['-b', `127.0.0.1:${ports[0]}`, '-w', '1']);
  servers.two.dwi = await Dwi.start(['-b', `127.0.0.1:${ports[1]}`, '-w', '2']);
  await until('2 workers', () => servers.two.dwi!.workerPids().length === 2);
});

afterAll(async () => {
  await Promise.all([servers.one.dwi?.stop(), servers.two.dwi?.stop()]);
  for (const name of [watched, logged]) {
    try {
      docker('rm', '-f', name);
    } catch {
      // Gone.
    }
  }
});

// Lines are checked field by field; any keeps those checks readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Line = Record<string, any>;

/** test/fixtures/original-client.py, running: its JSON lines as they come, and its end. */
function originalClient(base: string, transport: 'polling' | 'websocket', clients: number) {
  const child = spawn(
    '/usr/bin/python3',
    [`${FIXTURES}original-client.py`, base, transport, watched, logged, String(clients)],
    { env: { PATH: '/usr/bin:/bin', DWI_TOKEN: TEST_TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: Line[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(JSON.parse(line)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return {
    lines,
    stderr: () => stderr,
    /** Fails at once if the client gave up (its handlers raised, say). */
    running: () => {
      const done = lines.find((l) => l.done === true);
      if (done !== undefined) throw new Error(`the client ended: ${JSON.stringify(done.errors)}`);
      return true;
    },
    exited: exited.finally(() => clearTimeout(timer)),
    /** What one client's handlers got for an event, in order. */
    of: (client: number, event: string) =>
      lines.filter((l) => l.client === client && l.event === event).map((l) => l.data),
  };
}

describe.each([
  ['one worker', 'one', 2],
  ['two workers', 'two', 4],
] as const)('a python-socketio client of the original, %s', (_, server, clients) => {
  it.each(['polling', 'websocket'] as const)(
    'gets every event with exactly its arguments over %s',
    async (transport) => {
      const { base } = servers[server];
      const run = originalClient(base, transport, clients);
      await until(
        () => `the clients to be ready\n${run.stderr()}`,
        () => run.running() && run.lines.some((l) => l.ready === true),
      );
      // The stop reaches every client before the start, so neither change hides the other.
      docker('stop', '-t', '0', watched);
      await until(
        () => `every client to see the stop\n${run.stderr()}`,
        () =>
          run.running() &&
          Array.from({ length: clients }, (_, c) => c).every((c) =>
            run.of(c, 'container_state_changed').some((d) => d.name === watched),
          ),
      );
      // Started through REST, which also broadcasts container_action to every worker.
      const started = await request(`${base}/api/containers/${watched}/start`, {
        method: 'POST',
      });
      expect(started.status).toBe(200);

      const code = await run.exited;
      expect(run.lines.at(-1)).toEqual({ done: true, errors: [] });
      expect(code).toBe(0);
      for (let c = 0; c < clients; c++) {
        expect(run.of(c, 'connect')).toHaveLength(1);
        expect(run.of(c, 'connection_established')).toEqual([
          { message: 'Connected to Docker Web Interface' },
        ]);
        const [state] = run.of(c, 'initial_state');
        expect(state.names).toContain(watched);
        const changes = run
          .of(c, 'container_state_changed')
          .filter((d) => d.name === watched)
          .map((d) => [d.state, d.container_id === d.id]);
        expect(changes).toEqual([
          ['stopped', true],
          ['running', true],
        ]);
        expect(run.of(c, 'container_action')).toContainEqual(
          expect.objectContaining({ name: watched, action: 'start' }),
        );
        expect(run.of(c, 'start_log_stream ack')).toEqual([{ status: 'stream_started' }]);
        const updates = run.of(c, 'log_update');
        expect(updates.every((u) => u.container_id === logged)).toBe(true);
        for (const update of updates.slice(1))
          expect(update.log).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z line \d+\n$/);
        expect(run.of(c, 'stop_log_stream ack')).toEqual([{ status: 'stream_stopped' }]);
        expect(run.of(c, 'log_stream_stopped')).toEqual([
          { container_id: logged, message: 'Log stream stopped' },
        ]);
        expect(run.of(c, 'error')).toEqual([]);
      }
    },
    90_000,
  );
});

/** Every event a socket.io-client gets, with all its arguments. */
function allArguments(client: Client): Array<[string, unknown[]]> {
  const seen: Array<[string, unknown[]]> = [];
  client.onAny((event: string, ...args: unknown[]) => seen.push([event, args]));
  return seen;
}

function recovering(base: string): Client {
  return io(base, {
    path: '/socket.io',
    auth: { token: TEST_TOKEN, recover: true },
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 500,
  });
}

describe('socket.io-client', () => {
  it.each(['one', 'two'] as const)(
    'without the opt-in gets exactly the original arguments, with it an offset too (%s worker(s))',
    async (server) => {
      const { base } = servers[server];
      const plainClients = Array.from({ length: 4 }, () => connect(base));
      const recoveringClients = Array.from({ length: 4 }, () => recovering(base));
      try {
        const plain = plainClients.map(allArguments);
        const withOffsets = recoveringClients.map(allArguments);
        const everyone = [...plain, ...withOffsets];
        await until('every initial state', () =>
          everyone.every((seen) => seen.some(([e]) => e === 'initial_state')),
        );
        for (const client of [plainClients[0]!, recoveringClients[0]!])
          expect(
            await client.timeout(10_000).emitWithAck('start_log_stream', { container_id: logged }),
          ).toEqual({ status: 'stream_started' });
        docker('stop', '-t', '0', watched);
        await until('the stop everywhere', () =>
          everyone.every((seen) =>
            seen.some(
              ([e, [p]]) => e === 'container_state_changed' && (p as Line).name === watched,
            ),
          ),
        );
        const started = await request(`${base}/api/containers/${watched}/start`, {
          method: 'POST',
        });
        expect(started.status).toBe(200);
        await until('the action and the start everywhere', () =>
          everyone.every(
            (seen) =>
              seen.some(([e]) => e === 'container_action') &&
              seen.filter(
                ([e, [p]]) => e === 'container_state_changed' && (p as Line).name === watched,
              ).length === 2,
          ),
        );
        await until('live log lines', () =>
          [plain[0]!, withOffsets[0]!].every(
            (seen) => seen.filter(([e]) => e === 'log_update').length >= 5,
          ),
        );

        for (const seen of plain) {
          expect(seen.length).toBeGreaterThan(4);
          for (const [event, args] of seen) expect([event, args.length]).toEqual([event, 1]);
        }
        for (const seen of withOffsets) {
          const kinds = new Set(seen.map(([e]) => e));
          for (const event of [
            'connection_established',
            'container_state_changed',
            'container_action',
          ])
            expect(kinds).toContain(event);
          for (const [event, args] of seen) {
            // Events for itself alone carry none but log lines; broadcasts carry their offset.
            if (event === 'initial_state') expect(args).toHaveLength(1);
            else {
              expect([event, args.length]).toEqual([event, 2]);
              expect(typeof args[1]).toBe('string');
            }
          }
        }
      } finally {
        for (const client of [...plainClients, ...recoveringClients]) client.disconnect();
      }
    },
    60_000,
  );

  it('without the opt-in starts afresh after a dropped connection; with it, recovers', async () => {
    const { base } = servers.one;
    const plain = io(base, {
      path: '/socket.io',
      auth: { token: TEST_TOKEN },
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 500,
    });
    const asked = recovering(base);
    try {
      const seen = [allArguments(plain), allArguments(asked)];
      await until('both connected', () =>
        seen.every((s) => s.some(([e]) => e === 'initial_state')),
      );
      const ids = [plain.id, asked.id];
      for (const client of [plain, asked]) client.io.engine.close();
      await until('both dropped', () => plain.disconnected && asked.disconnected);
      await until('both back', () => plain.connected && asked.connected, 10_000);
      expect([plain.recovered, asked.recovered]).toEqual([false, true]);
      expect(plain.id).not.toBe(ids[0]);
      expect(asked.id).toBe(ids[1]);
      await until(
        'a fresh initial state for the plain one',
        () => seen[0]!.filter(([e]) => e === 'initial_state').length === 2,
      );
      expect(seen[1]!.filter(([e]) => e === 'initial_state')).toHaveLength(1);
    } finally {
      plain.disconnect();
      asked.disconnect();
    }
  });
});
