/** Pure parts of the container page and of the live stats: inspect reading, rates, the chart's window. */
import { describe, expect, it } from 'vitest';
import { MASK } from '../../src/shared/masking.js';
import type { ContainerStats } from '../../src/shared/stats.js';
import {
  byteLabels,
  byteSteps,
  clockLabels,
  decimalsOf,
  percentLabels,
  timeSteps,
} from '../../src/web/features/container/lib/axis.js';
import { readOverview, readPorts } from '../../src/web/features/container/lib/overview.js';
import { appendSample, emptySeries } from '../../src/web/features/container/lib/series.js';
import {
  formatBytes,
  formatPercent,
  ratesBetween,
  sampleTime,
} from '../../src/web/lib/stats-rates.js';

function sample(
  read: string,
  totals: { rx?: number; tx?: number; read?: number; write?: number } = {},
): ContainerStats {
  return {
    cpu_percent: 1.5,
    online_cpus: 2,
    memory: { usage_bytes: 1024, limit_bytes: 4096, percent: 25 },
    network: { rx_bytes: totals.rx ?? 0, tx_bytes: totals.tx ?? 0 },
    block_io: { read_bytes: totals.read ?? 0, write_bytes: totals.write ?? 0 },
    pids: 1,
    read,
  };
}

describe('stats rates', () => {
  it("reads the engine's nanosecond timestamps to the millisecond", () => {
    expect(sampleTime('2026-11-30T05:49:55.123456789Z')).toBe(
      Date.UTC(2026, 10, 30, 5, 49, 55, 123),
    );
    expect(sampleTime('2026-11-30T05:49:55Z')).toBe(Date.UTC(2026, 10, 30, 5, 49, 55));
  });

  it('turns running totals into bytes per second over the time between samples', () => {
    const before = sample('2026-11-30T05:00:00.000000000Z', {
      rx: 1000,
      tx: 0,
      read: 0,
      write: 50,
    });
    const after = sample('2026-11-30T05:00:02.000000000Z', {
      rx: 5000,
      tx: 2048,
      read: 0,
      write: 50,
    });
    expect(ratesBetween(before, after)).toEqual({ rx: 2000, tx: 1024, read: 0, write: 0 });
  });

  it('tells no rate across a restart (totals went down) or without time between samples', () => {
    const before = sample('2026-11-30T05:00:00Z', { rx: 5000 });
    expect(ratesBetween(before, sample('2026-11-30T05:00:01Z', { rx: 10 }))).toBeNull();
    expect(ratesBetween(before, sample('2026-11-30T05:00:00Z', { rx: 6000 }))).toBeNull();
    expect(ratesBetween(before, sample('not a date', { rx: 6000 }))).toBeNull();
  });

  it('writes bytes and percentages short', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(12.3 * 1024 * 1024)).toBe('12.3 MiB');
    expect(formatBytes(150 * 1024 ** 3)).toBe('150 GiB');
    expect(formatBytes(-5)).toBe('0 B');
    expect(formatPercent(0.04)).toBe('0.0 %');
    expect(formatPercent(3.14159)).toBe('3.1 %');
    expect(formatPercent(180.4)).toBe('180 %');
  });
});

describe('the live chart series', () => {
  const at = (second: number, rx = second * 100) =>
    sample(new Date(Date.UTC(2026, 10, 30, 5, 0, second)).toISOString(), { rx });

  it('adds a point per sample, its rates from the one before (none for the first)', () => {
    let series = appendSample(emptySeries(), at(0), undefined);
    series = appendSample(series, at(1), at(0));
    expect(series.time).toHaveLength(2);
    expect(series.rx).toEqual([null, 100]);
    expect(series.cpu).toEqual([1.5, 1.5]);
    expect(series.memory).toEqual([1024, 1024]);
    expect(series.memoryLimit).toEqual([4096, 4096]);
  });

  it('keeps only the window, and leaves out a sample older than the last point', () => {
    let series = emptySeries();
    let previous: ContainerStats | undefined;
    for (let second = 0; second < 20; second += 1) {
      series = appendSample(series, at(second), previous, 10);
      previous = at(second);
    }
    expect(series.time).toHaveLength(10);
    expect(series.time[0]).toBe(Date.UTC(2026, 10, 30, 5, 0, 10) / 1000);
    expect(Object.values(series).every((column) => column.length === 10)).toBe(true);
    expect(appendSample(series, at(5), previous, 10)).toBe(series);
  });
});

describe("the live charts' axes", () => {
  const MiB = 1024 * 1024;
  /** Seconds since the epoch of a local clock time today. */
  const local = (h: number, m: number, s: number) =>
    new Date(2026, 10, 30, h, m, s).getTime() / 1000;

  it('labels time ticks with the local clock, with seconds only between minutes', () => {
    expect(clockLabels([local(9, 5, 0), local(10, 41, 0)], 60)).toEqual(['09:05', '10:41']);
    expect(clockLabels([local(10, 41, 0), local(10, 41, 20)], 20)).toEqual([
      '10:41:00',
      '10:41:20',
    ]);
    expect(clockLabels([local(10, 40, 0)], 120)).toEqual(['10:40']);
  });

  it('spaces time ticks a minute apart on a phone and a desktop, seconds on a wide plot', () => {
    const span = 5 * 60;
    // The smallest step uPlot may take comes first.
    expect(timeSteps(span, 270)[0]).toBe(60);
    expect(timeSteps(span, 480)[0]).toBe(60);
    expect(timeSteps(span, 1000)[0]).toBe(30);
    expect(timeSteps(span, 120)[0]).toBe(120);
  });

  it('steps bytes by 1, 2 and 5 of a unit, binary or decimal', () => {
    const binary = byteSteps(1024);
    expect(binary).toEqual([...binary].sort((a, b) => a - b));
    expect(binary).toEqual(expect.arrayContaining([500 * 1024, MiB, 2 * MiB, 20 * MiB]));
    expect(binary).not.toContain(1000 * 1024);
    expect(byteSteps(1000)).toEqual(expect.arrayContaining([500, 1000, 2000, 500_000, 1e6]));
  });

  it('labels an axis in one unit: the largest tick’s when the step is round in it', () => {
    expect(byteLabels([0, 20 * MiB, 40 * MiB, 60 * MiB], 20 * MiB, 1024)).toEqual([
      '0',
      '20 MiB',
      '40 MiB',
      '60 MiB',
    ]);
    // 500 KiB is no round number of MiB: the axis stays in KiB.
    expect(byteLabels([0, 512_000, 1_024_000, 1_536_000], 512_000, 1024)).toEqual([
      '0',
      '500 KiB',
      '1000 KiB',
      '1500 KiB',
    ]);
    expect(byteLabels([0, 500_000, 1_000_000, 1_500_000], 500_000, 1000, '/s')).toEqual([
      '0',
      '0.5 MB/s',
      '1.0 MB/s',
      '1.5 MB/s',
    ]);
    expect(byteLabels([0, 200, 400, 600], 200, 1000, '/s')).toEqual([
      '0',
      '200 B/s',
      '400 B/s',
      '600 B/s',
    ]);
  });

  it('labels percentages with the decimals their step needs', () => {
    expect(percentLabels([0, 0.5, 1], 0.5)).toEqual(['0', '0.5 %', '1.0 %']);
    expect(percentLabels([0, 50, 100], 50)).toEqual(['0', '50 %', '100 %']);
    expect(decimalsOf(0.25)).toBe(2);
    expect(decimalsOf(0.1 + 0.2)).toBe(1);
  });
});

describe('the overview, read from inspect', () => {
  const inspect = {
    Id: 'abc123',
    Name: '/shop-web-1',
    Created: '2026-11-30T05:00:00.000000000Z',
    Image: 'sha256:feed',
    RestartCount: 2,
    State: {
      Status: 'running',
      StartedAt: '2026-11-30T05:00:01Z',
      FinishedAt: '0001-01-01T00:00:00Z',
      ExitCode: 0,
      OOMKilled: false,
      Health: {
        Status: 'unhealthy',
        FailingStreak: 3,
        Log: [
          { Start: 'a', End: 'b', ExitCode: 1, Output: 'first\n' },
          { Start: 'c', End: 'd', ExitCode: 1, Output: 'last\n' },
        ],
      },
    },
    Config: {
      Image: 'shop/web:1',
      Env: [`DB_PASSWORD=${MASK}`, 'PLAIN=1', `URL=postgres://u:${MASK}@db/x`, 'EMPTY='],
      Cmd: ['sleep', '600'],
      Entrypoint: null,
      Labels: { 'b.label': '2', 'a.label': '1' },
      Healthcheck: { Test: ['CMD-SHELL', 'exit 1'] },
    },
    HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 }, Memory: 0 },
    NetworkSettings: {
      Ports: { '81/udp': null, '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] },
      Networks: { bridge: { IPAddress: '10.1.0.2', IPPrefixLen: 24, Gateway: '10.1.0.1' } },
    },
    Mounts: [{ Type: 'volume', Name: 'data', Source: '/v', Destination: '/data', RW: false }],
  };

  it('reads every section, marking the values the server masked', () => {
    const overview = readOverview(inspect);
    expect(overview.name).toBe('shop-web-1');
    expect(overview.finishedAt).toBeNull();
    expect(overview.restartPolicy).toBe('on-failure (at most 5)');
    expect(overview.env).toEqual([
      { name: 'DB_PASSWORD', value: MASK, masked: true },
      { name: 'PLAIN', value: '1', masked: false },
      { name: 'URL', value: `postgres://u:${MASK}@db/x`, masked: true },
      { name: 'EMPTY', value: '', masked: false },
    ]);
    expect(overview.ports).toEqual([
      { container: '80/tcp', host: '127.0.0.1:18080', hostPort: '18080' },
      { container: '81/udp', host: null, hostPort: null },
    ]);
    expect(overview.mounts).toEqual([
      { type: 'volume', source: '/v', destination: '/data', readOnly: true, name: 'data' },
    ]);
    expect(overview.networks[0]).toMatchObject({ name: 'bridge', ip: '10.1.0.2/24' });
    expect(overview.labels).toEqual([
      ['a.label', '1'],
      ['b.label', '2'],
    ]);
    expect(overview.health).toEqual({
      status: 'unhealthy',
      failingStreak: 3,
      test: 'CMD-SHELL exit 1',
      log: [
        { start: 'c', end: 'd', exitCode: 1, output: 'last' },
        { start: 'a', end: 'b', exitCode: 1, output: 'first' },
      ],
    });
    expect(overview.command).toEqual(['sleep', '600']);
    expect(overview.entrypoint).toEqual([]);
  });

  it('gives empty values, not errors, for an answer missing its fields', () => {
    const overview = readOverview({ Config: 'odd', NetworkSettings: { Ports: [] } });
    expect(overview).toMatchObject({ id: '', name: '', env: [], ports: [], health: null });
    expect(overview.restartPolicy).toBe('no');
  });

  it('writes IPv6 host addresses in brackets', () => {
    expect(readPorts({ '80/tcp': [{ HostIp: '::', HostPort: '8080' }] })[0]!.host).toBe(
      '[::]:8080',
    );
  });
});
