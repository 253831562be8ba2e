import { describe, expect, it } from 'vitest';
import type { CrashReport } from '../../src/shared/crashes.js';
import type { WebhookRule } from '../../src/shared/webhooks.js';
import type { EngineEvent } from '../../src/server/engine/events.js';
import { crashOf, crashReason, StopRequests } from '../../src/server/history/crashes.js';
import { causeOf, timelineRow } from '../../src/server/history/recorder.js';
import { sampleOf } from '../../src/server/history/sampler.js';
import { headline, matches, payloadOf, retryDelayMs } from '../../src/server/history/webhooks.js';

const event = (action: string, attributes: Record<string, string> = {}, type = 'container') =>
  ({
    type,
    action,
    id: 'c'.repeat(64),
    timeNano: '1767323046465000123',
    attributes: { name: 'web', image: 'nginx:1', ...attributes },
  }) satisfies EngineEvent;

describe('the timeline row of an engine event', () => {
  it('keeps the time to the nanosecond, the name, the project and masked attributes', () => {
    expect(
      timelineRow(
        event('die', {
          exitCode: '3',
          'com.docker.compose.project': 'shop',
          DB_PASSWORD: 'hunter2',
        }),
      ),
    ).toEqual({
      time: '2026-01-02T03:04:06.465Z',
      time_nano: '1767323046465000123',
      type: 'container',
      action: 'die',
      actor_id: 'c'.repeat(64),
      actor_name: 'web',
      project: 'shop',
      origin: 'outside',
      username: null,
      request_id: null,
      attributes: expect.objectContaining({ exitCode: '3', DB_PASSWORD: '********' }),
    });
  });

  it("leaves out a health check's execs and other noise, and types it does not follow", () => {
    expect(timelineRow(event('exec_start: test -f /ok'))).toBeUndefined();
    expect(timelineRow(event('exec_die'))).toBeUndefined();
    expect(timelineRow(event('attach'))).toBeUndefined();
    expect(timelineRow(event('create', {}, 'plugin'))).toBeUndefined();
    expect(timelineRow(event('connect', { name: 'bridge' }, 'network'))?.type).toBe('network');
  });
});

describe("crediting an event to dwi's action", () => {
  it('credits only the events an action causes, to the newest such action', () => {
    const stop = { action: 'stop', username: 'alice' };
    const start = { action: 'start', username: 'bob' };
    expect(causeOf([stop], 'die')).toBe(stop);
    expect(causeOf([stop], 'kill')).toBe(stop);
    // A start from the CLI a moment after a stop through dwi is not the stop's.
    expect(causeOf([stop], 'start')).toBeUndefined();
    expect(causeOf([start, stop], 'start')).toBe(start);
    expect(causeOf([start, stop], 'die')).toBe(stop);
    expect(causeOf([{ action: 'restart' }], 'start')).toEqual({ action: 'restart' });
    expect(causeOf([{ action: 'rebuild' }], 'rename')).toEqual({ action: 'rebuild' });
    expect(causeOf([{ action: 'something new' }], 'start')).toBeUndefined();
  });
});

describe('crashes', () => {
  it('are a die with an error, or an unhealthy turn', () => {
    expect(crashReason(event('die', { exitCode: '3' }))).toBe('exit');
    expect(crashReason(event('die', { exitCode: '137' }))).toBe('exit');
    expect(crashReason(event('die', { exitCode: '0' }))).toBeUndefined();
    expect(crashReason(event('health_status: unhealthy'))).toBe('unhealthy');
    expect(crashReason(event('health_status: healthy'))).toBeUndefined();
    expect(crashReason(event('die', { exitCode: '1' }, 'image'))).toBeUndefined();
  });

  it('are not the die of a container someone asked to stop (docker stop, kill, dwi), whatever its code', () => {
    const stops = new StopRequests();
    const asked = (action: string, attributes: Record<string, string> = {}) =>
      stops.asked(event(action, attributes));
    // Stopped: SIGTERM, then the die with 143.
    expect(asked('kill', { signal: '15' })).toBe(false);
    expect(asked('die', { exitCode: '143' })).toBe(true);
    // Started again, it dies by itself: a crash, the earlier stop forgotten.
    expect(asked('start')).toBe(false);
    expect(asked('die', { exitCode: '3' })).toBe(false);
    // A kill that a start follows (docker restart's) leaves nothing behind either.
    expect(asked('kill', { signal: '15' })).toBe(false);
    expect(asked('start')).toBe(false);
    expect(asked('die', { exitCode: '1' })).toBe(false);
    // Another type's events are not a container's.
    expect(stops.asked(event('kill', {}, 'image'))).toBe(false);
  });

  it('are told as a memory kill when inspect says OOMKilled, with what the container was', () => {
    const crash = crashOf(
      event('die', { exitCode: '137' }),
      'exit',
      {
        RestartCount: 2,
        State: { ExitCode: 137, OOMKilled: true, StartedAt: '0001-01-01T00:00:00Z' },
        Config: { Entrypoint: null, Cmd: ['sh', '-c', 'eat'] },
        HostConfig: { RestartPolicy: { Name: 'always' }, Memory: 16_777_216 },
      },
      { lines: [{ stream: 'stderr', line: '2026-01-02T03:04:06Z killed' }] },
    );
    expect(crash).toMatchObject({
      reason: 'oom',
      exit_code: 137,
      oom_killed: true,
      config: {
        command: ['sh', '-c', 'eat'],
        restart_policy: 'always',
        restart_count: 2,
        memory_limit_bytes: 16_777_216,
        started_at: null,
      },
      last_lines: ['2026-01-02T03:04:06Z killed'],
      streams: '2',
      lines_error: null,
    });
  });

  it('say why the lines are missing, and give an unhealthy one no exit code', () => {
    const crash = crashOf(event('health_status: unhealthy'), 'unhealthy', undefined, {
      error: 'No such container',
    });
    expect(crash).toMatchObject({
      reason: 'unhealthy',
      exit_code: null,
      container_name: 'web',
      image: 'nginx:1',
      last_lines: [],
      lines_error: 'No such container',
    });
  });
});

describe('metrics samples', () => {
  const totals = (cpu: number, system: number, rx: number) => ({
    cpu_ns: cpu,
    system_ns: system,
    online_cpus: 2,
    memory_bytes: 1000,
    memory_limit_bytes: 0,
    rx_bytes: rx,
    tx_bytes: 0,
    read_bytes: 0,
    write_bytes: 0,
    read_at_ms: null,
  });

  it('are rates between two readings: CPU of one core in percent, bytes a second', () => {
    const sample = sampleOf(
      'c1',
      100,
      { atMs: 0, totals: totals(0, 0, 1000) },
      { atMs: 2000, totals: totals(1e9, 4e9, 5000) },
    );
    // A quarter of the host's two cores: half a core, 50 %.
    expect(sample).toMatchObject({ t: 100, cpu_percent: 50, rx_bytes_per_s: 2000 });
  });

  it('need an earlier reading, and count a counter set back by a restart as none', () => {
    expect(sampleOf('c1', 100, undefined, { atMs: 0, totals: totals(0, 0, 0) })).toBeUndefined();
    const restarted = sampleOf(
      'c1',
      100,
      { atMs: 0, totals: totals(5e9, 4e9, 9000) },
      { atMs: 1000, totals: totals(1e8, 8e9, 100) },
    );
    expect(restarted).toMatchObject({ cpu_percent: 0, rx_bytes_per_s: 0 });
  });
});

describe('webhooks', () => {
  const rule = (overrides: Partial<WebhookRule> = {}): WebhookRule => ({
    id: 1,
    name: 'on-call',
    url: 'http://127.0.0.1/hook',
    format: 'slack',
    reasons: ['exit', 'oom'],
    pattern: '',
    cooldown_s: 60,
    enabled: true,
    created_at: '2026-11-30T00:00:00Z',
    ...overrides,
  });
  const report: CrashReport = {
    id: 7,
    container_id: 'c'.repeat(64),
    container_name: 'shop-api-1',
    project: 'shop',
    image: 'api:2',
    reason: 'exit',
    exit_code: 3,
    oom_killed: false,
    count: 4,
    first_at: '2026-11-30T10:00:00Z',
    last_at: '2026-11-30T10:03:00Z',
    health_log: [],
    config: {
      command: [],
      restart_policy: 'always',
      restart_count: 3,
      memory_limit_bytes: 0,
      started_at: null,
      finished_at: null,
    },
    last_lines: ['2026-11-30T10:03:00Z boom'],
    streams: '2',
    lines_error: null,
  };

  it('match by reason and by a part of the container or project name', () => {
    expect(matches(rule(), report)).toBe(true);
    expect(matches(rule({ pattern: 'API' }), report)).toBe(true);
    expect(matches(rule({ pattern: 'shop' }), report)).toBe(true);
    expect(matches(rule({ pattern: 'db' }), report)).toBe(false);
    expect(matches(rule({ reasons: ['unhealthy'] }), report)).toBe(false);
    expect(matches(rule({ enabled: false }), report)).toBe(false);
  });

  it('say what happened in each format, with the last lines', () => {
    expect(headline(report)).toBe(
      'shop-api-1 in shop exited with code 3 (4 times in a row); image api:2',
    );
    expect(payloadOf(rule(), report)).toEqual({
      text: ':rotating_light: shop-api-1 in shop exited with code 3 (4 times in a row); image api:2\n```\nboom\n```',
    });
    expect(payloadOf(rule({ format: 'discord' }), report)).toEqual({
      content: expect.stringMatching(/^🚨 shop-api-1 .*\nboom\n```$/s),
    });
    expect(payloadOf(rule({ format: 'generic' }), report)).toEqual({
      event: 'crash_report',
      summary: headline(report),
      report: expect.not.objectContaining({ last_lines: expect.anything() }),
      last_lines: ['boom'],
    });
  });

  it('wait longer after each failed try, up to five minutes', () => {
    expect([1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([2000, 4000, 8000, 16_000, 300_000]);
  });
});
