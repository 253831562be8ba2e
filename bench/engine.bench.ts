/**
 * Engine and REST benchmarks (issue 4), each against the raw engine API in the same run, on a
 * private engine: P1 list latency, staleness, scale, and log search throughput.
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
import { BENCH_TOKEN, percentile, startDwi, workerRssMiB } from './dwi.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 10_000);
const results: string[] = [];
let engine: TestEngine;

const engineAgent = new Agent({ keepAlive: true, maxSockets: 16 });
const dwiAgent = new Agent({ keepAlive: true, maxSockets: 4 });

interface Reply {
  status: number;
  body: string;
}

function call(options: {
  socketPath?: string;
  port?: number;
  path: string;
  method?: string;
  body?: unknown;
}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        ...(options.socketPath
          ? { socketPath: options.socketPath, agent: engineAgent }
          : { host: '127.0.0.1', port: options.port, agent: dwiAgent }),
        path: options.path,
        method: options.method ?? 'GET',
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(options.socketPath ? {} : { authorization: `Bearer ${BENCH_TOKEN}` }),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const raw = (path: string, method = 'GET', body?: unknown) =>
  call({ socketPath: engine.socket, path, method, body });

async function timeEach(count: number, run: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times;
}

async function createContainers(
  count: number,
  prefix: string,
  running: boolean,
): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const created = await raw(`/containers/create?name=${prefix}-${i}`, 'POST', {
        Image: TEST_IMAGE,
        Cmd: ['sleep', '3600'],
        HostConfig: { Init: true },
      });
      const { Id } = JSON.parse(created.body) as { Id: string };
      if (running) await raw(`/containers/${Id}/start`, 'POST');
      ids.push(Id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  if (engine !== undefined) await stopTestEngine(engine);
  console.log(`\n## engine and REST\n${results.join('\n')}\n`);
});

it('P1: GET /api/containers with 200 containers against the raw list', async () => {
  await createContainers(180, 'p1-stopped', false);
  await createContainers(20, 'p1-running', true);
  const dwi = await startDwi(engine.host);
  try {
    await timeEach(50, () => raw('/containers/json?all=1'));
    await timeEach(50, () => call({ port: dwi.port, path: '/api/containers' }));
    const rawTimes = await timeEach(500, () => raw('/containers/json?all=1'));
    const ours = await timeEach(500, () => call({ port: dwi.port, path: '/api/containers' }));
    const ratio = percentile(ours, 50) / percentile(rawTimes, 50);
    results.push(
      `P1 list of 200: raw engine p50 ${percentile(rawTimes, 50).toFixed(2)} ms, dwi p50 ${percentile(ours, 50).toFixed(2)} ms: ` +
        `ratio ${ratio.toFixed(2)} (target <= 0.5) ${ratio <= 0.5 ? 'OK' : 'BELOW TARGET'}`,
    );
    expect(ours.length).toBe(500);
  } finally {
    await dwi.stop();
  }
});

it('staleness: from the engine event to REST showing it', async () => {
  const [id] = await createContainers(1, 'stale', true);
  const dwi = await startDwi(engine.host);
  // A raw events reader on the same engine: when each event reached a client.
  const arrivals = new Map<string, number>();
  const events = request(
    { socketPath: engine.socket, path: '/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D' },
    (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (const line of chunk.split('\n').filter(Boolean)) {
          const event = JSON.parse(line) as { Action: string; id: string };
          arrivals.set(`${event.id}:${event.Action}`, performance.now());
        }
      });
    },
  );
  events.end();
  const lags: number[] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let round = 0; round < 40; round++) {
      const stop = round % 2 === 0;
      arrivals.clear();
      // Polled while the engine works: its reply comes well after its event.
      const action = raw(`/containers/${id}/${stop ? 'stop?t=0' : 'start'}`, 'POST');
      let visible = 0;
      for (let poll = 0; poll < 5000 && visible === 0; poll++) {
        const list = JSON.parse(
          (await call({ port: dwi.port, path: '/api/containers?name=stale-0' })).body,
        ) as {
          data: Array<{ status: string }>;
        };
        if (list.data[0]?.status === (stop ? 'exited' : 'running')) visible = performance.now();
      }
      await action;
      const arrived = arrivals.get(`${id}:${stop ? 'die' : 'start'}`);
      if (arrived !== undefined) lags.push(Math.max(0, visible - arrived));
    }
    const p99 = percentile(lags, 99);
    results.push(
      `staleness, raw event reader to REST showing it (${lags.length} state changes): p50 ${percentile(lags, 50).toFixed(1)} ms, ` +
        `p99 ${p99.toFixed(1)} ms (target p99 <= 50) ${p99 <= 50 ? 'OK' : 'BELOW TARGET'}`,
    );
    expect(lags.length).toBeGreaterThan(30);
  } finally {
    events.destroy();
    await dwi.stop();
  }
});

it(`scale: ${SCALE} stopped and 50 running containers`, async () => {
  await createContainers(SCALE, 'scale-stopped', false);
  await createContainers(50, 'scale-running', true);
  const dwi = await startDwi(engine.host);
  try {
    await timeEach(5, () => raw('/containers/json?all=1'));
    const rawTimes = await timeEach(20, () => raw('/containers/json?all=1'));
    const ours = await timeEach(20, () => call({ port: dwi.port, path: '/api/containers' }));
    const rss = workerRssMiB(dwi.pid);
    results.push(
      `scale ${SCALE + 50 + 201} containers: raw engine p50 ${percentile(rawTimes, 50).toFixed(1)} ms, dwi p50 ${percentile(ours, 50).toFixed(1)} ms ` +
        `(ratio ${(percentile(ours, 50) / percentile(rawTimes, 50)).toFixed(2)}); worker RSS ${rss.toFixed(0)} MiB (target < 150) ${rss < 150 ? 'OK' : 'BELOW TARGET'}`,
    );
  } finally {
    await dwi.stop();
  }
});

it('log search over a 100 MB log against a raw read of it', async () => {
  const created = await raw('/containers/create?name=chatty', 'POST', {
    Image: TEST_IMAGE,
    Cmd: [
      'sh',
      '-c',
      'yes "a log line with some words in it, number 1234567890" | head -c 100000000; sleep 3600',
    ],
    HostConfig: { Init: true },
  });
  const { Id } = JSON.parse(created.body) as { Id: string };
  await raw(`/containers/${Id}/start`, 'POST');
  for (let i = 0; i < 600; i++) {
    const top = await raw(`/containers/${Id}/top`);
    if (!top.body.includes('yes')) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const dwi = await startDwi(engine.host);
  try {
    const rawStart = performance.now();
    const rawRead = await raw(`/containers/${Id}/logs?stdout=1&stderr=1&timestamps=1`);
    const rawSeconds = (performance.now() - rawStart) / 1000;
    const rawLines = (rawRead.body.match(/\n/g) ?? []).length;
    let peakRss = workerRssMiB(dwi.pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, workerRssMiB(dwi.pid))), 100);
    const started = performance.now();
    // A search is bounded (log_search_timeout and the rest): its pages are followed to the end.
    let scanned = 0;
    let since = '';
    for (let page = 0; page < 1000; page++) {
      const reply = await call({
        port: dwi.port,
        path: `/api/containers/${Id}/logs/search?q=no-such-words&limit=1${since}`,
      });
      const { data } = JSON.parse(reply.body) as {
        data: { scanned: number; cursor: string | null };
      };
      scanned += data.scanned;
      if (data.cursor === null) break;
      since = `&since=${data.cursor}`;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const ratio = scanned / seconds / (rawLines / rawSeconds);
    results.push(
      `log search, ${rawLines} lines: raw read ${(rawLines / rawSeconds / 1000).toFixed(0)}k lines/s, dwi search ${(scanned / seconds / 1000).toFixed(0)}k lines/s: ` +
        `ratio ${ratio.toFixed(2)} (target >= 0.5) ${ratio >= 0.5 ? 'OK' : 'BELOW TARGET'}; worker peak RSS ${peakRss.toFixed(0)} MiB`,
    );
    expect(scanned).toBe(rawLines);
  } finally {
    await dwi.stop();
  }
});
