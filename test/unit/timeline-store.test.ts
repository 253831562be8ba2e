import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/server/store/index.js';
import type { NewTimelineEvent } from '../../src/server/store/timeline.js';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dwi-timeline-'));
  store = Store.open(dir);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const BASE_MS = Date.UTC(2026, 10, 30, 12);

/** The `n`th event of a container, `n` seconds after BASE_MS. */
function event(n: number, overrides: Partial<NewTimelineEvent> = {}): NewTimelineEvent {
  const ms = BASE_MS + n * 1000;
  return {
    time: new Date(ms).toISOString(),
    time_nano: `${BigInt(ms) * 1_000_000n}`,
    type: 'container',
    action: 'start',
    actor_id: 'c1'.padEnd(64, '0'),
    actor_name: 'web',
    project: 'shop',
    origin: 'outside',
    username: null,
    request_id: null,
    attributes: { image: 'nginx' },
    ...overrides,
  };
}

describe('the timeline store', () => {
  it('keeps an event heard twice once, and answers only what was new', () => {
    const first = store.timeline.record([event(1), event(2, { action: 'die' })]);
    expect(first.map((e) => [e.id, e.action])).toEqual([
      [1, 'start'],
      [2, 'die'],
    ]);
    expect(first[0]!.attributes).toEqual({ image: 'nginx' });
    // A recorder hand-over: the next holder hears the last event again.
    const again = store.timeline.record([
      event(2, { action: 'die' }),
      event(3, { action: 'stop' }),
    ]);
    expect(again.map((e) => e.action)).toEqual(['stop']);
    expect(store.timeline.list({ limit: 10 }).map((e) => e.action)).toEqual([
      'stop',
      'die',
      'start',
    ]);
    expect(store.timeline.newestNano()).toBe(event(3).time_nano);
  });

  it('filters by actor (id or name), project, type, user and time, and pages by id', () => {
    store.timeline.record([
      event(1),
      event(2, { actor_id: 'c2'.padEnd(64, '0'), actor_name: 'db', project: null }),
      event(3, { type: 'image', actor_id: 'sha256:aa', actor_name: 'nginx:1', project: null }),
      event(4, { action: 'stop', origin: 'dwi', username: 'ada', request_id: 'r-1' }),
      event(5, { action: 'die', attributes: { exitCode: '3' } }),
    ]);
    const actions = (query: Parameters<typeof store.timeline.list>[0]) =>
      store.timeline.list(query).map((e) => `${e.actor_name} ${e.action}`);
    expect(actions({ limit: 10, actor: 'web' })).toEqual(['web die', 'web stop', 'web start']);
    expect(actions({ limit: 10, actor: 'c2'.padEnd(64, '0') })).toEqual(['db start']);
    expect(actions({ limit: 10, project: 'shop', username: 'ada' })).toEqual(['web stop']);
    expect(actions({ limit: 10, username: 'outside', type: 'container' })).toEqual([
      'web die',
      'db start',
      'web start',
    ]);
    expect(actions({ limit: 10, type: 'image' })).toEqual(['nginx:1 start']);
    expect(actions({ limit: 10, since: event(2).time, until: event(4).time })).toEqual([
      'nginx:1 start',
      'db start',
    ]);
    const page = store.timeline.list({ limit: 2 });
    expect(page.map((e) => e.id)).toEqual([5, 4]);
    expect(store.timeline.list({ limit: 2, before: 4 }).map((e) => e.id)).toEqual([3, 2]);
  });

  it('keeps rows by age and by count, in bounded steps', () => {
    const old = Date.now() - 10 * 86_400_000;
    store.timeline.record(
      Array.from({ length: 30 }, (_, i) =>
        event(i, { time: new Date(old + i * 1000).toISOString() }),
      ),
    );
    store.timeline.record(
      Array.from({ length: 30 }, (_, i) => event(100 + i, { time: new Date().toISOString() })),
    );
    // Older than 7 days: 30 rows, 20 a step.
    expect(store.timeline.purge({ days: 7, maxRows: 1000 }, 20)).toBe(20);
    expect(store.timeline.purge({ days: 7, maxRows: 1000 }, 20)).toBe(10);
    expect(store.timeline.purge({ days: 7, maxRows: 1000 }, 20)).toBe(0);
    // Past the newest 25: the 5 oldest of the rest.
    expect(store.timeline.purge({ days: 7, maxRows: 25 }, 20)).toBe(5);
    const left = store.timeline.list({ limit: 100 });
    expect(left).toHaveLength(25);
    expect(left.at(-1)!.time_nano).toBe(event(105).time_nano);
  });
});

describe('leases', () => {
  it('lets one holder at a time do a job, until it stops renewing or gives it up', () => {
    const t = 1_000_000;
    expect(store.leases.hold('recorder', 'worker-1', 10_000, t)).toBe(true);
    expect(store.leases.hold('recorder', 'worker-2', 10_000, t + 1)).toBe(false);
    expect(store.leases.holder('recorder', t + 1)).toBe('worker-1');
    expect(store.leases.holder('recorder', t + 10_001)).toBeUndefined();
    // Renewed by its holder, it lasts from then.
    expect(store.leases.hold('recorder', 'worker-1', 10_000, t + 9_000)).toBe(true);
    expect(store.leases.hold('recorder', 'worker-2', 10_000, t + 12_000)).toBe(false);
    // Lapsed: another takes it, and the first no longer has it.
    expect(store.leases.hold('recorder', 'worker-2', 10_000, t + 19_000)).toBe(true);
    expect(store.leases.hold('recorder', 'worker-1', 10_000, t + 19_001)).toBe(false);
    // Given up: taken at once.
    store.leases.release('recorder', 'worker-2');
    expect(store.leases.hold('recorder', 'worker-1', 10_000, t + 19_002)).toBe(true);
    // Another name is another lease.
    expect(store.leases.hold('sampler', 'worker-2', 10_000, t + 19_002)).toBe(true);
  });
});
