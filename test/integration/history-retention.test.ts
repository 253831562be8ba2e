/**
 * The history's retention with low limits, in a real dwi: the primary purges at start what is
 * past its keep, by age and by count, in every history table; what is new stays; and a store
 * filled again and purged again reuses its pages rather than growing.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { Store } from '../../src/server/store/index.js';
import type { NewCrash } from '../../src/server/store/crashes.js';
import type { NewTimelineEvent } from '../../src/server/store/timeline.js';
import { Dwi, freePort, request, seededDataDir, until } from './harness.js';

const DAY_MS = 86_400_000;
/** The limits here: a day of timeline, at most 1,000 rows; crashes a day; samples a day. */
const LIMITS = [
  '--timeline-retention-days',
  '1',
  '--timeline-max-rows',
  '1000',
  '--crash-retention-days',
  '1',
  '--metrics-sample-days',
  '1',
  '--metrics-minute-days',
  '1',
  // No sampler and no engine traffic of its own: the rows here are the test's.
  '--metrics-interval',
  '0',
  // The purge says what it deleted at info.
  '--log-level',
  'info',
];
let dataDir: string;

beforeAll(async () => {
  dataDir = await seededDataDir();
});

const event = (n: number, ms: number): NewTimelineEvent => ({
  time: new Date(ms).toISOString(),
  time_nano: `${BigInt(ms) * 1_000_000n + BigInt(n % 1_000_000)}`,
  type: 'container',
  action: 'start',
  actor_id: `${n}`.padStart(64, '0'),
  actor_name: `retained-${n}`,
  project: null,
  origin: 'outside',
  username: null,
  request_id: null,
  attributes: { image: 'busybox', filler: 'x'.repeat(200) },
});

const crash = (name: string, ms: number): NewCrash => ({
  at: new Date(ms).toISOString(),
  container_id: name.padStart(64, '0'),
  container_name: name,
  project: null,
  image: 'busybox',
  reason: 'exit',
  exit_code: 3,
  oom_killed: false,
  health_log: [],
  config: {
    command: ['sh'],
    restart_policy: 'no',
    restart_count: 0,
    memory_limit_bytes: 0,
    started_at: null,
    finished_at: null,
  },
  last_lines: Array.from({ length: 50 }, (_, i) => `2026-01-01T00:00:00Z line ${i}`),
  streams: '1'.repeat(50),
  lines_error: null,
});

/** `count` timeline rows past the keep and as many new, numbered from `from`. */
function fillTimeline(from: number, count: number): void {
  const store = Store.open(dataDir);
  try {
    const now = Date.now();
    store.timeline.record(
      Array.from({ length: count }, (_, i) => event(from + i, now - 10 * DAY_MS + i)),
    );
    store.timeline.record(
      Array.from({ length: count }, (_, i) => event(from + count + i, now - 60_000 + i)),
    );
  } finally {
    store.close();
  }
}

/** `count` timeline rows old and new, and old and new crash reports and metrics samples. */
function fill(from: number, count: number): void {
  fillTimeline(from, count);
  const store = Store.open(dataDir);
  try {
    const now = Date.now();
    const old = now - 10 * DAY_MS;
    for (let i = 0; i < 20; i++) {
      store.crashes.record(crash(`old-${from}-${i}`, old), 60_000);
      store.crashes.record(crash(`new-${from}-${i}`, now - 60_000), 60_000);
    }
    const samples = (t: number) =>
      Array.from({ length: 50 }, (_, i) => ({
        container_id: `${i}`.padStart(64, 'c'),
        t,
        cpu_percent: 1,
        memory_bytes: 1000,
        rx_bytes_per_s: 0,
        tx_bytes_per_s: 0,
        read_bytes_per_s: 0,
        write_bytes_per_s: 0,
      }));
    const nowS = Math.floor(now / 1000);
    for (let k = 0; k < 20; k++) {
      store.metrics.add(10, samples(nowS - 10 * 86_400 + k * 10));
      store.metrics.add(10, samples(nowS - 600 + k * 10));
    }
  } finally {
    store.close();
  }
}

/**
 * Starts dwi with the low limits, waits for its first purge, and stops it; its log line. Its
 * engine is an address where none answers: the purge is the primary's, and nothing recorded
 * from the test engine (shared with other files) comes between the fills and the figures.
 */
let history: Awaited<ReturnType<typeof request>>;

async function purgeOnce(): Promise<string> {
  const port = await freePort();
  const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, ...LIMITS], {
    env: { DWI_DATA_DIR: dataDir, DWI_DOCKER_HOST: `unix://${join(dataDir, 'no-engine.sock')}` },
    waitPath: '/api/health',
  });
  try {
    const line = await until('the first purge', () =>
      dwi.stderr.split('\n').find((l) => l.includes('retention: deleted')),
    );
    history = await request(`http://127.0.0.1:${port}/api/host/metrics`);
    return line;
  } finally {
    await dwi.stop();
  }
}

function rows(): {
  timeline: number;
  oldTimeline: number;
  crashes: number;
  oldCrashes: number;
  metrics: number;
} {
  const store = Store.open(dataDir);
  try {
    // The test's rows (dwi records the engine's own events beside them).
    const timeline = store.timeline
      .list({ limit: 1_000_000 })
      .filter((e) => e.actor_name?.startsWith('retained-'));
    const crashes = store.crashes.list({ limit: 1000 });
    const since = Math.floor((Date.now() - DAY_MS) / 1000);
    const kept = store.metrics.series(
      null,
      { from: since - 20 * 86_400, to: Math.floor(Date.now() / 1000) + 1, step: 10 },
      { sampleStep: 10, sampleKeep: 365 * 86_400, minuteKeep: 365 * 86_400 },
      Math.floor(Date.now() / 1000),
    );
    return {
      timeline: timeline.length,
      oldTimeline: timeline.filter((e) => Date.parse(e.time) < Date.now() - DAY_MS).length,
      crashes: crashes.length,
      oldCrashes: crashes.filter((c) => c.container_name.startsWith('old-')).length,
      metrics: kept.t.filter((t) => t < since).length,
    };
  } finally {
    store.close();
  }
}

const fileSize = () => {
  const db = join(dataDir, 'dwi.db');
  const wal = `${db}-wal`;
  let size = statSync(db).size;
  try {
    size += statSync(wal).size;
  } catch {
    // No log beside it.
  }
  return size;
};

it('purges old rows of every history table and keeps the new, within the row limit', async () => {
  fill(0, 3000);
  const line = await purgeOnce();
  expect(line).toMatch(/deleted \d+ audit rows, 5000 timeline rows, 20 crash reports/);
  const after = rows();
  // 3,000 old ones went by age, then the oldest 2,000 of the 3,000 new past the 1,000 kept.
  expect(after).toMatchObject({ timeline: 1000, oldTimeline: 0, crashes: 20, oldCrashes: 0 });
  expect(after.metrics).toBe(0);
  // With the sampler off (metrics_interval 0) the history still answers, as minutes.
  expect(history.status, history.body).toBe(200);
  expect(history.json().data.step).toBe(60);
});

it('reuses the space it freed: past its row limit again and again, the file does not grow', async () => {
  // Once more, so the file has held a whole fill beside what is kept.
  fillTimeline(100_000, 3000);
  await purgeOnce();
  const steady = fileSize();
  for (const from of [200_000, 300_000, 400_000]) {
    fillTimeline(from, 3000);
    await purgeOnce();
  }
  expect(rows()).toMatchObject({ timeline: 1000, oldTimeline: 0, oldCrashes: 0 });
  // Each fill takes the pages the purge before it freed: none are added.
  expect(fileSize()).toBeLessThanOrEqual(steady * 1.02);
});
