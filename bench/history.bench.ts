/**
 * History benchmarks (issue 14), on a private engine, each against a baseline in the same run:
 * - the metrics sampler's cost with 50 running containers: CPU of dwi, and CPU of the engine
 *   (dockerd, containerd and the containers' shims), with the sampler off and on;
 * - the timeline's writes: a burst of engine events (1,000 container starts and kills, and the
 *   dies they bring) recorded without loss, at the rate the engine emits them.
 * Loopback and unix sockets only; every loop is bounded.
 */
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  startTestEngine,
  stopTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../test/engine/engine.js';
import { childPids } from '../test/support/dwi.js';
import { BENCH_TOKEN, cpuSeconds, pidsNaming, startDwi, type RunningDwi } from './dwi.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const results: string[] = [];
let engine: TestEngine;
const engineAgent = new Agent({ keepAlive: true, maxSockets: 16 });

function call(
  target: { socketPath: string } | { port: number },
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        ...('socketPath' in target
          ? { socketPath: target.socketPath, agent: engineAgent }
          : { host: '127.0.0.1', port: target.port }),
        path,
        method,
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...('port' in target ? { authorization: `Bearer ${BENCH_TOKEN}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const raw = (path: string, method = 'GET', body?: unknown) =>
  call({ socketPath: engine.socket }, path, method, body);

/** Runs `task` on each of `items`, `concurrency` at a time. */
async function eachAtOnce<T>(items: T[], concurrency: number, task: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

async function createContainers(count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  await eachAtOnce([...Array(count).keys()], 8, async (i) => {
    const created = await raw(`/containers/create?name=${prefix}-${i}`, 'POST', {
      Image: TEST_IMAGE,
      Cmd: ['sleep', '3600'],
      HostConfig: { Init: true },
    });
    ids.push((JSON.parse(created.body) as { Id: string }).Id);
  });
  return ids;
}

/** CPU seconds of dwi (primary and workers) and of the engine's processes, so far. */
function cpuNow(dwi: RunningDwi) {
  const ours = [dwi.pid, ...childPids(dwi.pid)];
  return {
    dwi: ours.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    engine: pidsNaming(engine.dir).reduce((sum, pid) => sum + cpuSeconds(pid), 0),
  };
}

/** CPU % (of one core) of dwi and of the engine over `seconds` of dwi started with `args`. */
async function cpuOver(intervalS: number, seconds: number) {
  const dwi = await startDwi(engine.host, ['--metrics-interval', String(intervalS)]);
  const from = new Date().toISOString();
  try {
    // Past its start: the first sample needs a reading before it.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = cpuNow(dwi);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const after = cpuNow(dwi);
    const percent = (a: number, b: number) => ((b - a) / seconds) * 100;
    // What the sampler kept: the host's points over the run at its step (none when off).
    const reply = await call(
      { port: dwi.port },
      `/api/host/metrics?from=${from}&step=${Math.max(intervalS, 1)}`,
    );
    const points = (JSON.parse(reply.body).data as { t: number[] }).t.length;
    return {
      dwi: percent(before.dwi, after.dwi),
      engine: percent(before.engine, after.engine),
      points,
    };
  } finally {
    await dwi.stop();
  }
}

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  if (engine !== undefined) await stopTestEngine(engine);
  console.log(`\n## history\n${results.join('\n')}\n`);
});

it('the sampler with 50 running containers: CPU of dwi and of the engine, off and on', async () => {
  const ids = await createContainers(50, 'sampled');
  await eachAtOnce(ids, 8, (id) => raw(`/containers/${id}/start`, 'POST'));
  const off = await cpuOver(0, SECONDS);
  const every10 = await cpuOver(10, SECONDS);
  const every1 = await cpuOver(1, SECONDS);
  const line = (label: string, cpu: { dwi: number; engine: number }) =>
    `${label}: dwi ${cpu.dwi.toFixed(2)} %, engine ${cpu.engine.toFixed(2)} % (+${(cpu.engine - off.engine).toFixed(2)} over no sampler)`;
  results.push(
    `sampler, 50 running containers, ${SECONDS} s each (CPU % of one core):`,
    `  ${line('no sampler (metrics_interval 0)', off)}`,
    `  ${line('every 10 s (the default)', every10)}`,
    `  ${line('every 1 s', every1)}`,
  );
  results.push(
    `  points kept over each run of ${SECONDS + 3} s: ${off.points} off, ${every10.points} every 10 s, ${every1.points} every 1 s`,
  );
  expect(off.points).toBe(0);
  // A point each interval after the first (a baseline reading); a round that overran skips one.
  expect(every10.points).toBeGreaterThanOrEqual(Math.floor(SECONDS / 10) - 1);
  expect(every1.points).toBeGreaterThan(SECONDS / 4);
});

/** Timeline rows of containers named `prefix`-*, counted by action, paged to the end. */
async function recorded(port: number, since: string, prefix: string) {
  const counts = new Map<string, number>();
  let before: number | null = null;
  for (let page = 0; page < 100; page++) {
    const query: string = `limit=1000&type=container&since=${encodeURIComponent(since)}${before === null ? '' : `&before=${before}`}`;
    const reply = await call({ port }, `/api/events?${query}`);
    const data = JSON.parse(reply.body).data as {
      events: Array<{ action: string; actor_name: string | null }>;
      before: number | null;
    };
    for (const event of data.events)
      if (event.actor_name?.startsWith(`${prefix}-`))
        counts.set(event.action, (counts.get(event.action) ?? 0) + 1);
    if (data.before === null) break;
    before = data.before;
  }
  return counts;
}

it('the timeline records a burst of 1,000 starts and kills, without loss, as fast as they come', async () => {
  const prefix = 'burst';
  const ids = await createContainers(100, prefix);
  const dwi = await startDwi(engine.host, ['--metrics-interval', '0']);
  try {
    // The engine's own stream, as the baseline: when each event of ours reached a client.
    const emitted: number[] = [];
    const reader = request(
      {
        socketPath: engine.socket,
        path: '/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D',
      },
      (res) => {
        res.setEncoding('utf8');
        let rest = '';
        res.on('data', (chunk: string) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines.filter(Boolean)) {
            const event = JSON.parse(line) as {
              Action: string;
              Actor: { Attributes: { name?: string } };
            };
            if (
              event.Actor.Attributes.name?.startsWith(`${prefix}-`) &&
              ['start', 'kill', 'die'].includes(event.Action)
            )
              emitted.push(performance.now());
          }
        });
      },
    );
    reader.end();
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Five rounds of 100 starts, then 100 kills: 1,000 requests, 1,500 events with the dies.
    for (let round = 0; round < 5; round++) {
      await eachAtOnce(ids, 8, (id) => raw(`/containers/${id}/start`, 'POST'));
      await eachAtOnce(ids, 8, (id) => raw(`/containers/${id}/kill`, 'POST'));
    }
    const expected = { start: 500, kill: 500, die: 500 };
    // Recorded: polled until every event is in, at most a minute.
    let counts = new Map<string, number>();
    let allIn = 0;
    const deadline = performance.now() + 60_000;
    while (performance.now() < deadline) {
      counts = await recorded(dwi.port, since, prefix);
      if (Object.entries(expected).every(([action, n]) => (counts.get(action) ?? 0) >= n)) {
        allIn = performance.now();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    reader.destroy();
    const first = emitted[0]!;
    const engineRate = emitted.length / ((emitted.at(-1)! - first) / 1000);
    const recordedTotal = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const dwiRate = allIn > 0 ? recordedTotal / ((allIn - first) / 1000) : 0;
    results.push(
      `timeline burst: the engine emitted ${emitted.length} events at ${engineRate.toFixed(0)}/s; dwi recorded ` +
        `${recordedTotal} (start ${counts.get('start') ?? 0}, kill ${counts.get('kill') ?? 0}, die ${counts.get('die') ?? 0}), ` +
        `all in ${allIn > 0 ? `${((allIn - emitted.at(-1)!) / 1000).toFixed(2)} s after the last` : 'NOT within a minute'}: ` +
        `${dwiRate.toFixed(0)}/s sustained, ${(dwiRate / engineRate).toFixed(2)}x the engine's rate ` +
        `${recordedTotal === 1500 && allIn > 0 ? 'OK: nothing lost' : 'LOST EVENTS'}`,
    );
    expect(emitted.length).toBe(1500);
    expect(recordedTotal).toBe(1500);
  } finally {
    await dwi.stop();
  }
});
