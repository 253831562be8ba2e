/**
 * A worker is handed connections only once its engine's first try has connected (or failed):
 * with the engine slow to answer, the first request after boot meets the model, never a 503
 * "connecting". The same holds for a worker that replaces one (a reload).
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { EngineProxy } from './engine-proxy.js';
import { Dwi, freePort, request, until } from './harness.js';

const engine = { host: inject('dockerHost') };
const proxy = new EngineProxy();
let base: string;
let dwi: Dwi;

beforeAll(async () => {
  await proxy.start(engine.host.replace('unix://', ''));
  // A first try that takes 2 s: the engine's info, asked before anything else.
  proxy.hold(/^GET \S*\/info$/, 2000);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '1'], {
    env: { DWI_DOCKER_HOST: `unix://${proxy.path}` },
    waitPath: '/api/health',
  });
});

afterAll(async () => {
  await dwi?.stop();
  proxy.close();
});

it('answers the first request after boot from the engine, not "connecting"', async () => {
  const list = await request(`${base}/api/containers`);
  expect(list.status, list.body).toBe(200);
});

it('answers every request while a reload replaces the worker', async () => {
  const before = dwi.workerPids();
  dwi.signal('SIGHUP');
  // Asked through the whole hand-over: the old worker answers until the new one is ready.
  const statuses: number[] = [];
  await until(
    'the replacement worker to take over',
    async () => {
      const reply = await request(`${base}/api/containers`);
      statuses.push(reply.status);
      const now = dwi.workerPids();
      return now.length === 1 && !before.includes(now[0]!) ? true : undefined;
    },
    20_000,
  );
  // The new worker's first try takes 2 s: asked all the while, never refused.
  expect(statuses.length).toBeGreaterThan(2);
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  expect((await request(`${base}/api/containers`)).status).toBe(200);
});
