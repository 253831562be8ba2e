/**
 * A private, throwaway Docker engine for tests: its own socket, data root,
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
  closeSync,
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

/**
 * Starts a private engine: its own bridge, dirs and dockerd, and the test image. If any step
 * fails, whatever was made is removed again (bridge, dockerd, dir) and the error says what
 * failed. Should this process die without stopping the engine (an aborted run), a watcher
 * started here stops it by its pidfile and removes the rest.
 */
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
  try {
    run('ip', ['link', 'add', bridge, 'type', 'bridge']);
    run('ip', ['addr', 'add', `10.231.${subnet}.1/24`, 'dev', bridge]);
    run('ip', ['link', 'set', bridge, 'up']);
    watchOwner(engine);
    await startDaemon(engine, extraArgs);
    buildTestImage(engine);
  } catch (err) {
    await stopTestEngine(engine);
    throw new Error(
      `the private test engine could not start: ${(err as Error).message}\n` +
        '(scripts/test-host.sh check says what this host lacks; npm run test:setup installs it)',
      { cause: err },
    );
  }
  return engine;
}

/** execFileSync, with a missing command said in words. */
function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const { code, stderr } = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (code === 'ENOENT') throw new Error(`${command} is not installed`);
    throw new Error(`${command} ${args.join(' ')}: ${stderr?.toString().trim() || code}`);
  }
}

/**
 * A detached shell that waits for this process to end, then stops the engine by its pidfile
 * and removes its bridge and dir, if they are still there: a run stopped by Ctrl-C or SIGTERM
 * (or killed) leaves nothing behind. After a normal stop it finds nothing to do.
 */
function watchOwner(engine: TestEngine): void {
  const script = `
    tail --pid="$OWNER" -f /dev/null 2>/dev/null
    [ -d "$DIR" ] || exit 0
    pid=$(cat "$PIDFILE" 2>/dev/null)
    if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
      timeout 20 tail --pid="$pid" -f /dev/null || kill -KILL "$pid" 2>/dev/null
    fi
    ip link del "$BRIDGE" 2>/dev/null
    rm -rf "$DIR"`;
  const watcher = spawn('sh', ['-c', script], {
    detached: true,
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      OWNER: String(process.pid),
      DIR: engine.dir,
      PIDFILE: engine.pidfile,
      BRIDGE: engine.bridge,
    },
  });
  watcher.on('error', () => {}); // no sh: the normal stop still cleans up
  watcher.unref();
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

/**
 * Starts dockerd on the engine's own socket, dirs and bridge; resolves once it answers. On
 * failure the dockerd started here is stopped and the error says why.
 */
export async function startDaemon(engine: TestEngine, extraArgs: string[] = []): Promise<void> {
  const logPath = join(engine.dir, 'dockerd.log');
  const log = openSync(logPath, 'a');
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
  closeSync(log);
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('error', (err) => (spawnError = err));
  child.unref();
  const deadline = Date.now() + 60_000;
  while (!(await ping(engine.socket))) {
    if (spawnError !== undefined) {
      throw new Error(
        spawnError.code === 'ENOENT'
          ? 'dockerd is not installed (Debian package docker.io)'
          : `dockerd could not be started: ${spawnError.message}`,
      );
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
      await stopDaemon(engine);
      // Before it wrote its pidfile, only the child's own PID names it.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      throw new Error(
        `dockerd ${child.exitCode === null ? 'did not answer in 60 s' : `exited with code ${child.exitCode}`}:\n${text.slice(-3000)}`,
      );
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
