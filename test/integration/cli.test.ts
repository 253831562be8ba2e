import { describe, expect, it } from 'vitest';
import { Dwi, FIXTURES } from './harness.js';

const STACK = /\n\s+at /;

describe('dwi --print-config', () => {
  it('shows the original defaults with no file', async () => {
    const { code, stdout } = await Dwi.run(['--print-config']);
    expect(code).toBe(0);
    const value = (name: string) =>
      new RegExp(`^${name} += (.*?)  \\((.+)\\)$`, 'm').exec(stdout)?.slice(1);
    expect(value('bind')).toEqual(['["0.0.0.0:5000"]', 'default']);
    expect(value('workers')).toEqual(['1', 'default']);
    expect(value('timeout')).toEqual(['120', 'default']);
    expect(value('keepalive')).toEqual(['5', 'default']);
    expect(value('accesslog')).toEqual(['-', 'default']);
    expect(value('errorlog')).toEqual(['-', 'default']);
    expect(value('loglevel')).toEqual(['warning', 'default']);
  });

  it('says where each value came from', async () => {
    const { code, stdout } = await Dwi.run(
      ['--print-config', '-c', `${FIXTURES}hooks.mjs`, '-w', '3'],
      {
        DWI_TIMEOUT: '60',
        DWI_CMD_ARGS: '--keep-alive 2',
      },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^workers += 3 {2}\(flag --workers\)$/m);
    expect(stdout).toMatch(/^timeout += 60 {2}\(env DWI_TIMEOUT\)$/m);
    expect(stdout).toMatch(/^keepalive += 2 {2}\(cmd_args DWI_CMD_ARGS\)$/m);
    expect(stdout).toMatch(/^on_starting += <function on_starting> {2}\(file .*hooks\.mjs\)$/m);
  });
});

describe('dwi --check-config', () => {
  it('exits 0 on a good configuration', async () => {
    const { code, stdout } = await Dwi.run(['--check-config', '-b', '[::1]:8080', '-k', 'gevent']);
    expect(code).toBe(0);
    expect(stdout).toBe('configuration OK\n');
  });

  it('exits 1 with one clear line per problem and no stack trace', async () => {
    const { code, stdout, stderr } = await Dwi.run(
      [
        '--check-config',
        '--wrokers',
        '2',
        '-b',
        'nowhere',
        '-c',
        '/no/such/dwi.config.js',
        '--timeout',
        'soon',
      ],
      { DWI_LOGLEVEL: 'loud' },
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).not.toMatch(STACK);
    const lines = stderr.trim().split('\n');
    expect(lines).toEqual([
      'dwi: error: unknown option --wrokers (did you mean --workers?)',
      'dwi: error: cannot read /no/such/dwi.config.js: ENOENT',
      'dwi: error: bind (from flag --bind): bad bind address "nowhere": expected HOST:PORT, [IPV6]:PORT or unix:PATH',
      'dwi: error: timeout (from flag --timeout): expected an integer, got "soon"',
      'dwi: error: loglevel (from env DWI_LOGLEVEL): expected one of debug, info, warning, error, critical, warn, fatal, got "loud"',
    ]);
  });

  it('refuses to start with bad settings, exit 1, no stack trace', async () => {
    const { code, stderr } = await Dwi.run(['-w', '0']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'dwi: error: workers (from flag --workers): must be between 1 and 256, got 0\ndwi: see dwi --help\n',
    );
  });
});

describe('dwi --help and --version', () => {
  it('list every flag with its env name and default', async () => {
    const { code, stdout } = await Dwi.run(['--help']);
    expect(code).toBe(0);
    for (const flag of [
      '-b, --bind ADDRESS',
      '-w, --workers INT',
      '-k, --worker-class',
      '--keep-alive',
      '--log-config-json FILE',
      '--print-config',
      '--check-config',
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain('[env DWI_WORKERS, WEB_CONCURRENCY; default 1]');
  });

  it('print the version', async () => {
    const { code, stdout } = await Dwi.run(['--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^dwi \d+\.\d+\.\d+\n$/);
  });
});
