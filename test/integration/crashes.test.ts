/**
 * Crash reports against the real engine: an exit with an error keeps its last lines after the
 * container is gone; a memory kill is told as such; a restart loop is one report with a count;
 * an unhealthy turn is reported; each goes out live as crash_report.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CrashReport, CrashSummary } from '../../src/shared/crashes.js';
import { dockerCli, runShell } from '../support/engine.js';
import { Dwi, freePort, request, until } from './harness.js';
import { connect, record, type Seen } from './sockets.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const suffix = Math.random().toString(36).slice(2, 7);
const names = {
  failing: `crash-exit-${suffix}`,
  hungry: `crash-oom-${suffix}`,
  looping: `crash-loop-${suffix}`,
  sick: `crash-sick-${suffix}`,
  stopped: `crash-stopped-${suffix}`,
  sentinel: `crash-sentinel-${suffix}`,
};
let dwi: Dwi;
let base: string;
let seen: Seen;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '--crash-log-lines', '50']);
  const client = connect(base);
  seen = record(client);
  await until('the initial state', () => seen.some(([event]) => event === 'initial_state'));
});

afterAll(async () => {
  await dwi?.stop();
  for (const name of Object.values(names)) {
    try {
      docker('rm', '-f', name);
    } catch {
      // Removed by the test.
    }
  }
});

async function reportsOf(name: string): Promise<CrashSummary[]> {
  const reply = await request(`${base}/api/crashes?container=${name}`);
  expect(reply.status).toBe(200);
  return reply.json().data.crashes as CrashSummary[];
}

async function reportOf(name: string, ready: (r: CrashSummary) => boolean): Promise<CrashReport> {
  const summary = await until(
    `a crash report of ${name}`,
    async () => (await reportsOf(name)).find(ready),
    30_000,
  );
  const reply = await request(`${base}/api/crashes/${summary.id}`);
  expect(reply.status).toBe(200);
  return reply.json().data as CrashReport;
}

const textOf = (line: string) => line.replace(/^\S+ /, '');

describe('crash reports', () => {
  it('keeps the last lines and exit code of a container that exits 3, after it is removed', async () => {
    runShell(
      engine,
      names.failing,
      'for i in $(seq 1 80); do echo "line $i"; done; sleep 0.2; echo "fatal: no config" >&2; exit 3',
    );
    const report = await reportOf(names.failing, () => true);
    expect(report).toMatchObject({
      container_name: names.failing,
      reason: 'exit',
      exit_code: 3,
      oom_killed: false,
      count: 1,
      lines_error: null,
    });
    // The last 50 (--crash-log-lines), timestamped, stderr marked.
    expect(report.last_lines).toHaveLength(50);
    expect(report.last_lines.slice(-2).map(textOf)).toEqual(['line 80', 'fatal: no config']);
    expect(report.streams.at(-1)).toBe('2');
    expect(report.config.command).toEqual(expect.arrayContaining(['sh', '-c']));

    docker('rm', '-f', names.failing);
    await until('the container gone from dwi', async () =>
      (await request(`${base}/api/containers/${names.failing}`)).status === 404 ? true : undefined,
    );
    const kept = await request(`${base}/api/crashes/${report.id}`);
    expect(kept.status).toBe(200);
    expect(kept.json().data.last_lines).toEqual(report.last_lines);
    expect(seen.some(([e, p]) => e === 'crash_report' && p.id === report.id)).toBe(true);
    expect((await request(`${base}/api/crashes/999999`)).status).toBe(404);
    expect((await request(`${base}/api/crashes/abc`)).status).toBe(400);
  });

  it('tells a container killed for memory as OOMKilled', async () => {
    // Doubling a shell string until the 16 MB limit stops it.
    runShell(engine, names.hungry, 'echo eating; x=a; while true; do x="$x$x"; done', [
      '--memory',
      '16m',
      '--memory-swap',
      '16m',
    ]);
    const report = await reportOf(names.hungry, () => true);
    expect(report).toMatchObject({ reason: 'oom', oom_killed: true, exit_code: 137 });
    expect(report.config.memory_limit_bytes).toBe(16 * 1024 * 1024);
    expect(report.last_lines.map(textOf)).toContain('eating');
  });

  it('folds a restart loop into one report with its count', async () => {
    runShell(engine, names.looping, 'echo "try"; exit 2', ['--restart', 'on-failure:3']);
    const report = await reportOf(names.looping, (r) => r.count === 4);
    expect(report).toMatchObject({ reason: 'exit', exit_code: 2, count: 4 });
    expect(report.config.restart_policy).toBe('on-failure');
    expect(await reportsOf(names.looping)).toHaveLength(1);
  });

  it('makes no report of a container someone stopped, though its exit code is an error', async () => {
    runShell(engine, names.stopped, 'echo serving; sleep 600');
    docker('stop', '-t', '1', names.stopped);
    const inspected = JSON.parse(docker('inspect', names.stopped)) as Array<{
      State: { ExitCode: number };
    }>;
    // 143 (SIGTERM), or 137 should the second pass and SIGKILL end it: an error code either way.
    expect([143, 137]).toContain(inspected[0]!.State.ExitCode);
    // Events are heard in order: once a later crash is reported, the stop's die was heard too.
    runShell(engine, names.sentinel, 'exit 5');
    await reportOf(names.sentinel, () => true);
    expect(await reportsOf(names.stopped)).toEqual([]);
  });

  it('reports a container whose health check fails', async () => {
    runShell(engine, names.sick, 'echo up; sleep 600', [
      '--health-cmd',
      'test -f /never',
      '--health-interval',
      '1s',
      '--health-retries',
      '1',
    ]);
    const report = await reportOf(names.sick, () => true);
    expect(report).toMatchObject({ reason: 'unhealthy', exit_code: null, oom_killed: false });
    expect(report.health_log.length).toBeGreaterThan(0);
    expect(report.health_log.at(-1)!.exit_code).not.toBe(0);
  });
});
