import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config/load.js';
import { parseBind } from '../../src/server/config/bind.js';
import { shellWords } from '../../src/server/config/shell-words.js';

const dir = mkdtempSync(join(tmpdir(), 'dwi-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('defaults', () => {
  it('are the original gunicorn configuration', async () => {
    const { settings, errors, origins } = await loadConfig([], {});
    expect(errors).toEqual([]);
    expect(settings.bind).toEqual(['0.0.0.0:5000']);
    expect(settings.workers).toBe(1);
    expect(settings.timeout).toBe(120);
    expect(settings.keepalive).toBe(5);
    expect(settings.accesslog).toBe('-');
    expect(settings.errorlog).toBe('-');
    expect(settings.loglevel).toBe('warning');
    expect(origins.workers).toEqual({ source: 'default' });
  });
});

describe('precedence: defaults < file < DWI_CMD_ARGS < env < flags', () => {
  const config = file(
    'p.json',
    JSON.stringify({ workers: 2, timeout: 30, keepalive: 7, graceful_timeout: 9 }),
  );

  it('takes each value from the highest source that sets it', async () => {
    const { settings, origins, errors } = await loadConfig(['-c', config, '--timeout', '50'], {
      DWI_CMD_ARGS: '--keep-alive 8 --timeout 40 -w 3',
      DWI_WORKERS: '4',
    });
    expect(errors).toEqual([]);
    expect(settings.graceful_timeout).toBe(9);
    expect(origins.graceful_timeout).toEqual({ source: 'file', detail: config });
    expect(settings.keepalive).toBe(8);
    expect(origins.keepalive?.source).toBe('cmd_args');
    expect(settings.workers).toBe(4);
    expect(origins.workers).toEqual({ source: 'env', detail: 'DWI_WORKERS' });
    expect(settings.timeout).toBe(50);
    expect(origins.timeout?.source).toBe('flag');
  });

  it('reads WEB_CONCURRENCY below DWI_WORKERS', async () => {
    expect((await loadConfig([], { WEB_CONCURRENCY: '3' })).settings.workers).toBe(3);
    expect(
      (await loadConfig([], { WEB_CONCURRENCY: '3', DWI_WORKERS: '2' })).settings.workers,
    ).toBe(2);
  });

  it('finds the config file from DWI_CONFIG', async () => {
    const { settings } = await loadConfig([], { DWI_CONFIG: config });
    expect(settings.workers).toBe(2);
  });

  it('lets repeated -b flags replace the lower sources', async () => {
    const { settings } = await loadConfig(
      ['-b', '127.0.0.1:1', '--bind=[::1]:2', '-b', 'unix:/tmp/x.sock'],
      {
        DWI_BIND: '0.0.0.0:9',
      },
    );
    expect(settings.bind).toEqual(['127.0.0.1:1', '[::1]:2', 'unix:/tmp/x.sock']);
  });
});

describe('the original compose command', () => {
  it('is accepted as it was', async () => {
    const config = file('dwi.config.json', '{}');
    const { settings, errors } = await loadConfig(
      [
        '-b',
        '0.0.0.0:5000',
        '-k',
        'eventlet',
        '--timeout',
        '120',
        '--workers',
        '1',
        '--reload',
        `--config=${config}`,
      ],
      {},
    );
    expect(errors).toEqual([]);
    expect(settings.worker_class).toBe('node');
    expect(settings.reload).toBe(true);
  });

  it('accepts gevent and rejects other worker classes', async () => {
    expect((await loadConfig(['-k', 'gevent'], {})).settings.worker_class).toBe('node');
    const { errors } = await loadConfig(['-k', 'sync'], {});
    expect(errors).toEqual([
      expect.stringMatching(/^worker_class \(from flag --worker-class\): expected one of/),
    ]);
  });
});

describe('problems are one clear line each', () => {
  it('refuses allowed_origins * with authentication on, from any source', async () => {
    const refused = [
      expect.stringMatching(/^allowed_origins "\*" needs --auth none: .*cookie; list the origins/),
    ];
    expect((await loadConfig(['--allowed-origins', '*'], {})).errors).toEqual(refused);
    expect(
      (await loadConfig([], { DWI_ALLOWED_ORIGINS: 'http://localhost:3002,*' })).errors,
    ).toEqual(refused);
    const open = await loadConfig(['--allowed-origins', '*', '--auth', 'none'], {});
    expect(open.errors).toEqual([]);
    expect(open.settings.allowed_origins).toEqual(['*']);
  });

  it('names an unknown setting in a file with a suggestion', async () => {
    const config = file('typo.json', JSON.stringify({ wrokers: 2 }));
    const { errors } = await loadConfig(['-c', config], {});
    expect(errors).toEqual([`unknown setting wrokers in ${config} (did you mean workers?)`]);
  });

  it('names an unknown flag with a suggestion', async () => {
    const { errors } = await loadConfig(['--wrokers', '2'], {});
    expect(errors).toEqual(['unknown option --wrokers (did you mean --workers?)']);
  });

  it('warns of an unknown DWI_ variable, and refuses it under --check-config', async () => {
    const started = await loadConfig([], { DWI_WROKERS: '2' });
    expect(started.errors).toEqual([]);
    expect(started.warnings).toEqual([
      'unknown environment variable DWI_WROKERS ignored (did you mean DWI_WORKERS?)',
    ]);
    const checked = await loadConfig(['--check-config'], { DWI_WROKERS: '2' });
    expect(checked.errors).toEqual([
      'unknown environment variable DWI_WROKERS (did you mean DWI_WORKERS?)',
    ]);
  });

  it('says which source gave a wrong type', async () => {
    const { errors } = await loadConfig([], { DWI_WORKERS: 'many' });
    expect(errors).toEqual(['workers (from env DWI_WORKERS): expected an integer, got "many"']);
  });

  it('rejects a bad bind address', async () => {
    const { errors } = await loadConfig(['-b', 'localhost:99999'], {});
    expect(errors[0]).toMatch(
      /bind \(from flag --bind\): bad bind address "localhost:99999": port 99999 is over 65535/,
    );
  });

  it('reports an unreadable config file', async () => {
    const { errors } = await loadConfig(['-c', join(dir, 'missing.json')], {});
    expect(errors).toEqual([`cannot read ${join(dir, 'missing.json')}: ENOENT`]);
  });

  it('reports invalid JSON and Python config files', async () => {
    const bad = file('bad.json', '{workers: 2}');
    expect((await loadConfig(['-c', bad], {})).errors[0]).toMatch(/bad\.json is not valid JSON/);
    const py = file('gunicorn_config.py', 'workers = 1');
    expect((await loadConfig(['-c', py], {})).errors[0]).toMatch(/is a Python file/);
  });

  it('reports a JS config file that throws, without a stack', async () => {
    const js = file('throws.mjs', 'throw new Error("boom");');
    const { errors } = await loadConfig(['-c', js], {});
    expect(errors).toEqual([`cannot load ${js}: boom`]);
  });

  it('needs a value for a valued flag', async () => {
    const { errors } = await loadConfig(['--timeout'], {});
    expect(errors).toEqual(['option --timeout needs a value (INT)']);
  });

  it('checks certfile and keyfile together and readable', async () => {
    expect((await loadConfig(['--certfile', '/etc/hostname'], {})).errors).toContain(
      'certfile and keyfile go together: give both or neither',
    );
    const { errors } = await loadConfig(['--certfile', '/nope.pem', '--keyfile', '/nope.key'], {});
    expect(errors).toContain('certfile: cannot read /nope.pem: ENOENT');
  });

  it('warns about gunicorn settings that mean nothing here, without failing', async () => {
    const config = file(
      'gunicorn-ish.json',
      JSON.stringify({ threads: 4, worker_connections: 1000, workers: 2 }),
    );
    const { errors, warnings, settings } = await loadConfig(['-c', config], {});
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(/gunicorn setting threads has no meaning for dwi and is ignored$/),
    ]);
    expect(settings.workers).toBe(2);
    // gunicorn's cap on a worker's clients is dwi's too.
    expect(settings.worker_connections).toBe(1000);
  });
});

describe('JS config files', () => {
  it('give settings and hooks from named and default exports', async () => {
    const js = file(
      'hooks.mjs',
      'export const workers = 2; export function on_starting() {}; export default { keepalive: 3 };',
    );
    const { settings, errors } = await loadConfig(['-c', js], {});
    expect(errors).toEqual([]);
    expect(settings.workers).toBe(2);
    expect(settings.keepalive).toBe(3);
    expect(typeof settings.on_starting).toBe('function');
  });

  it('reject a hook that is not a function', async () => {
    const js = file('badhook.mjs', 'export const when_ready = 5;');
    const { errors } = await loadConfig(['-c', js], {});
    expect(errors).toEqual([`when_ready (from file ${js}): expected a function, got 5`]);
  });
});

describe('logconfig_dict', () => {
  it("loads the original's dict written as JSON", async () => {
    const { settings, errors } = await loadConfig(
      ['--log-config-json', 'test/fixtures/seed-logconfig.json'],
      {},
    );
    expect(errors).toEqual([]);
    expect(settings.logconfig_dict?.loggers?.['gunicorn.error']?.level).toBe('WARNING');
  });

  it('refuses handler classes it cannot honour, naming where', async () => {
    const dict = file(
      'rot.json',
      JSON.stringify({
        version: 1,
        handlers: { h: { class: 'logging.handlers.RotatingFileHandler', filename: 'x' } },
      }),
    );
    const { errors } = await loadConfig(['--log-config-json', dict], {});
    expect(errors[0]).toMatch(
      /^logconfig_dict \(from flag --log-config-json\): logconfig_dict\.handlers\.h\.class: logging\.handlers\.RotatingFileHandler is not supported/,
    );
  });

  it('catches a handler naming a missing formatter', async () => {
    const dict = file(
      'nofmt.json',
      JSON.stringify({
        version: 1,
        formatters: { generic: {} },
        handlers: { h: { class: 'logging.StreamHandler', formatter: 'generc' } },
      }),
    );
    const { errors } = await loadConfig(['--log-config-json', dict], {});
    expect(errors[0]).toMatch(/no formatter named generc \(did you mean generic\?\)/);
  });

  it('catches an unknown field in a format', async () => {
    const dict = file(
      'badfield.json',
      JSON.stringify({ version: 1, formatters: { f: { format: '%(nope)s' } } }),
    );
    const { errors } = await loadConfig(['--log-config-json', dict], {});
    expect(errors).toEqual([
      expect.stringMatching(/logconfig_dict\.formatters\.f: unknown field %\(nope\)s/),
    ]);
  });
});

describe('parseBind', () => {
  it('understands every form', () => {
    expect(parseBind('0.0.0.0:5000')).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 5000 });
    expect(parseBind('[::]:5000')).toEqual({ kind: 'tcp', host: '::', port: 5000 });
    expect(parseBind(':80')).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 80 });
    expect(parseBind('localhost:1')).toEqual({ kind: 'tcp', host: 'localhost', port: 1 });
    expect(parseBind('unix:/run/dwi.sock')).toEqual({ kind: 'unix', path: '/run/dwi.sock' });
  });

  it('refuses what is not an address', () => {
    expect(() => parseBind('5000')).toThrow(/expected HOST:PORT/);
    expect(() => parseBind('[nope]:1')).toThrow(/is not IPv6/);
    expect(() => parseBind('unix:')).toThrow(/needs a path/);
    expect(() => parseBind('bad_host:1')).toThrow(/not a host name/);
  });
});

describe('shellWords', () => {
  it('splits as a shell would', () => {
    expect(shellWords(`-b 0.0.0.0:1 --access-logformat '%(h)s "%(r)s"' --x "a b" c\\ d`)).toEqual([
      '-b',
      '0.0.0.0:1',
      '--access-logformat',
      '%(h)s "%(r)s"',
      '--x',
      'a b',
      'c d',
    ]);
    expect(() => shellWords(`'open`)).toThrow(/unclosed/);
  });
});
