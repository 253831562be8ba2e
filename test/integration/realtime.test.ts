import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { counterScript, dockerCli, runShell, TEST_IMAGE } from '../engine/engine.js';
import { Dwi, freePort, request, until } from './harness.js';
import { connect as connectTo, record, type Client } from './sockets.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const suffix = Math.random().toString(36).slice(2, 7);
const ticker = `ticker-${suffix}`;
const victim = `victim-${suffix}`;

let dwi: Dwi;
let url: string;

const connect = (transports?: Array<'websocket' | 'polling'>): Client => connectTo(url, transports);

beforeAll(async () => {
  runShell(engine, ticker, counterScript('tick'));
  docker('run', '-d', '--init', '--name', victim, TEST_IMAGE, 'sleep', '600');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
});

afterAll(async () => {
  await dwi?.stop();
  for (const name of [ticker, victim]) {
    try {
      docker('rm', '-f', name);
    } catch {
      // Gone.
    }
  }
});

describe('the Socket.IO contract', () => {
  it('greets with connection_established, then initial_state keyed container_id', async () => {
    const client = connect();
    const seen = record(client);
    await until('the initial state', () => seen.some(([event]) => event === 'initial_state'));
    expect(seen[0]?.[0]).toBe('connection_established');
    expect(seen[0]?.[1]).toEqual({ message: expect.any(String) });
    const [, state] = seen.find(([event]) => event === 'initial_state')!;
    const mine = state.containers.find((c: { name: string }) => c.name === victim);
    expect(mine).toMatchObject({
      name: victim,
      state: 'running',
      status: 'running',
      image: TEST_IMAGE,
    });
    expect(mine.container_id).toBe(mine.id);
  });

  it('sends container_state_changed, flat, once per change, and "deleted" for a removed one', async () => {
    const client = connect();
    const seen = record(client);
    await until('connected', () => seen.some(([event]) => event === 'initial_state'));
    docker('stop', '-t', '0', victim);
    await until('the stop', () =>
      seen.some(
        ([e, p]) => e === 'container_state_changed' && p.name === victim && p.state === 'stopped',
      ),
    );
    docker('rm', victim);
    await until('the removal', () =>
      seen.some(
        ([e, p]) => e === 'container_state_changed' && p.name === victim && p.state === 'deleted',
      ),
    );
    const changes = seen
      .filter(([e, p]) => e === 'container_state_changed' && p.name === victim)
      .map(([, p]) => p);
    expect(changes.map((c) => c.state)).toEqual(['stopped', 'deleted']);
    expect(changes[0]).toMatchObject({
      container_id: changes[0].id,
      status: 'exited',
      compose_project: 'Standalone Containers',
      project: null,
    });
  });

  it('streams logs: the last 100 lines as one chunk, then one timestamped line per message, none twice', async () => {
    await until(
      'the ticker to have 100 lines',
      () => docker('logs', '--tail', '120', ticker).split('\n').length >= 110,
    );
    const client = connect();
    const seen = record(client);
    const ack = await client
      .timeout(10_000)
      .emitWithAck('start_log_stream', { container_id: ticker });
    expect(ack).toEqual({ status: 'stream_started' });
    await until('live lines', () => seen.filter(([e]) => e === 'log_update').length >= 10);
    const updates = seen.filter(([e]) => e === 'log_update').map(([, p]) => p);
    expect(updates.every((u) => u.container_id === ticker)).toBe(true);
    const first = updates[0].log.trimEnd().split('\n');
    expect(first).toHaveLength(100);
    for (const update of updates.slice(1))
      expect(update.log).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z tick \d+\n$/);
    const ticks = updates
      .flatMap((u) => u.log.trimEnd().split('\n'))
      .map((l: string) => Number(l.split(' tick ')[1]));
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBe(ticks[i - 1]! + 1);

    const stopped = await client
      .timeout(5000)
      .emitWithAck('stop_log_stream', { container_id: ticker });
    expect(stopped).toEqual({ status: 'stream_stopped' });
    await until('log_stream_stopped', () => seen.some(([e]) => e === 'log_stream_stopped'));
    expect(seen.find(([e]) => e === 'log_stream_stopped')![1]).toEqual({
      container_id: ticker,
      message: 'Log stream stopped',
    });
    const count = seen.filter(([e]) => e === 'log_update').length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.filter(([e]) => e === 'log_update').length).toBe(count);
  });

  it('answers an unknown container and a bad payload with an error ack and an error event', async () => {
    const client = connect();
    const seen = record(client);
    const missing = await client
      .timeout(5000)
      .emitWithAck('start_log_stream', { container_id: 'no-such-container' });
    expect(missing).toEqual({
      status: 'error',
      error: 'No such container: no-such-container',
      code: 'not_found',
    });
    const bad = await client.timeout(5000).emitWithAck('start_log_stream', { id: 5 } as never);
    expect(bad).toMatchObject({ status: 'error', code: 'bad_request' });
    await until('two error events', () => seen.filter(([e]) => e === 'error').length === 2);
  });

  it('leaves no engine log stream open after 200 clients that subscribe and go away', async () => {
    for (let round = 0; round < 200; round++) {
      const client = connect();
      if (round % 2 === 0) {
        await client.timeout(10_000).emitWithAck('start_log_stream', { container_id: ticker });
      } else {
        // Gone before its stream is even open.
        await new Promise((resolve) => client.once('connect', () => resolve(undefined)));
        client.emit('start_log_stream', { container_id: ticker });
      }
      client.disconnect();
    }
    // While one client follows the ticker, one stream is open: the figure is real.
    const watcher = connect();
    await watcher.timeout(10_000).emitWithAck('start_log_stream', { container_id: ticker });
    await until('one stream open', async () =>
      /^dwi_log_streams_open 1$/m.test((await request(`${url}/metrics`)).body) ? true : undefined,
    );
    watcher.disconnect();
    const metrics = await until('the streams closed', async () => {
      const text = (await request(`${url}/metrics`)).body;
      return /^dwi_log_streams_open 0$/m.test(text) ? text : undefined;
    });
    expect(metrics).toMatch(/^dwi_socketio_clients \d+$/m);
  });

  it('works over long-polling too', async () => {
    const client = connect(['polling']);
    const seen = record(client);
    await until('the initial state over polling', () =>
      seen.some(([event]) => event === 'initial_state'),
    );
    expect(client.io.engine.transport.name).toBe('polling');
  });
});

describe('with two workers', () => {
  it('clients on each worker get the same state changes, over polling and websocket alike', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const two = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '2']);
    try {
      await until('2 workers', () => two.workerPids().length === 2);
      const mover = `mover-${suffix}`;
      docker('run', '-d', '--init', '--name', mover, TEST_IMAGE, 'sleep', '600');
      const fleet = Array.from({ length: 9 }, (_, i) => {
        // Polling only, websocket only, and the default (polling, then upgraded).
        const transports: Array<'polling' | 'websocket'> =
          i % 3 === 0 ? ['polling'] : i % 3 === 1 ? ['websocket'] : ['polling', 'websocket'];
        const client = connectTo(base, transports);
        return { client, seen: record(client) };
      });
      await until('every client to have its initial state', () =>
        fleet.every(({ seen }) => seen.some(([event]) => event === 'initial_state')),
      );
      // Polling clients poll many times: every request must reach the worker of its session.
      const logged = fleet[0]!.client;
      for (let i = 0; i < 5; i++) {
        const ack = await logged
          .timeout(10_000)
          .emitWithAck('start_log_stream', { container_id: mover });
        expect(ack).toEqual({ status: 'stream_started' });
        await logged.timeout(10_000).emitWithAck('stop_log_stream', { container_id: mover });
      }
      docker('stop', '-t', '0', mover);
      await until('every client to see the stop', () =>
        fleet.every(({ seen }) =>
          seen.some(
            ([e, p]) =>
              e === 'container_state_changed' && p.name === mover && p.state === 'stopped',
          ),
        ),
      );
      for (const { client, seen } of fleet) {
        expect(client.connected).toBe(true);
        // Each worker emits what its own model saw: a change reaches each client once.
        const stops = seen.filter(
          ([e, p]) => e === 'container_state_changed' && p.name === mover && p.state === 'stopped',
        );
        expect(stops).toHaveLength(1);
      }
      // An action run through one worker reaches the clients of both (the cluster adapter).
      const started = await request(`${base}/api/containers/${mover}/start`, { method: 'POST' });
      expect(started.status).toBe(200);
      await until('every client to hear of the action', () =>
        fleet.every(({ seen }) =>
          seen.some(([e, p]) => e === 'container_action' && p.name === mover),
        ),
      );
      for (const { seen } of fleet) {
        const actions = seen.filter(([e]) => e === 'container_action');
        expect(actions).toHaveLength(1);
        expect(actions[0]![1]).toEqual({
          container_id: expect.stringMatching(/^[0-9a-f]{64}$/),
          name: mover,
          action: 'start',
          message: `Container ${mover} started`,
        });
      }
      const pids = new Set<number>();
      for (let i = 0; i < 10; i++) pids.add((await request(`${base}/api/health`)).json().data.pid);
      expect(pids.size).toBe(2);
      docker('rm', '-f', mover);
    } finally {
      await two.stop();
    }
  });
});
