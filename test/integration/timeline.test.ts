/**
 * The timeline with two workers: one records for all (the holder of the "timeline" lease).
 * What the docker CLI did is there as done outside dwi; what a user did through dwi carries
 * the user, whichever worker served the request; nothing twice; new rows go out live; and when
 * the recording worker dies, another takes over and records what happened meanwhile.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Store } from '../../src/server/store/index.js';
import type { TimelineEvent } from '../../src/shared/timeline.js';
import { dockerCli, TEST_IMAGE } from '../support/engine.js';
import { Dwi, freePort, request, seededDataDir, until } from './harness.js';
import { connect, record } from './sockets.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const suffix = Math.random().toString(36).slice(2, 7);
const name = `tl-${suffix}`;
/** Only the docker CLI touches it. */
const outside = `tl-cli-${suffix}`;
let dwi: Dwi;
let base: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = await seededDataDir();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '2'], {
    env: { DWI_DATA_DIR: dataDir },
  });
});

afterAll(async () => {
  await dwi?.stop();
  for (const container of [name, outside]) {
    try {
      docker('rm', '-f', container);
    } catch {
      // Never made.
    }
  }
});

async function eventsOf(container: string): Promise<TimelineEvent[]> {
  const reply = await request(`${base}/api/events?container=${container}&limit=1000`);
  expect(reply.status).toBe(200);
  return (reply.json().data.events as TimelineEvent[]).reverse();
}

const actions = (events: TimelineEvent[]) => events.map((e) => e.action);

/** No engine event twice: each (time, action) once. */
function expectOnce(events: TimelineEvent[]): void {
  const keys = events.map((e) => `${e.time_nano} ${e.action}`);
  expect(new Set(keys).size).toBe(keys.length);
}

describe('the timeline', () => {
  it('records the CLI as outside and a user through dwi by name, once, and live', async () => {
    const client = connect(base);
    const seen = record(client);
    await until('the initial state', () => seen.some(([event]) => event === 'initial_state'));

    docker('run', '-d', '--init', '--name', name, TEST_IMAGE, 'sleep', '600');
    const started = await until('the CLI start recorded', async () => {
      const events = await eventsOf(name);
      return events.some((e) => e.action === 'start') ? events : undefined;
    });
    expect(actions(started)).toEqual(['create', 'start']);
    for (const event of started) {
      expect(event).toMatchObject({ type: 'container', actor_name: name, origin: 'outside' });
      expect(event.username).toBeNull();
    }

    // Served by either worker: the action is noted in the store, where the recorder reads it.
    const stop = await request(`${base}/api/containers/${name}/stop?timeout=0`, { method: 'POST' });
    expect(stop.status).toBe(200);
    const stopped = await until('the stop recorded', async () => {
      const events = await eventsOf(name);
      return events.some((e) => e.action === 'stop') ? events : undefined;
    });
    const byDwi = stopped.filter((e) => e.origin === 'dwi');
    expect(actions(byDwi)).toEqual(expect.arrayContaining(['kill', 'die', 'stop']));
    for (const event of byDwi) {
      expect(event.username).toBe('admin');
      expect(event.request_id).toBe(stop.headers['x-request-id']);
    }
    // The die says how it ended, as the engine's attributes do.
    expect(byDwi.find((e) => e.action === 'die')!.attributes.exitCode).toMatch(/^\d+$/);
    expectOnce(stopped);

    // Live: the rows came over the socket too, as recorded.
    const live = await until('timeline_event with the stop', () => {
      const rows = seen
        .filter(([event]) => event === 'timeline_event')
        .flatMap(([, payload]) => payload.events as TimelineEvent[])
        .filter((e) => e.actor_name === name);
      return rows.some((e) => e.action === 'stop') ? rows : undefined;
    });
    expect(live.find((e) => e.action === 'stop')).toEqual(stopped.find((e) => e.action === 'stop'));
    client.disconnect();
  });

  it('goes on in another worker when the recording one dies, missing nothing meanwhile', async () => {
    const store = Store.open(dataDir);
    let holder: string | undefined;
    try {
      holder = store.leases.holder('timeline');
    } finally {
      store.close();
    }
    const pid = Number(/pid (\d+)/.exec(holder ?? '')?.[1]);
    expect(dwi.workerPids()).toContain(pid);
    process.kill(pid, 'SIGKILL');
    // While nobody records (the lease lapses after a few seconds).
    docker('run', '-d', '--init', '--name', outside, TEST_IMAGE, 'sleep', '600');
    docker('stop', '-t', '0', outside);
    const after = await until(
      'the events of the gap recorded',
      async () => {
        const events = await eventsOf(outside);
        return events.some((e) => e.action === 'stop') ? events : undefined;
      },
      30_000,
    );
    expect(actions(after)).toEqual(
      expect.arrayContaining(['create', 'start', 'kill', 'die', 'stop']),
    );
    for (const event of after) expect(event.origin).toBe('outside');
    expectOnce(after);
  });
});
