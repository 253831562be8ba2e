import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config/load.js';
import { compileAccessFormat, type AccessInfo } from '../../src/server/logging/access.js';
import { Logging } from '../../src/server/logging/index.js';
import { describeHidden, NoiseFilter } from '../../src/server/logging/noise.js';
import { planLogging } from '../../src/server/logging/plan.js';
import {
  apacheTime,
  compilePercentFormat,
  compileStrftime,
} from '../../src/server/logging/pyformat.js';
import { jsonFormatter, textFormatter, type LogRecord } from '../../src/server/logging/record.js';
import {
  DEFAULT_NOISE_PATTERNS,
  DEFAULT_SOCKETIO_NOISE_PATTERNS,
} from '../../src/server/config/sections/logging.js';

const LINE =
  /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[\d+\] \[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\] /;

function record(overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    level: 30,
    time: Date.UTC(2026, 10, 24, 20, 29, 6, 45),
    name: 'dwi.error',
    msg: 'hello',
    pid: 42,
    extra: {},
    ...overrides,
  };
}

describe('Python %-formats', () => {
  it('fill fields with width, alignment and precision', () => {
    const fill = compilePercentFormat('[%(a)-6s|%(b)5s|%(c)03d|%(d).2f|%%]', () => true);
    const values: Record<string, unknown> = { a: 'x', b: 'y', c: 7, d: 1.23456 };
    expect(fill((k) => values[k])).toBe('[x     |    y|007|1.23|%]');
  });

  it('refuse unknown fields when asked to', () => {
    expect(() => compilePercentFormat('%(nope)s', (k) => k === 'ok')).toThrow(
      /unknown field %\(nope\)s/,
    );
  });

  it('strftime as Python does', () => {
    const date = new Date(2026, 0, 5, 3, 4, 5);
    expect(compileStrftime('%Y-%m-%d %H:%M:%S %b %a %j %p %%')(date)).toBe(
      '2026-01-05 03:04:05 Jan Mon 005 AM %',
    );
  });

  it("give gunicorn's access time", () => {
    expect(apacheTime(new Date(2026, 10, 24, 20, 29, 6))).toMatch(
      /^\[24\/Nov\/2026:20:29:06 [+-]\d{4}\]$/,
    );
  });
});

describe('record formatters', () => {
  it("give the seed's lines", () => {
    const format = textFormatter(
      '%(asctime)s [%(process)d] [%(levelname)s] %(message)s',
      '%Y-%m-%d %H:%M:%S',
    );
    const line = format(record({ level: 30 }));
    expect(line).toMatch(LINE);
    expect(line).toMatch(/\[42\] \[WARNING\] hello$/);
  });

  it('add the request id when the format has none', () => {
    const format = textFormatter('%(levelname)s %(message)s');
    expect(format(record({ request_id: 'r-1' }))).toBe('WARNING hello request_id=r-1');
    expect(textFormatter('%(request_id)s %(message)s')(record({ request_id: 'r-1' }))).toBe(
      'r-1 hello',
    );
  });

  it('print JSON objects with stable keys first', () => {
    const parsed = JSON.parse(
      jsonFormatter(record({ level: 40, request_id: 'r', extra: { worker: 2 } })),
    );
    expect(parsed).toEqual({
      time: '2026-11-24T20:29:06.045Z',
      level: 'ERROR',
      logger: 'dwi.error',
      pid: 42,
      msg: 'hello',
      request_id: 'r',
      worker: 2,
    });
  });
});

describe('access log atoms', () => {
  const requestHeaders: Record<string, string> = {
    'user-agent': 'curl/8',
    referer: 'http://r/',
    'x-forwarded-for': '10.0.0.1',
  };
  const responseHeaders: Record<string, string> = { 'content-length': '96', 'x-request-id': 'abc' };
  const info: AccessInfo = {
    remoteAddress: '127.0.0.1',
    method: 'GET',
    url: '/api/health?x=1',
    httpVersion: '1.1',
    status: 200,
    requestHeader: (name) => requestHeaders[name],
    responseHeader: (name) => responseHeaders[name],
    start: new Date(2026, 10, 24, 20, 29, 6).getTime(),
    durationMs: 12.5,
    pid: 7,
  };

  it("render gunicorn's default format", () => {
    const line = compileAccessFormat('%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"')(
      info,
    );
    expect(line).toMatch(
      /^127\.0\.0\.1 - - \[24\/Nov\/2026:20:29:06 [+-]\d{4}\] "GET \/api\/health\?x=1 HTTP\/1\.1" 200 96 "http:\/\/r\/" "curl\/8"$/,
    );
  });

  it('render timing, process and header atoms', () => {
    const line = compileAccessFormat(
      '%(D)s %(L)s %(T)s %(M)s %(p)s %(m)s %(U)s %(q)s %(H)s %({x-forwarded-for}i)s %({x-request-id}o)s %({missing}i)s',
    )(info);
    expect(line).toBe('12500 0.012500 0 13 <7> GET /api/health x=1 HTTP/1.1 10.0.0.1 abc -');
  });

  it('refuse unknown atoms', () => {
    expect(() => compileAccessFormat('%(zz)s')).toThrow(/unknown field/);
  });
});

describe('noise filter', () => {
  const filter = new NoiseFilter(DEFAULT_NOISE_PATTERNS, DEFAULT_SOCKETIO_NOISE_PATTERNS);

  it('hides each default pattern on the filtered loggers', () => {
    for (const logger of [
      'dwi.error',
      'dwi.access',
      'socketio.server',
      'engineio.server',
      'root',
    ]) {
      for (const pattern of DEFAULT_NOISE_PATTERNS) {
        expect(filter.hides(logger, `worker said: ${pattern} (fd 12)`)).toBe(true);
      }
    }
  });

  it('hides socket.io patterns only on the socket.io loggers', () => {
    for (const pattern of DEFAULT_SOCKETIO_NOISE_PATTERNS) {
      expect(filter.hides('socketio.server', pattern)).toBe(true);
      expect(filter.hides('engineio.server', pattern)).toBe(true);
      expect(filter.hides('dwi.error', pattern)).toBe(false);
    }
  });

  it('lets other messages and other loggers through', () => {
    expect(filter.hides('dwi.error', 'container abc started')).toBe(false);
    expect(filter.hides('dwi.engine', 'Broken pipe')).toBe(false);
  });

  it('looks at the error too, and counts what it hid', () => {
    const fresh = new NoiseFilter(['ECONNRESET'], []);
    expect(fresh.hides('dwi.error', 'write failed', 'read ECONNRESET')).toBe(true);
    expect(fresh.hides('dwi.error', 'ECONNRESET again')).toBe(true);
    const counts = fresh.takeCounts();
    expect(counts.get('ECONNRESET')).toBe(2);
    expect(describeHidden(counts, 60)).toBe(
      'noise filter hid 2 messages in the last 60 s (ECONNRESET: 2)',
    );
    expect(fresh.takeCounts().size).toBe(0);
  });
});

describe('logging plan', () => {
  it('sends access to stdout and errors to stderr by default', async () => {
    const { settings } = await loadConfig([], {});
    const plan = planLogging(settings);
    expect(
      plan.loggers.get('dwi.access')?.handlers.map((h) => plan.handlers.get(h)?.target),
    ).toEqual([{ kind: 'stdout' }]);
    expect(
      plan.loggers.get('dwi.error')?.handlers.map((h) => plan.handlers.get(h)?.target),
    ).toEqual([{ kind: 'stderr' }]);
    expect(plan.loggers.get('dwi.error')?.level).toBe(30);
    expect(plan.loggers.get('socketio.server')?.level).toBe(40);
  });

  it("applies the seed's dict over the defaults, gunicorn names included", async () => {
    const { settings } = await loadConfig(
      ['--log-config-json', 'test/fixtures/seed-logconfig.json'],
      {},
    );
    const plan = planLogging(settings);
    const error = plan.loggers.get('dwi.error')!;
    expect(error).toEqual({ level: 30, handlers: ['console'], propagate: false });
    expect(plan.handlers.get('console')?.target).toEqual({ kind: 'stdout' });
    expect(plan.loggers.get('engineio.server')?.level).toBe(40);
  });
});

describe('Logging', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwi-logging-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function fileLogging(args: string[]) {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.log`);
    const { settings, errors } = await loadConfig(
      ['--error-logfile', path, '--access-logfile', path, ...args],
      {},
    );
    expect(errors).toEqual([]);
    return { logging: new Logging(settings), read: () => readFileSync(path, 'utf8') };
  }

  it('writes lines at or above the level, in the text format', async () => {
    const { logging, read } = await fileLogging(['--log-level', 'info']);
    logging.logger('dwi.error').debug('hidden debug');
    logging.logger('dwi.error').info('shown info');
    logging.logger('gunicorn.error').error('via alias');
    logging.close();
    const lines = read().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(LINE);
    expect(lines[0]).toMatch(/\[INFO\] shown info$/);
    expect(lines[1]).toMatch(/\[ERROR\] via alias$/);
  });

  it('changes a level at run time and reverts it after a ttl', async () => {
    const { logging, read } = await fileLogging([]);
    const log = logging.logger('dwi.error');
    logging.setLevel({ logger: 'gunicorn.error', level: 'debug', ttl: 0.05 });
    expect(logging.levels()['dwi.error']).toBe('DEBUG');
    log.debug('while raised');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(logging.levels()['dwi.error']).toBe('WARNING');
    log.debug('after revert');
    logging.close();
    expect(read()).toContain('while raised');
    expect(read()).not.toContain('after revert');
  });

  it('hides noise and reports the count', async () => {
    const { logging, read } = await fileLogging(['--log-level', 'info']);
    logging.logger('dwi.error').warn('read ECONNRESET');
    logging.logger('dwi.error').warn('real problem');
    logging.close();
    const text = read();
    expect(text).not.toContain('read ECONNRESET');
    expect(text).toContain('real problem');
    expect(text).toMatch(/noise filter hid 1 message since the last report \(ECONNRESET: 1\)/);
  });

  it("never hides the engine's own errors, whose words (socket hang up) look like noise", async () => {
    const { logging, read } = await fileLogging(['--log-level', 'info']);
    const engine = logging.logger('dwi.error').child({ module: 'engine' });
    engine.error('Docker engine unavailable: socket hang up; retrying');
    logging.logger('dwi.error').warn('client went: socket hang up');
    logging.close();
    const text = read();
    expect(text).toContain('Docker engine unavailable: socket hang up; retrying');
    expect(text).not.toContain('client went');
  });

  it('prints JSON with log_format json', async () => {
    const { logging, read } = await fileLogging(['--log-format', 'json']);
    logging.logger('dwi.error').child({ request_id: 'r9' }).error('as json');
    logging.close();
    expect(JSON.parse(read().trim())).toMatchObject({
      level: 'ERROR',
      logger: 'dwi.error',
      msg: 'as json',
      request_id: 'r9',
    });
  });
});
