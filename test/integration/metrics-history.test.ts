/**
 * The metrics history: sampled every second here (--metrics-interval 1) by the recording
 * worker, whether anyone watches or not; a busy container's CPU shows, its memory, and the
 * host's series is every container's summed (also in GET /api/resource-usage-metrics).
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { MetricsSeries } from '../../src/shared/metrics-history.js';
import { dockerCli, runShell } from '../support/engine.js';
import { Dwi, freePort, request, until } from './harness.js';

const engine = { host: inject('dockerHost') };
const suffix = Math.random().toString(36).slice(2, 7);
const busy = `metrics-busy-${suffix}`;
let dwi: Dwi;
let base: string;

beforeAll(async () => {
  // A fifth of a core spent at once: the machine is shared.
  runShell(engine, busy, 'while true; do :; done', ['--cpus', '0.2']);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '--metrics-interval', '1', '-w', '2']);
});

afterAll(async () => {
  await dwi?.stop();
  dockerCli(engine, ['rm', '-f', busy]);
});

async function series(path: string): Promise<MetricsSeries> {
  const reply = await request(`${base}${path}`);
  expect(reply.status, reply.body).toBe(200);
  return reply.json().data as MetricsSeries;
}

it("keeps a running container's samples, and answers them over a time range", async () => {
  const from = new Date(Date.now() - 60_000).toISOString();
  const path = `/api/containers/${busy}/metrics?from=${from}&step=1`;
  const got = await until(
    'five samples',
    async () => {
      const s = await series(path);
      return s.t.length >= 5 ? s : undefined;
    },
    30_000,
  );
  expect(got.step).toBe(1);
  // One point a second, in time order, each in the range.
  expect(got.t).toEqual([...got.t].sort((a, b) => a - b));
  expect(got.t[0]!).toBeGreaterThanOrEqual(Math.floor(Date.parse(from) / 1000));
  for (const column of [
    got.cpu_percent,
    got.memory_bytes,
    got.rx_bytes_per_s,
    got.tx_bytes_per_s,
    got.read_bytes_per_s,
    got.write_bytes_per_s,
  ])
    expect(column).toHaveLength(got.t.length);
  // Limited to a fifth of a core, spinning: about 20 %, never much above.
  const cpu = got.cpu_percent.slice(1);
  expect(Math.max(...cpu)).toBeGreaterThan(5);
  expect(Math.max(...cpu)).toBeLessThan(40);
  expect(Math.min(...got.memory_bytes)).toBeGreaterThan(0);

  // Coarser: points of 10 s, each an average.
  const coarse = await series(`${path.replace('step=1', 'step=10')}`);
  expect(coarse.step).toBe(10);
  expect(coarse.t.every((t) => t % 10 === 0)).toBe(true);

  // The host: every container summed, so at least the busy one's.
  const host = await series(`/api/host/metrics?from=${from}&step=1`);
  expect(host.t.length).toBeGreaterThanOrEqual(got.t.length - 1);
  expect(Math.max(...host.cpu_percent)).toBeGreaterThanOrEqual(Math.max(...cpu) - 1);

  // The original's resource-usage-metrics carries the host's last hour too, its own fields kept.
  const usage = await request(`${base}/api/resource-usage-metrics`);
  expect(usage.status).toBe(200);
  const data = usage.json().data as { containers: Array<{ name: string }>; history: MetricsSeries };
  expect(data.containers.map((c) => c.name)).toContain(busy);
  expect(data.history.t.length).toBeGreaterThan(0);
  expect(data.history.cpu_percent).toHaveLength(data.history.t.length);
  expect(Math.max(...data.history.cpu_percent)).toBeGreaterThan(0);
});

it('refuses a reversed range, too many points, and an unknown container, in the error shape', async () => {
  const backwards = await request(
    `${base}/api/host/metrics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`,
  );
  expect(backwards.status).toBe(400);
  expect(backwards.json().error).toMatch(/must be before to/);
  const many = await request(`${base}/api/host/metrics?from=2026-01-01T00:00:00Z&step=1`);
  expect(many.status).toBe(400);
  expect(many.json().error).toMatch(/points asked: at most 10000/);
  expect((await request(`${base}/api/containers/nope-${suffix}/metrics`)).status).toBe(404);
});
