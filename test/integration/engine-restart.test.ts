import { describe, expect, it } from 'vitest';
import { startDaemon, stopDaemon, TEST_IMAGE } from '../engine/engine.js';
import { request, until } from './harness.js';
import { useOwnEngine } from './own-engine.js';

// Its own engine: this file stops and starts it.
const own = useOwnEngine(({ docker }) => {
  docker('run', '-d', '--init', '--name', 'survivor', TEST_IMAGE, 'sleep', '600');
});
const { docker } = own;

/** The engine's own view: id -> state, from `docker ps -a`. */
function engineStates(): Record<string, string> {
  const out = docker('ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.State}}');
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]),
  );
}

async function dwiStates(): Promise<Record<string, string> | undefined> {
  const reply = await request(`${own.base}/api/containers`);
  if (reply.status !== 200) return undefined;
  return Object.fromEntries(
    (reply.json().data as Array<{ id: string; status: string }>).map((c) => [c.id, c.status]),
  );
}

describe('the engine going away and coming back', () => {
  it('answers 503 meanwhile, stays up, and is correct again after', async () => {
    expect(await dwiStates()).toEqual(engineStates());
    await stopDaemon(own.engine);

    const down = await until('503 from the container list', async () => {
      const reply = await request(`${own.base}/api/containers`);
      return reply.status === 503 ? reply : undefined;
    });
    expect(down.json()).toMatchObject({ status: 'error', code: 'engine_unavailable' });
    const ready = await request(`${own.base}/api/ready`);
    expect(ready.status).toBe(503);
    expect(ready.json().data.checks.engine.ok).toBe(false);
    expect((await request(`${own.base}/api/health`)).status).toBe(200);
    const action = await request(`${own.base}/api/containers/survivor/stop`, { method: 'POST' });
    expect(action.status).toBe(503);
    expect(action.json().code).toBe('engine_unavailable');

    await startDaemon(own.engine);
    // While it was down its containers died and one more comes now: the model must catch up.
    docker('run', '-d', '--init', '--name', 'newcomer', TEST_IMAGE, 'sleep', '600');
    await until('the model to equal the engine', async () => {
      const ours = await dwiStates();
      return (
        ours !== undefined &&
        JSON.stringify(sorted(ours)) === JSON.stringify(sorted(engineStates()))
      );
    });
    expect(Object.keys(engineStates())).toHaveLength(2);
    expect((await request(`${own.base}/api/ready`)).status).toBe(200);
    expect(own.dwi.child.exitCode).toBeNull();
  });
});

function sorted(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
