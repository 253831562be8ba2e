import fc from 'fast-check';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dockerCli,
  startTestEngine,
  stopTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../engine/engine.js';
import { Dwi, freePort, request, TEST_TOKEN, type Reply } from './harness.js';

// Its own engine: generated admin requests may prune or delete whatever is there.
let engine: TestEngine;
let dwi: Dwi;
let base: string;
let routes: Array<[method: string, path: string]>;

const RUNS = 10_000;
const SOCKET_RUNS = 2_000;

beforeAll(async () => {
  engine = await startTestEngine();
  dockerCli(engine, ['create', '--init', '--name', 'fuzzed', TEST_IMAGE, 'sleep', '600']);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // Every generated socket event is to reach validation, not the per-socket event rate.
  const unthrottled = ['--socket-event-rate', '1000000/second'];
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '2', ...unthrottled], {
    env: { DWI_DOCKER_HOST: engine.host },
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
  fc.constantFrom('fuzzed', 'busybox', 'dwi-test/busybox:1', 'all', 'start', 'delete', '..', '%00'),
  fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s) || 'x'),
  fc.stringMatching(/^[a-f0-9]{1,64}$/),
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
  ),
  { maxKeys: 4 },
);
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
  it(`${RUNS} generated bad requests across every route: no 5xx, no crash, every error in the contract shape`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        query,
        body,
        contentType,
        async (pick, segments, params, payload, type) => {
          const [method, template] = routes[pick % routes.length]!;
          let i = 0;
          const path = template.replace(/\{[^}]+\}/g, () => segments[i++]!);
          const search = new URLSearchParams(params).toString();
          const withBody = (method === 'POST' || method === 'PUT') && payload !== undefined;
          const reply = await request(`${base}${path}${search ? `?${search}` : ''}`, {
            method,
            headers: withBody && type ? { 'content-type': type } : {},
            ...(withBody
              ? { body: typeof payload === 'string' ? payload : JSON.stringify(payload) }
              : {}),
            timeoutMs: 30_000,
          });
          expectContract(reply, `${method} ${path}?${search} ${String(payload).slice(0, 80)}`);
        },
      ),
      { numRuns: RUNS },
    );
    expect(dwi.child.exitCode).toBeNull();
    expect(dwi.stderr).not.toMatch(/unhandled error|\n\s+at /);
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
