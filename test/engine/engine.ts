/**
 * A private, throwaway Docker engine for tests (DESIGN.md section 5): its own socket, data root,
 * exec root, pidfile and bridge, so it runs beside any other engine and touches none of theirs.
 * Stopped by the PID in its pidfile, never by name.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  copyFileSync,
  openSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_IMAGE = 'dwi-test/busybox:1';

export interface TestEngine {
  dir: string;
  socket: string;
  host: string;
  bridge: string;
  pidfile: string;
}

const BUSYBOX_TOOLS = [
  'sh',
  'sleep',
  'echo',
  'cat',
  'ls',
  'true',
  'false',
  'seq',
  'yes',
  'head',
  'date',
  'kill',
  'env',
  'printf',
  'dd',
  'top',
  'wc',
];

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export function dockerCli(
  engine: Pick<TestEngine, 'host'>,
  args: string[],
  input?: Buffer,
): string {
  return execFileSync('docker', ['-H', engine.host, ...args], {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

/** A line every 20 ms, numbered: "<word> 1", "<word> 2", ... */
export const counterScript = (word: string) =>
  `i=0; while true; do i=$((i+1)); echo "${word} $i"; sleep 0.02; done`;

/** `docker run -d --init [options] --name NAME TEST_IMAGE sh -c SCRIPT`; the container's id. */
export function runShell(
  engine: Pick<TestEngine, 'host'>,
  name: string,
  script: string,
  options: string[] = [],
): string {
  return dockerCli(engine, [
    'run',
    '-d',
    '--init',
    ...options,
    '--name',
    name,
    TEST_IMAGE,
    'sh',
    '-c',
    script,
  ]);
}

export async function startTestEngine(extraArgs: string[] = []): Promise<TestEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'dwi-engine-'));
  const suffix = Math.random().toString(36).slice(2, 8);
  const bridge = `dwit${suffix}`;
  const subnet = 100 + Math.floor(Math.random() * 150);
  const engine: TestEngine = {
    dir,
    socket: join(dir, 'docker.sock'),
    host: `unix://${join(dir, 'docker.sock')}`,
    bridge,
    pidfile: join(dir, 'docker.pid'),
  };
  execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge']);
  execFileSync('ip', ['addr', 'add', `10.231.${subnet}.1/24`, 'dev', bridge]);
  execFileSync('ip', ['link', 'set', bridge, 'up']);
  await startDaemon(engine, extraArgs);
  try {
    buildTestImage(engine);
  } catch (err) {
    await stopTestEngine(engine);
    throw err;
  }
  return engine;
}

/** A busybox image from `docker import`: no registry is reachable here. */
function buildTestImage(engine: TestEngine): void {
  const root = join(engine.dir, 'rootfs');
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
  for (const tool of BUSYBOX_TOOLS) symlinkSync('busybox', join(root, 'bin', tool));
  const tarball = join(engine.dir, 'rootfs.tar');
  execFileSync('tar', ['-C', root, '-cf', tarball, '.']);
  dockerCli(engine, [
    'import',
    '--change',
    'ENV PATH=/bin',
    '--change',
    'CMD ["sh"]',
    tarball,
    TEST_IMAGE,
  ]);
}

/** Starts dockerd on the engine's own socket, dirs and bridge; resolves once it answers. */
export async function startDaemon(engine: TestEngine, extraArgs: string[] = []): Promise<void> {
  const log = openSync(join(engine.dir, 'dockerd.log'), 'a');
  const child = spawn(
    'dockerd',
    [
      '--host',
      engine.host,
      '--data-root',
      join(engine.dir, 'data'),
      '--exec-root',
      join(engine.dir, 'exec'),
      '--pidfile',
      engine.pidfile,
      '--bridge',
      engine.bridge,
      '--iptables=false',
      '--ip-masq=false',
      '--ip6tables=false',
      ...extraArgs,
    ],
    { stdio: ['ignore', log, log], detached: true },
  );
  child.unref();
  const deadline = Date.now() + 60_000;
  while (!(await ping(engine.socket))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = existsSync(join(engine.dir, 'dockerd.log'))
        ? readFileSync(join(engine.dir, 'dockerd.log'), 'utf8')
        : '';
      await stopTestEngine(engine);
      throw new Error(`the test engine did not start:\n${text.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops dockerd by the PID in its pidfile, keeping its data for a restart. */
export async function stopDaemon(engine: TestEngine): Promise<void> {
  if (existsSync(engine.pidfile)) {
    const pid = Number(readFileSync(engine.pidfile, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGTERM');
        const deadline = Date.now() + 20_000;
        while (Date.now() < deadline) {
          process.kill(pid, 0);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
  }
}

export async function stopTestEngine(engine: TestEngine): Promise<void> {
  await stopDaemon(engine);
  try {
    execFileSync('ip', ['link', 'del', engine.bridge]);
  } catch {
    // Never created, or already gone.
  }
  rmSync(engine.dir, { recursive: true, force: true, maxRetries: 3 });
}
