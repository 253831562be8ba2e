/**
 * The deployment files dwi ships besides the image (deploy/): the compose file validates with
 * Debian's docker-compose and its command is the original's gunicorn line in dwi's flags, the
 * example config passes --check-config and its hook runs, and the systemd unit passes
 * systemd-analyze with flags dwi accepts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, NODE, Dwi, freePort, tempDataDir } from './harness.js';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const COMPOSE = join(DEPLOY, 'docker-compose.yml');
const CONFIG = join(DEPLOY, 'dwi.config.js');
const UNIT = join(DEPLOY, 'dwi.service');
/** The original's compose command, less gunicorn's app module (docker_monitor:app). */
const ORIGINAL = '-b 0.0.0.0:5000 -k eventlet --timeout 120 --workers 1 --reload --config=';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'dwi-deploy-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface ComposeService {
  command: string[];
  environment: Record<string, string>;
  group_add: string[];
  volumes: string[];
  restart: string;
  healthcheck: { test: string[] };
  ports: Array<{ published: number; target: number }>;
  stop_grace_period: string;
}

/** `docker-compose config`: the file validated and resolved, as JSON (through python3-yaml, which docker-compose uses). */
function composeConfig(env: Record<string, string>, args: string[] = []) {
  const result = spawnSync('docker-compose', [...args, '-f', COMPOSE, 'config'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) return { error: result.stderr || String(result.error) };
  const json = execFileSync(
    '/usr/bin/python3',
    ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
    { input: result.stdout, encoding: 'utf8' },
  );
  return { service: (JSON.parse(json) as { services: { dwi: ComposeService } }).services.dwi };
}

// docker-compose (Python) and dwi starts take seconds each on a busy machine.
const SLOW = { timeout: 120_000 };

describe('deploy/docker-compose.yml', SLOW, () => {
  it('validates with docker-compose and mounts the socket and a data volume, with a restart policy and a health check', () => {
    const { service, error } = composeConfig({ DOCKER_GID: '105', DWI_ADMIN_PASSWORD: 's3cret' });
    expect(error).toBeUndefined();
    expect(service!.volumes).toEqual(
      expect.arrayContaining([
        '/var/run/docker.sock:/var/run/docker.sock:rw',
        'dwi-data:/data:rw',
        `${CONFIG}:/etc/dwi/dwi.config.js:ro`,
      ]),
    );
    expect(service!.group_add).toEqual(['105']);
    expect(service!.environment).toEqual({ DWI_ADMIN_PASSWORD: 's3cret' });
    expect(service!.restart).toBe('unless-stopped');
    expect(service!.ports).toEqual([expect.objectContaining({ published: 5000, target: 5000 })]);
    expect(service!.healthcheck.test.join(' ')).toContain('http://127.0.0.1:5000/api/health');
    expect(service!.stop_grace_period).toBe('35s');
  });

  it('takes the password and the socket group from an env file too', () => {
    const envFile = join(scratch, 'compose.env');
    writeFileSync(envFile, 'DWI_ADMIN_PASSWORD=from-the-file\nDOCKER_GID=991\n');
    const { service, error } = composeConfig({}, ['--env-file', envFile]);
    expect(error).toBeUndefined();
    expect(service!.environment).toEqual({ DWI_ADMIN_PASSWORD: 'from-the-file' });
    expect(service!.group_add).toEqual(['991']);
  });

  it('says how to find the socket group when DOCKER_GID is not set', () => {
    const { error } = composeConfig({ DWI_ADMIN_PASSWORD: 'x' });
    expect(error).toContain('stat -c %g /var/run/docker.sock');
  });

  it("runs the original's gunicorn command in dwi's flags, which dwi accepts with the mounted config", async () => {
    const { service } = composeConfig({ DOCKER_GID: '105' });
    const command = service!.command;
    expect(command.join(' ')).toBe(`${ORIGINAL}/etc/dwi/dwi.config.js`);
    // The config path in the container is the mounted file on the host.
    const hostArgs = command.map((word) => word.replace('/etc/dwi/dwi.config.js', CONFIG));
    const { code, stdout, stderr } = await Dwi.run(['--check-config', ...hostArgs]);
    expect(stderr).toBe('');
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'configuration OK\n' });
  });
});

describe('deploy/dwi.config.js', SLOW, () => {
  it('passes dwi --check-config', async () => {
    const { code, stdout, stderr } = await Dwi.run(['--check-config', '-c', CONFIG]);
    expect(stderr).toBe('');
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'configuration OK\n' });
  });

  it("gives the seed's gunicorn_config.py values, each from the file", async () => {
    const { code, stdout } = await Dwi.run(['--print-config', '-c', CONFIG]);
    expect(code).toBe(0);
    const fromFile = (name: string) =>
      stdout.split('\n').find((line) => line.startsWith(`${name} `) && line.includes('file'));
    for (const name of [
      'bind',
      'worker_class',
      'workers',
      'timeout',
      'keepalive',
      'accesslog',
      'errorlog',
      'loglevel',
      'logconfig_dict',
      'noise_filter',
      'post_worker_init',
    ]) {
      expect(fromFile(name), `${name} from the file in:\n${stdout}`).toBeDefined();
    }
  });

  it('runs its post_worker_init hook in a worker, and its logconfig_dict keeps INFO quiet', async () => {
    const port = await freePort();
    // Its logconfig_dict logs dwi.error at WARNING: a dict at INFO shows the hook's line.
    const loud = join(scratch, 'info-logconfig.json');
    writeFileSync(
      loud,
      JSON.stringify({
        version: 1,
        handlers: { console: { class: 'logging.StreamHandler', stream: 'ext://sys.stderr' } },
        loggers: {
          'gunicorn.error': { level: 'INFO', handlers: ['console'], propagate: false },
        },
      }),
    );
    const [quiet, heard] = await Promise.all([
      Dwi.start(['-c', CONFIG, '-b', `127.0.0.1:${port}`]),
      Dwi.start(['-c', CONFIG, '-b', `127.0.0.1:${await freePort()}`, '--log-config-json', loud]),
    ]);
    try {
      const line = await heard.waitFor(
        'stderr',
        /worker 1 \(pid \d+\): noise filter hides 13 patterns, and 3 more/,
      );
      expect(line).toBeDefined();
      expect(quiet.stdout + quiet.stderr).not.toContain('noise filter hides');
    } finally {
      for (const dwi of [quiet, heard]) {
        dwi.child.kill('SIGTERM');
        await dwi.exited;
      }
    }
  });
});

describe('deploy/dwi.service', () => {
  const unit = readFileSync(UNIT, 'utf8');
  const execStart = /^ExecStart=(\S+) (.*)$/m.exec(unit);

  it('is hardened: its own user, the docker group, a read-only system but for the data dir, HUP to reload, TERM to stop', () => {
    const directives = (name: string) =>
      [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]);
    expect(directives('User')).toEqual(['dwi']);
    expect(directives('SupplementaryGroups')).toEqual(['docker']);
    expect(directives('NoNewPrivileges')).toEqual(['yes']);
    expect(directives('ProtectSystem')).toEqual(['strict']);
    expect(directives('ReadWritePaths')).toEqual(['/var/lib/dwi']);
    expect(directives('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(directives('KillSignal')).toEqual(['SIGTERM']);
    expect(execStart?.[2]).toContain('--data-dir /var/lib/dwi');
  });

  it('passes systemd-analyze verify (with the built dwi as its command)', () => {
    // verify checks that the command exists: the built one stands in for /usr/local/bin/dwi.
    const copy = join(scratch, 'dwi.service');
    writeFileSync(copy, unit.replace(execStart![1]!, `${NODE} ${CLI}`));
    const result = spawnSync('systemd-analyze', ['verify', copy], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('starts dwi with flags --check-config accepts', async () => {
    const args = execStart![2]!
      .split(' ')
      .map((word) => word.replace('/etc/dwi/dwi.config.js', CONFIG))
      .map((word) => word.replace('/var/lib/dwi', tempDataDir()));
    const { code, stdout, stderr } = await Dwi.run(['--check-config', ...args]);
    expect(stderr).toBe('');
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'configuration OK\n' });
  });
});
