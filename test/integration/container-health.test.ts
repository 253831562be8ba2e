/**
 * A container's health check verdict, live: read from the engine's list when a container is
 * (re)read, kept from its health_status events, and sent out as container_state_changed.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { dockerCli, HEALTHY_WHILE_OK, runShell } from '../support/engine.js';
import { Dwi, freePort, request, until } from './harness.js';
import { connect, record, type Seen } from './sockets.js';

const engine = { host: inject('dockerHost') };
const name = `health-${Math.random().toString(36).slice(2, 7)}`;
let dwi: Dwi;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
});

afterAll(async () => {
  await dwi?.stop();
  dockerCli(engine, ['rm', '-f', name]);
});

async function listedHealth(): Promise<unknown> {
  const reply = await request(`${base}/api/containers?name=${name}`);
  return (reply.json().data as Array<{ name: string; health: unknown }>).find(
    (c) => c.name === name,
  )?.health;
}

/** The container_state_changed payloads this client got for the container, in order. */
const changes = (seen: Seen) =>
  seen
    .filter(([event, c]) => event === 'container_state_changed' && c.name === name)
    .map(([, c]) => c);

it('goes starting, healthy, unhealthy, and clears on stop, each change sent live', async () => {
  const client = connect(base);
  const seen = record(client);
  await until('the initial state', () => seen.some(([event]) => event === 'initial_state'));

  runShell(engine, name, 'sleep 2; echo ok > /ok; sleep 600', HEALTHY_WHILE_OK);
  await until('healthy over the socket', () => changes(seen).some((c) => c.health === 'healthy'));
  expect(await listedHealth()).toBe('healthy');

  dockerCli(engine, ['exec', name, 'busybox', 'rm', '/ok']);
  await until('unhealthy over the socket', () =>
    changes(seen).some((c) => c.health === 'unhealthy'),
  );
  expect(await listedHealth()).toBe('unhealthy');

  dockerCli(engine, ['stop', '-t', '0', name]);
  await until('the stop over the socket', () =>
    changes(seen).some((c) => c.state === 'stopped' && c.status === 'exited'),
  );
  expect(await listedHealth()).toBeNull();

  const sent = changes(seen);
  // Each verdict once, in order, while running; a stopped container has none.
  expect(sent.filter((c) => c.health !== null).map((c) => [c.state, c.health])).toEqual([
    ['running', 'starting'],
    ['running', 'healthy'],
    ['running', 'unhealthy'],
  ]);
  expect(sent.at(-1)).toMatchObject({ state: 'stopped', status: 'exited', health: null });
  expect(sent.every((c) => c.container_id === c.id)).toBe(true);
});
