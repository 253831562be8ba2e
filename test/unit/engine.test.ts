import { Readable } from 'node:stream';
import type { Container } from '../../src/shared/containers.js';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, LineBuffer, MAX_LINE_CHARS } from '../../src/server/engine/demux.js';
import { fromDockerError } from '../../src/server/engine/errors.js';
import {
  AppliedEvents,
  parseEvent,
  sinceFromClock,
  sinceParam,
} from '../../src/server/engine/events.js';
import { lastLines, searchStream } from '../../src/server/engine/logsearch.js';
import type { LineFilter } from '../../src/server/engine/linefilter.js';
import { compileLineMatcher } from '../../src/shared/logmatch.js';
import {
  atOrBefore,
  byTime,
  justAfter,
  justBefore,
  laterBy,
  splitTimestamp,
  unixSecondsOf,
} from '../../src/server/engine/timestamps.js';
import { ContainerModel } from '../../src/server/engine/model.js';
import { recreateSpec } from '../../src/server/engine/rebuild.js';
import { decodeStats, statsTotals } from '../../src/server/engine/stats.js';
import { MASK } from '../../src/shared/masking.js';
import {
  composeInfo,
  displayProject,
  formatPorts,
  maskInspect,
  toContainer,
  timesFromStatus,
  healthFromStatus,
  humanDurationMs,
  toImage,
  imageUsage,
} from '../../src/server/engine/normalize.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe('log demultiplexing', () => {
  it('decodes frames split anywhere, headers included', () => {
    const bytes = Buffer.concat([
      frame(1, 'out one\n'),
      frame(2, 'err one\n'),
      frame(1, 'out two\n'),
    ]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoder = new FrameDecoder();
      const frames = [
        ...decoder.push(bytes.subarray(0, cut)),
        ...decoder.push(bytes.subarray(cut)),
      ];
      expect(frames.map((f) => `${f.stream}:${f.data.toString()}`)).toEqual([
        'stdout:out one\n',
        'stderr:err one\n',
        'stdout:out two\n',
      ]);
      expect(decoder.buffered).toBe(0);
    }
  });

  it('joins a line split over frames and keeps a partial last line', async () => {
    const bytes = Buffer.concat([frame(1, 'hel'), frame(1, 'lo\nwor'), frame(1, 'ld')]);
    expect((await lastLines(Readable.from([bytes]), false, 10)).lines).toEqual([
      { stream: 'stdout', line: 'hello' },
      { stream: 'stdout', line: 'world' },
    ]);
  });

  it('reads TTY output raw, CRLF included, and keeps only the last lines asked for', async () => {
    expect(await lastLines(Readable.from([Buffer.from('a\r\nb\nc\n')]), true, 2)).toEqual({
      lines: [
        { stream: 'stdout', line: 'b' },
        { stream: 'stdout', line: 'c' },
      ],
      cut: 'lines',
    });
    expect(await lastLines(Readable.from([Buffer.from('a\nb\n')]), true, Infinity)).toEqual({
      lines: [
        { stream: 'stdout', line: 'a' },
        { stream: 'stdout', line: 'b' },
      ],
      cut: null,
    });
    const buffer = new LineBuffer();
    expect(buffer.push('x\ny')).toEqual(['x']);
    expect(buffer.flush()).toEqual(['y']);
  });

  it('keeps the newest lines within a byte cap, saying it cut them', async () => {
    const text = Buffer.from('aaaa\nbbbb\ncccc\ndddd\n');
    expect(await lastLines(Readable.from([text]), true, 100, 10)).toEqual({
      lines: [
        { stream: 'stdout', line: 'cccc' },
        { stream: 'stdout', line: 'dddd' },
      ],
      cut: 'bytes',
    });
  });

  it('cuts a line that never ends at MAX_LINE_CHARS, dropping the rest as it comes', () => {
    const buffer = new LineBuffer();
    const piece = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 40; i++) expect(buffer.push(piece)).toEqual([]);
    const [line, next] = buffer.push('y\nnext\n');
    expect(line).toHaveLength(MAX_LINE_CHARS);
    expect(next).toBe('next');
  });
});

describe('events', () => {
  const line =
    '{"status":"start","id":"abc","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"web"}},"scope":"local","time":1795555430,"timeNano":1795555430787393359}';

  it('parse with the exact nanosecond time', () => {
    expect(parseEvent(line)).toEqual({
      type: 'container',
      action: 'start',
      id: 'abc',
      timeNano: '1795555430787393359',
      attributes: { name: 'web' },
    });
    expect(parseEvent('not json')).toBeUndefined();
    expect(parseEvent('{"Type":"container"}')).toBeUndefined();
  });

  it('resume with since in seconds.nanoseconds', () => {
    expect(sinceParam('1795555430787393359')).toBe('1795555430.787393359');
    expect(sinceFromClock('2026-11-24T21:31:49.123456789Z')).toBe(
      `${Date.UTC(2026, 10, 24, 21, 31, 49) / 1000}.123456789`,
    );
    expect(sinceFromClock('2026-11-24T21:31:49Z')).toBe(
      `${Date.UTC(2026, 10, 24, 21, 31, 49) / 1000}.000000000`,
    );
  });

  it('are applied once, replays skipped', () => {
    const applied = new AppliedEvents(2);
    const event = parseEvent(line)!;
    expect(applied.firstTime(event)).toBe(true);
    expect(applied.firstTime(event)).toBe(false);
    expect(applied.firstTime({ ...event, action: 'die' })).toBe(true);
  });
});

describe('normalising', () => {
  const raw = {
    Id: 'f'.repeat(64),
    Names: ['/web-1'],
    Image: 'sha256:' + 'a'.repeat(64),
    ImageID: 'sha256:' + 'a'.repeat(64),
    Created: 1795555430,
    State: 'running',
    Ports: [
      { PrivatePort: 80, PublicPort: 18080, Type: 'tcp', IP: '0.0.0.0' },
      { PrivatePort: 80, PublicPort: 18080, Type: 'tcp', IP: '::' },
      { PrivatePort: 81, PublicPort: 18081, Type: 'udp' },
      { PrivatePort: 9000, Type: 'tcp' },
    ],
    Labels: { 'com.docker.compose.project': 'my_proj-x', 'com.docker.compose.service': 'web' },
  };

  it('gives the REST container, with the image tag for a bare sha', () => {
    expect(toContainer(raw, () => 'nginx:1')).toMatchObject({
      id: raw.Id,
      name: 'web-1',
      image: 'nginx:1',
      status: 'running',
      state: 'running',
      created: new Date(1795555430 * 1000).toISOString(),
      ports: '18080->80/tcp, 18081->81/udp',
      compose_project: 'Docker Compose: My Proj X',
      compose_service: 'web',
      project: 'my_proj-x',
      service: 'web',
    });
    expect(toContainer({ ...raw, State: 'exited', Labels: null }, () => undefined)).toMatchObject({
      state: 'stopped',
      compose_project: 'Standalone Containers',
      compose_service: 'unknown',
      project: null,
      service: null,
    });
    expect(formatPorts([])).toBe('');
    expect(displayProject(null)).toBe('Standalone Containers');
  });

  it("reads start and exit times and the exit code from the list's status words", () => {
    const now = Date.parse('2026-11-29T12:00:00.000Z');
    const ago = (ms: number) => new Date(now - ms).toISOString();
    expect(timesFromStatus('Up 2 hours (healthy)', now)).toEqual({
      started_at: ago(2 * 3_600_000),
      finished_at: null,
      exit_code: null,
    });
    expect(timesFromStatus('Up Less than a second', now).started_at).toBe(ago(0));
    expect(timesFromStatus('Up About a minute (Paused)', now).started_at).toBe(ago(60_000));
    expect(timesFromStatus('Exited (137) About an hour ago', now)).toEqual({
      started_at: null,
      finished_at: ago(3_600_000),
      exit_code: 137,
    });
    expect(timesFromStatus('Restarting (1) 5 seconds ago', now).exit_code).toBe(1);
    expect(timesFromStatus('Exited (0) 3 weeks ago', now).finished_at).toBe(ago(21 * 86_400_000));
    for (const words of ['Created', 'Dead', 'Removal In Progress', undefined])
      expect(timesFromStatus(words, now)).toEqual({
        started_at: null,
        finished_at: null,
        exit_code: null,
      });
    expect(humanDurationMs('a while')).toBeUndefined();
    // Inspect's shape carries exact times; "0001-01-01" is the engine's "never".
    expect(
      toContainer(
        {
          ...raw,
          State: {
            Status: 'exited',
            StartedAt: '2026-11-29T10:00:00.5Z',
            FinishedAt: '2026-11-29T11:00:00Z',
            ExitCode: 3,
          },
        },
        () => undefined,
      ),
    ).toMatchObject({ started_at: null, finished_at: '2026-11-29T11:00:00.000Z', exit_code: 3 });
    expect(
      toContainer(
        { ...raw, State: { Status: 'created', StartedAt: '0001-01-01T00:00:00Z' } },
        () => undefined,
      ),
    ).toMatchObject({ started_at: null, finished_at: null, exit_code: null });
  });

  it("reads the health check's verdict from the list's status words, only while running", () => {
    expect(healthFromStatus('Up 5 minutes (healthy)')).toBe('healthy');
    expect(healthFromStatus('Up About an hour (unhealthy)')).toBe('unhealthy');
    expect(healthFromStatus('Up Less than a second (health: starting)')).toBe('starting');
    for (const words of [
      'Up 5 minutes', // no health check
      'Up 2 hours (Paused)', // the engine shows the pause instead
      'Exited (0) 3 seconds ago',
      'Restarting (1) 5 seconds ago',
      'Created',
      'Dead',
      'Removal In Progress',
      'Up 5 minutes (healthy', // cut short
      'Up 5 minutes (sick)',
      'Up 5 minutes (constructor)', // no property of a plain object passes for a verdict
      '(healthy)',
      '',
      undefined,
    ])
      expect(healthFromStatus(words), String(words)).toBeNull();
    // The list's words when listed, inspect's State.Health while running when inspected.
    expect(toContainer({ ...raw, Status: 'Up 2 hours (unhealthy)' }, () => undefined).health).toBe(
      'unhealthy',
    );
    expect(toContainer({ ...raw, Status: 'Up 2 hours' }, () => undefined).health).toBeNull();
    const inspected = (Status: string, health: string) =>
      toContainer({ ...raw, State: { Status, Health: { Status: health } } }, () => undefined)
        .health;
    expect(inspected('running', 'starting')).toBe('starting');
    expect(inspected('running', 'none')).toBeNull();
    expect(inspected('paused', 'healthy')).toBeNull();
    expect(inspected('exited', 'unhealthy')).toBeNull();
  });

  describe("compose fields, by the original's rules", () => {
    const PROJECT = 'com.docker.compose.project';
    const SERVICE = 'com.docker.compose.service';
    const NAME = 'com.docker.compose.container-name';

    it('title-cases the project as Python capitalize does: first letter up, the rest down', () => {
      expect(composeInfo({ [PROJECT]: 'my-shop', [SERVICE]: 'web' })).toEqual({
        compose_project: 'Docker Compose: My Shop',
        compose_service: 'web',
        project: 'my-shop',
        service: 'web',
      });
      expect(composeInfo({ [PROJECT]: 'MY_SHOP--API', [SERVICE]: 'Web' }).compose_project).toBe(
        'Docker Compose: My Shop Api',
      );
      expect(composeInfo({ [PROJECT]: 'eCommerce v2', [SERVICE]: 'x' }).compose_project).toBe(
        'Docker Compose: Ecommerce V2',
      );
      expect(composeInfo({ [PROJECT]: '-_-', [SERVICE]: 'x' }).compose_project).toBe(
        'Docker Compose: ',
      );
    });

    it('without labels, a standalone container of service "unknown"', () => {
      expect(composeInfo({})).toEqual({
        compose_project: 'Standalone Containers',
        compose_service: 'unknown',
        project: null,
        service: null,
      });
      // The original tested labels for truth: empty ones count as absent.
      expect(composeInfo({ [PROJECT]: '', [SERVICE]: '' })).toMatchObject({
        compose_project: 'Standalone Containers',
        compose_service: 'unknown',
        project: null,
      });
    });

    it('without a project label, reads project and service from the container-name label', () => {
      expect(composeInfo({ [NAME]: 'shop_web_1' })).toEqual({
        compose_project: 'Docker Compose: Shop',
        compose_service: 'web',
        project: null,
        service: null,
      });
      // One part only: still standalone, the name standing for the service (its label ignored).
      expect(composeInfo({ [NAME]: 'lonely', [SERVICE]: 'svc' })).toEqual({
        compose_project: 'Standalone Containers',
        compose_service: 'lonely',
        project: null,
        service: 'svc',
      });
    });

    it('with a project but no service label, the service from the container name, else "unknown"', () => {
      expect(composeInfo({ [PROJECT]: 'shop', [NAME]: 'shop_db_1' }).compose_service).toBe('db');
      expect(composeInfo({ [PROJECT]: 'shop', [NAME]: 'db' }).compose_service).toBe('db');
      expect(composeInfo({ [PROJECT]: 'shop' })).toEqual({
        compose_project: 'Docker Compose: Shop',
        compose_service: 'unknown',
        project: 'shop',
        service: null,
      });
    });

    it('leaves a project named like the fallback text as it is', () => {
      expect(composeInfo({ [PROJECT]: 'Standalone Containers' }).compose_project).toBe(
        'Standalone Containers',
      );
    });
  });

  it('gives the REST image, size in MB with 2 decimals', () => {
    expect(
      toImage(
        {
          Id: 'sha256:1',
          RepoTags: ['<none>:<none>'],
          RepoDigests: null,
          Size: 1572864,
          Created: 0,
          ParentId: '',
          Labels: null,
        },
        { containers: 2, running: 1 },
      ),
    ).toEqual({
      id: 'sha256:1',
      tags: [],
      size: 1.5,
      size_bytes: 1572864,
      created: '1970-01-01T00:00:00.000Z',
      repo_digests: [],
      parent_id: '',
      labels: null,
      dangling: true,
      containers: 2,
      running_containers: 1,
    });
  });

  it('counts the containers of each image, and the running ones (paused and restarting run)', () => {
    const use = (image_id: string, state: Container['state']) => ({ image_id, state }) as Container;
    const usage = imageUsage([
      use('sha256:a', 'running'),
      use('sha256:a', 'stopped'),
      use('sha256:a', 'paused'),
      use('sha256:b', 'stopped'),
    ]);
    expect(Object.fromEntries(usage)).toEqual({
      'sha256:a': { containers: 3, running: 2 },
      'sha256:b': { containers: 1, running: 0 },
    });
  });

  it('masks labels where the model stores them, the compose fields read from the raw ones', () => {
    const container = toContainer(
      {
        Id: 'abc',
        Names: ['/web'],
        Image: 'x',
        Created: 0,
        State: 'running',
        Labels: {
          'com.docker.compose.project': 'shop',
          'db.password': 'hunter2',
          'app.db': 'postgres://u:pw@db/shop',
        },
      },
      () => undefined,
    );
    expect(container.project).toBe('shop');
    expect(container.labels).toEqual({
      'com.docker.compose.project': 'shop',
      'db.password': MASK,
      'app.db': `postgres://u:${MASK}@db/shop`,
    });
    const image = toImage(
      { Id: 'sha256:1', Size: 0, Created: 0, Labels: { 'x.token': 't' } },
      { containers: 0, running: 0 },
    );
    expect(image.labels).toEqual({ 'x.token': MASK });
  });

  it("masks an inspect answer's environment, labels, command, health check and log options", () => {
    const info = {
      Id: 'abc',
      Path: 'app',
      Args: ['--db-password', 'pw', '--port', '80'],
      Config: {
        Env: ['DB_PASS=pw', 'HOME=/root'],
        Labels: { 'db.password': 'pw' },
        Cmd: ['--db-password=pw'],
        Entrypoint: ['app'],
        Healthcheck: { Test: ['CMD-SHELL', 'curl -H "Authorization: Bearer abcdefghij" x'] },
        Image: 'x',
      },
      HostConfig: { LogConfig: { Type: 'splunk', Config: { 'splunk-token': 'tk' } }, Memory: 0 },
    };
    expect(maskInspect(info)).toEqual({
      Id: 'abc',
      Path: 'app',
      Args: ['--db-password', MASK, '--port', '80'],
      Config: {
        Env: [`DB_PASS=${MASK}`, 'HOME=/root'],
        Labels: { 'db.password': MASK },
        Cmd: [`--db-password=${MASK}`],
        Entrypoint: ['app'],
        Healthcheck: { Test: ['CMD-SHELL', `curl -H "Authorization: Bearer ${MASK}" x`] },
        Image: 'x',
      },
      HostConfig: { LogConfig: { Type: 'splunk', Config: { 'splunk-token': MASK } }, Memory: 0 },
    });
    // A copy: the engine's answer is left as it was.
    expect(info.Config.Env[0]).toBe('DB_PASS=pw');
  });
});

describe('the container model', () => {
  const container = toContainer(
    { Id: 'abc123456789def', Names: ['/one'], Image: 'x', Created: 0, State: 'running' },
    () => undefined,
  );

  it('finds by id, unique prefix or name, and tells subscribers of real changes only', () => {
    const model = new ContainerModel();
    const changes: string[] = [];
    model.subscribe((c) => changes.push(`${c.kind}:${c.container.status}`));
    model.upsert(container);
    model.upsert({ ...container });
    model.upsert({ ...container, health: 'healthy' });
    model.upsert({ ...container, status: 'exited', state: 'stopped' });
    expect(model.find('abc1234')?.name).toBe('one');
    expect(model.find('one')?.id).toBe(container.id);
    expect(model.find('zzz')).toBeUndefined();
    model.replaceAll([]);
    expect(changes).toEqual([
      'upsert:running',
      'upsert:running', // the health check's verdict is a change too
      'upsert:exited',
      'remove:exited',
    ]);
  });
});

describe('engine errors', () => {
  it('map statuses and socket failures', () => {
    expect(
      fromDockerError({ statusCode: 404, json: { message: 'No such container: x' } }),
    ).toMatchObject({ kind: 'not_found', message: 'No such container: x' });
    expect(fromDockerError({ statusCode: 409, json: { message: 'in use' } }).kind).toBe('conflict');
    expect(
      fromDockerError({ statusCode: 500, json: { message: 'Container abc is not paused' } }).kind,
    ).toBe('conflict');
    expect(fromDockerError({ statusCode: 500, json: { message: 'driver failed' } }).kind).toBe(
      'engine',
    );
    expect(
      fromDockerError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }),
    ).toMatchObject({ kind: 'unavailable' });
  });

  it("mask secrets the engine's message quotes", () => {
    const quoted = 'exec: "--db-password=hunter2": executable file not found in $PATH';
    expect(fromDockerError({ statusCode: 400, json: { message: quoted } }).message).toBe(
      `exec: "--db-password=${MASK} executable file not found in $PATH`,
    );
  });
});

describe('rebuild spec', () => {
  it('reproduces the container, keeping anonymous volumes and dropping engine-made names', () => {
    const id = 'abcdef1234567890';
    const info = {
      Id: id,
      Name: '/web',
      Config: {
        Hostname: id.slice(0, 12),
        Image: 'nginx:1',
        Labels: { team: 'blue' },
        Env: ['A=1'],
      },
      HostConfig: {
        Binds: ['data:/data'],
        NetworkMode: 'front',
        RestartPolicy: { Name: 'always' },
      },
      Mounts: [
        { Type: 'volume', Name: 'data', Destination: '/data', RW: true },
        { Type: 'volume', Name: 'f00d', Destination: '/cache', RW: false },
      ],
      NetworkSettings: {
        Networks: {
          front: { Aliases: [id.slice(0, 12), 'web'], IPAMConfig: null },
          back: { Aliases: ['api'] },
        },
      },
    } as unknown as Parameters<typeof recreateSpec>[0];
    const { create, extraNetworks } = recreateSpec(info);
    expect(create).toMatchObject({
      name: 'web',
      Image: 'nginx:1',
      Labels: { team: 'blue' },
      HostConfig: { Binds: ['data:/data', 'f00d:/cache:ro'], RestartPolicy: { Name: 'always' } },
      NetworkingConfig: { EndpointsConfig: { front: { Aliases: ['web'] } } },
    });
    expect(create).not.toHaveProperty('Hostname');
    expect(extraNetworks).toEqual([{ name: 'back', config: { Aliases: ['api'] } }]);
  });
});

describe('stats decoding', () => {
  it('computes CPU %, memory without page cache, network and block I/O sums', () => {
    const stats = decodeStats({
      read: '2026-11-24T21:00:00Z',
      cpu_stats: {
        cpu_usage: { total_usage: 3_000_000 },
        system_cpu_usage: 20_000_000,
        online_cpus: 2,
      },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 10_000_000 },
      memory_stats: { usage: 150, limit: 1000, stats: { inactive_file: 50 } },
      networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      blkio_stats: {
        io_service_bytes_recursive: [
          { op: 'Read', value: 7 },
          { op: 'Write', value: 9 },
          { op: 'read', value: 1 },
        ],
      },
      pids_stats: { current: 3 },
    });
    expect(stats).toEqual({
      cpu_percent: 40,
      online_cpus: 2,
      memory: { usage_bytes: 100, limit_bytes: 1000, percent: 10 },
      network: { rx_bytes: 11, tx_bytes: 22 },
      block_io: { read_bytes: 8, write_bytes: 9 },
      pids: 3,
      read: '2026-11-24T21:00:00Z',
    });
    expect(decodeStats({}).cpu_percent).toBe(0);
  });

  it("keeps the engine's time of a one-shot reading, none for a container not running", () => {
    const reading = (read?: string) =>
      statsTotals({ ...(read === undefined ? {} : { read }), cpu_stats: {} });
    // The engine stamps in nanoseconds; milliseconds are what a rate needs.
    expect(reading('2026-11-30T21:56:30.123456789Z')).toMatchObject({
      read_at_ms: Date.UTC(2026, 10, 30, 21, 56, 30, 123),
    });
    expect(reading('0001-01-01T00:00:00Z').read_at_ms).toBeNull();
    expect(reading().read_at_ms).toBeNull();
  });
});

describe('log search', () => {
  const timestamped = (i: number) =>
    `2026-11-24T21:00:00.${String(i).padStart(9, '0')}Z entry ${i}\n`;
  const UNBOUNDED = { lines: Infinity, bytes: Infinity, seconds: 60 };
  const filterOf = (q: string, regex: boolean): LineFilter => {
    const matches = compileLineMatcher(q, regex);
    return { match: (lines) => Uint8Array.from(lines, (l) => (matches(l) ? 1 : 0)), close() {} };
  };
  const base = Date.UTC(2026, 10, 24, 21) / 1000;

  it('stops at its line and byte bounds, saying which, with a cursor to continue', async () => {
    const log = () =>
      Readable.from(Array.from({ length: 10 }, (_, i) => Buffer.from(timestamped(i))));
    const options = { tty: true, filter: filterOf('entry', false), limit: 100, from: null };
    const byLines = await searchStream(log(), {
      ...options,
      bounds: { ...UNBOUNDED, lines: 4 },
    });
    expect([byLines.scanned, byLines.stopped, byLines.cursor]).toEqual([
      4,
      'lines',
      `${base}.000000004`,
    ]);
    const byBytes = await searchStream(log(), {
      ...options,
      bounds: { ...UNBOUNDED, bytes: 2 * timestamped(0).length },
    });
    expect([byBytes.scanned, byBytes.stopped, byBytes.cursor]).toEqual([
      2,
      'bytes',
      `${base}.000000002`,
    ]);
  });

  it('stops at its deadline even while a batch is still being matched', async () => {
    const stuck: LineFilter = { match: () => new Promise<Uint8Array>(() => {}), close() {} };
    const result = await searchStream(Readable.from([Buffer.from(timestamped(1))]), {
      tty: true,
      filter: stuck,
      limit: 10,
      bounds: { ...UNBOUNDED, seconds: 0.05 },
      from: '1795000000.5',
    });
    // Nothing was read to the end: the client continues where it began.
    expect(result).toEqual({ matches: [], scanned: 0, cursor: '1795000000.5', stopped: 'time' });
  });

  it('matches streamed frames, stops at the limit with a cursor after the last line read', async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => frame(i % 2 === 0 ? 1 : 2, timestamped(i)));
    const result = await searchStream(Readable.from([Buffer.concat(chunks)]), {
      tty: false,
      filter: filterOf('ENTRY', false),
      limit: 3,
      bounds: UNBOUNDED,
      from: null,
    });
    expect(result.matches.map((m) => `${m.stream}:${m.line}`)).toEqual([
      'stdout:entry 0',
      'stderr:entry 1',
      'stdout:entry 2',
    ]);
    expect(result.scanned).toBe(3);
    expect(result.stopped).toBe('matches');
    expect(result.cursor).toBe(`${Date.UTC(2026, 10, 24, 21) / 1000}.000000003`);
  });

  it('takes a stderr line stamped before the stop but written after it: no page loses it', async () => {
    // stdout 0..9, and a stderr line stamped 3 written after stdout's 5 (the engine stamps the
    // two apart). A page of four matches stops after 0..3 and 4: the straggler is ahead.
    const order = [0, 1, 2, 4, 5, 3, 6, 7, 8, 9];
    const log = Buffer.concat(order.map((i) => frame(i === 3 ? 2 : 1, timestamped(i))));
    const page = (from: string | null) =>
      searchStream(Readable.from([log]), {
        tty: false,
        filter: filterOf('entry', false),
        limit: 4,
        bounds: UNBOUNDED,
        from,
      });
    const first = await page(null);
    // 0, 1, 2, 4 as asked, and the straggler 3 read two lines on; 5 is the next page's.
    expect(first.matches.map((m) => m.line)).toEqual([
      'entry 0',
      'entry 1',
      'entry 2',
      'entry 4',
      'entry 3',
    ]);
    expect(first.cursor).toBe(`${base}.000000005`);
    // The engine's since skips what the cursor passed: the next page is what remains, once each.
    const rest = Buffer.concat(
      order.filter((i) => i >= 5).map((i) => frame(i === 3 ? 2 : 1, timestamped(i))),
    );
    const second = await searchStream(Readable.from([rest]), {
      tty: false,
      filter: filterOf('entry', false),
      limit: 100,
      bounds: UNBOUNDED,
      from: first.cursor,
    });
    const lines = [...first.matches, ...second.matches].map((m) => m.line);
    expect(lines.toSorted()).toEqual(order.map((i) => `entry ${i}`).toSorted());
  });

  it('continues after the latest line read, so a page ending on a straggler repeats nothing', async () => {
    // Stopped on the straggler 3 (after 4 in the file): the next page begins after 4, not 3.
    const order = [0, 1, 2, 4, 3, 5];
    const log = Buffer.concat(order.map((i) => frame(i === 3 ? 2 : 1, timestamped(i))));
    const result = await searchStream(Readable.from([log]), {
      tty: false,
      filter: filterOf('entry', false),
      limit: 5,
      bounds: UNBOUNDED,
      from: null,
    });
    expect(result.matches.map((m) => m.line)).toEqual([
      'entry 0',
      'entry 1',
      'entry 2',
      'entry 4',
      'entry 3',
    ]);
    expect(result.cursor).toBe(`${base}.000000005`);
  });

  it('returns lines of context around each match, cut short only where the search stopped', async () => {
    const log = Readable.from([
      Buffer.from(Array.from({ length: 10 }, (_, i) => timestamped(i)).join('')),
    ]);
    const result = await searchStream(log, {
      tty: true,
      filter: filterOf('entry [08]$', true),
      limit: 10,
      context: 2,
      bounds: UNBOUNDED,
      from: null,
    });
    const text = (lines: Array<{ line: string }> | undefined) => lines?.map((l) => l.line);
    expect(result.matches.map((m) => [text(m.before), m.line, text(m.after)])).toEqual([
      [[], 'entry 0', ['entry 1', 'entry 2']],
      [['entry 6', 'entry 7'], 'entry 8', ['entry 9']],
    ]);
    expect(result.matches[1]!.before![0]!.timestamp).toMatch(/^2026-11-24T21:00:00\.000000006/);
  });

  it('reads to the end with no cursor when the limit is not reached', async () => {
    const result = await searchStream(
      Readable.from([Buffer.from(timestamped(1) + timestamped(22))]),
      {
        tty: true,
        filter: filterOf('entry 2\\d$', true),
        limit: 10,
        bounds: UNBOUNDED,
        from: null,
      },
    );
    expect(result.matches.map((m) => m.line)).toEqual(['entry 22']);
    expect(result.cursor).toBeNull();
    expect(result.stopped).toBeNull();
  });

  it('moves cursors by one nanosecond across a second', () => {
    const base = Date.UTC(2026, 10, 24, 21) / 1000;
    expect(justAfter('2026-11-24T21:00:00.999999999Z')).toBe(`${base + 1}.000000000`);
    expect(justBefore('2026-11-24T21:00:00Z')).toBe(`${base - 1}.999999999`);
    expect(splitTimestamp('2026-11-24T21:00:00Z a b')).toEqual({
      timestamp: '2026-11-24T21:00:00Z',
      text: 'a b',
    });
  });

  it('compares a line with an until in unix seconds, to the nanosecond', () => {
    const base = Date.UTC(2026, 10, 24, 21) / 1000;
    const line = '2026-11-24T21:00:00.5Z';
    expect(atOrBefore(line, `${base}.500000000`)).toBe(true);
    expect(atOrBefore(line, `${base}.499999999`)).toBe(false);
    expect(atOrBefore(line, `${base}.5`)).toBe(true);
    expect(atOrBefore(line, base + 0.5)).toBe(true);
    expect(atOrBefore(line, base + 0.25)).toBe(false);
    expect(atOrBefore(line, `${base + 1}`)).toBe(true);
    expect(atOrBefore(line, `${base - 1}.999999999`)).toBe(false);
    expect(laterBy(`${base}.000000001`, 2)).toBe(`${base + 2}.000000001`);
    expect(laterBy(base + 0.5, 2)).toBe(`${base + 2}.500000000`);
    // A line's own time selects that line: no float in between.
    expect(unixSecondsOf('2026-01-02T03:04:06.465000000Z')).toBe('1767323046.465000000');
    expect(unixSecondsOf('2026-01-02T04:04:06.000000001+01:00')).toBe('1767323046.000000001');
    expect(unixSecondsOf('2026-01-02')).toBe('1767312000.000000000');
    expect(unixSecondsOf('xT12:00:00Z')).toBeUndefined();
    expect(unixSecondsOf('yesterday')).toBeUndefined();
  });

  it('puts lines in time order, stable among equal stamps and for unstamped lines', () => {
    const lines = [
      '2026-11-24T21:00:00.1Z a',
      '2026-11-24T21:00:00.3Z b',
      '2026-11-24T21:00:00.2Z c (stamped apart, written after b)',
      'continued',
      '2026-11-24T21:00:00.3Z d',
      '2026-11-24T21:00:00.25Z e',
    ];
    expect(byTime(lines, (l) => splitTimestamp(l).timestamp)).toEqual([
      '2026-11-24T21:00:00.1Z a',
      '2026-11-24T21:00:00.2Z c (stamped apart, written after b)',
      'continued',
      '2026-11-24T21:00:00.25Z e',
      '2026-11-24T21:00:00.3Z b',
      '2026-11-24T21:00:00.3Z d',
    ]);
  });
});
