import fc from 'fast-check';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dockerCli,
  runShell,
  startTestEngine,
  stopTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../engine/engine.js';
import {
  Dwi,
  freePort,
  request,
  seededDataDir,
  seedUserToken,
  TEST_TOKEN,
  type Reply,
} from './harness.js';

// Its own engine: generated admin requests may prune or delete whatever is there.
let engine: TestEngine;
let dwi: Dwi;
let base: string;
let routes: Array<[method: string, path: string]>;

const RUNS = 10_000;
const LOG_RUNS = 1_500;
const SOCKET_RUNS = 2_000;
/** Event-loop time one request may hold a worker for (issue 11). */
const MAX_LOOP_DELAY_MS = 100;
/** A token of each role: every generated request is sent as one of them. */
const TOKENS = {
  admin: TEST_TOKEN,
  operator: `dwi_operator_${'o'.repeat(35)}`,
  viewer: `dwi_viewer_${'v'.repeat(37)}`,
};

beforeAll(async () => {
  engine = await startTestEngine();
  dockerCli(engine, ['create', '--init', '--name', 'fuzzed', TEST_IMAGE, 'sleep', '600']);
  // A log worth searching: the red team's line, ordinary lines and one of 200 KB. It exits once
  // written: a running container would make every resource-usage sample take a second.
  runShell(
    engine,
    'chatty',
    `echo "${'a'.repeat(28)}!"; for i in $(seq 1 3000); do echo "an ordinary line of text, number $i"; done; ` +
      `head -c 200000 /dev/zero | busybox tr '\\0' a; echo`,
  );
  const dataDir = await seededDataDir();
  seedUserToken(dataDir, 'operator', 'operator', TOKENS.operator);
  seedUserToken(dataDir, 'viewer', 'viewer', TOKENS.viewer);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // Every generated socket event is to reach validation, not the per-socket event rate.
  const unthrottled = ['--socket-event-rate', '1000000/second'];
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '2', ...unthrottled], {
    env: { DWI_DOCKER_HOST: engine.host, DWI_DATA_DIR: dataDir },
  });
  const doc = (await request(`${base}/api/openapi.json`)).json();
  routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
    ([path, methods]) =>
      Object.keys(methods).map((m) => [m.toUpperCase(), path] as [string, string]),
  );
}, 120_000);

afterAll(async () => {
  await dwi?.stop();
  if (engine !== undefined) await stopTestEngine(engine);
});

/** A path parameter as an attacker would write it. */
const segment = fc.oneof(
  fc.constantFrom(
    'fuzzed',
    'chatty',
    'busybox',
    'dwi-test/busybox:1',
    'all',
    'start',
    'delete',
    '..',
    '%00',
  ),
  fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s) || 'x'),
  fc.stringMatching(/^[a-f0-9]{1,64}$/),
);
/** Patterns that backtrack for seconds to forever in JavaScript, or are no RE2 at all. */
const pattern = fc.constantFrom(
  '(a+)+$',
  '^(.+)+z$',
  '(x+x+)+y',
  '(a|aa)*b',
  '(.*a){12}',
  '(?s)(.{0,600}x.{0,600}y.{0,590}z)',
  '([a-z]+)*[0-9]!',
  '(a)\\1',
  'a(?=b)',
  '(?<!a)b',
  'a{1001}',
  '[',
  'a**',
);
/** Tails past every cap, and nonsense. */
const tail = fc.oneof(
  fc.constantFrom('all', '1000000', '999999999', '0', '-1', '1e6', 'ALL'),
  fc.integer({ min: 0, max: 2_000_000 }).map(String),
);
const query = fc.dictionary(
  fc.constantFrom(
    'tail',
    'since',
    'until',
    'q',
    'regex',
    'limit',
    'force',
    'timeout',
    'dry_run',
    'state',
    'project',
    'name',
    'secrets',
    'pull',
    'all',
    'before',
    'x',
  ),
  fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.integer().map(String),
    fc.constantFrom('true', 'false', '-1', '1e309', 'NaN', '[', 'show'),
    pattern,
    tail,
  ),
  { maxKeys: 4 },
);
/** The query of a log read, search or download: the regex and tail shapes above, mostly valid. */
const logQuery = fc.record(
  {
    q: fc.oneof(pattern, fc.string({ minLength: 1, maxLength: 30 })),
    regex: fc.constantFrom('true', 'false'),
    tail,
    limit: fc.constantFrom('1', '100', '10000'),
    timestamps: fc.constantFrom('true', 'false'),
    since: fc.constantFrom('0', '1e9', 'yesterday'),
  },
  { requiredKeys: [] },
);
const role = fc.constantFrom('admin', 'operator', 'viewer') as fc.Arbitrary<keyof typeof TOKENS>;

/**
 * The longest a worker's event loop was held since the last scrape, in ms: the CPU time it ran
 * without a turn (dwi_event_loop_held_max_seconds), and the wall time monitorEventLoopDelay saw
 * (nodejs_eventloop_lag_max_seconds, which also counts waiting for a core on a busy host). Both
 * reset on each scrape; both are the highest over the workers.
 */
async function loopDelayMs(): Promise<{ held: number; wall: number }> {
  const text = (await request(`${base}/metrics`)).body;
  const read = (name: string) => {
    const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
    expect(value, `${name} on /metrics`).toBeDefined();
    return Number(value) * 1000;
  };
  return {
    held: read('dwi_event_loop_held_max_seconds'),
    wall: read('nodejs_eventloop_lag_max_seconds'),
  };
}

/**
 * Sends each route a few requests before latency counts: a fresh worker compiles a route's
 * schemas on its first request (80-115 ms of CPU here, once), which no request shape causes.
 * Four of each, so both workers get theirs.
 */
async function warmUp(paths: Array<[method: string, path: string]>): Promise<void> {
  for (const [method, path] of paths) {
    for (let i = 0; i < 4; i++) await request(`${base}${path}`, { method, timeoutMs: 30_000 });
  }
}

/**
 * Runs generated requests in batches, reading the event-loop delay after each batch: every
 * batch whose worker was held longer than MAX_LOOP_DELAY_MS, with its slowest requests.
 */
function latencyWatch() {
  let batch: Array<{ what: string; ms: number }> = [];
  const over: string[] = [];
  return {
    async record(what: string, ms: number) {
      batch.push({ what, ms });
      if (batch.length >= 50) await this.check();
    },
    async check() {
      const delay = await loopDelayMs();
      if (delay.held > MAX_LOOP_DELAY_MS) {
        const slowest = batch.sort((a, b) => b.ms - a.ms).slice(0, 3);
        over.push(
          `held ${delay.held.toFixed(0)} ms (wall ${delay.wall.toFixed(0)} ms) in a batch whose slowest were ${slowest.map((r) => `${r.what} (${r.ms.toFixed(0)} ms)`).join('; ')}`,
        );
      }
      batch = [];
    },
    over,
  };
}
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{"logger":"dwi.error","level":"nope"}',
    '{"username":"admin","password":""}',
    '{',
    'null',
    '[]',
  ),
);
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);

function expectContract(reply: Reply, what: string): void {
  expect(reply.status, what).toBeLessThan(500);
  if (reply.status >= 400) {
    expect(reply.json(), what).toEqual({
      status: 'error',
      error: expect.any(String),
      code: expect.any(String),
      request_id: expect.any(String),
    });
  }
}

describe('fuzzing', () => {
  it(`${RUNS} generated bad requests across every route, from every role: no 5xx, no crash, every error in the contract shape, no worker held ${MAX_LOOP_DELAY_MS} ms`, async () => {
    const latency = latencyWatch();
    await warmUp(
      routes.map(([method, path]) => [method, `${path.replace(/\{[^}]+\}/g, 'fuzzed')}?x=1`]),
    );
    await loopDelayMs(); // from here on, what holds a worker is a request's doing
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        query,
        body,
        contentType,
        role,
        async (pick, segments, params, payload, type, who) => {
          const [method, template] = routes[pick % routes.length]!;
          let i = 0;
          const path = template.replace(/\{[^}]+\}/g, () => segments[i++]!);
          const search = new URLSearchParams(params).toString();
          const withBody = (method === 'POST' || method === 'PUT') && payload !== undefined;
          const started = performance.now();
          const reply = await request(`${base}${path}${search ? `?${search}` : ''}`, {
            method,
            headers: {
              authorization: `Bearer ${TOKENS[who]}`,
              ...(withBody && type ? { 'content-type': type } : {}),
            },
            ...(withBody
              ? { body: typeof payload === 'string' ? payload : JSON.stringify(payload) }
              : {}),
            timeoutMs: 30_000,
          });
          const what = `${who} ${method} ${path}?${search} ${String(payload).slice(0, 80)}`;
          expectContract(reply, what);
          await latency.record(what, performance.now() - started);
        },
      ),
      { numRuns: RUNS },
    );
    await latency.check();
    expect(latency.over).toEqual([]);
    expect(dwi.child.exitCode).toBeNull();
    expect(dwi.stderr).not.toMatch(/unhandled error|\n\s+at /);
  }, 600_000);

  it(`${LOG_RUNS} generated log reads, searches and downloads with hostile patterns and tails, from every role: no worker held ${MAX_LOOP_DELAY_MS} ms`, async () => {
    const latency = latencyWatch();
    await warmUp(
      ['logs?tail=1', 'logs/search?q=a&regex=true', 'logs/download?q=a&regex=true'].map((path) => [
        'GET',
        `/api/containers/chatty/${path}`,
      ]),
    );
    await loopDelayMs();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('logs', 'logs/search', 'logs/download'),
        fc.constantFrom('chatty', 'fuzzed'),
        logQuery,
        role,
        async (route, container, params, who) => {
          const search = new URLSearchParams(params).toString();
          const url = `${base}/api/containers/${container}/${route}?${search}`;
          const started = performance.now();
          const reply = await request(url, {
            headers: { authorization: `Bearer ${TOKENS[who]}` },
            timeoutMs: 60_000,
          });
          const what = `${who} GET /api/containers/${container}/${route}?${search}`;
          expectContract(reply, what);
          await latency.record(what, performance.now() - started);
        },
      ),
      { numRuns: LOG_RUNS },
    );
    await latency.check();
    expect(latency.over).toEqual([]);
    expect(dwi.child.exitCode).toBeNull();
  }, 600_000);

  it(`${SOCKET_RUNS} generated bad socket events: errors in the contract shape, the server stays up`, async () => {
    const socket = io(base, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: TEST_TOKEN },
    });
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    const event = fc.oneof(
      fc.constantFrom(
        'start_log_stream',
        'stop_log_stream',
        'start_stats_stream',
        'stop_stats_stream',
      ),
      fc
        .string({ maxLength: 30 })
        .filter(
          (s) =>
            ![
              'connect',
              'disconnect',
              'connect_error',
              'disconnecting',
              'newListener',
              'removeListener',
            ].includes(s),
        ),
    );
    const payload = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.record({
        container_id: fc.oneof(fc.string({ maxLength: 300 }), fc.constant('fuzzed'), fc.integer()),
      }),
      fc.record({
        container_id: fc.constant('fuzzed'),
        since: fc.string({ maxLength: 70 }),
        batch: fc.anything(),
      }),
    );
    try {
      await fc.assert(
        fc.asyncProperty(event, payload, async (name, data) => {
          const ack = await socket
            .timeout(10_000)
            .emitWithAck(name as 'stop_log_stream', data as { container_id: string });
          expect(ack.status === 'error' ? ack : { status: ack.status }).toEqual(
            ack.status === 'error'
              ? { status: 'error', error: expect.any(String), code: expect.any(String) }
              : { status: expect.stringMatching(/^stream_(started|stopped)$/) },
          );
        }),
        { numRuns: SOCKET_RUNS },
      );
      expect(socket.connected).toBe(true);
    } finally {
      socket.close();
    }
    expect((await request(`${base}/api/health`)).status).toBe(200);
    expect(dwi.child.exitCode).toBeNull();
  }, 600_000);
});
