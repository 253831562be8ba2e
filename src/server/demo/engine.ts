/**
 * A private, throwaway Docker engine: its own socket, data root, exec root, pidfile and bridge,
 * so it runs beside any other engine and touches none of theirs. Stopped by the PID in its
 * pidfile, never by name. Never `--bridge none`: that deletes the host engine's docker0.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateEngine {
  dir: string;
  socket: string;
  /** Its DOCKER_HOST: unix://DIR/docker.sock. */
  host: string;
  bridge: string;
  pidfile: string;
  /** More dockerd arguments, given again at each start of the daemon. */
  dockerdArgs: string[];
}

const BUSYBOX = '/bin/busybox';

/** What a private engine needs on this host, each missing one with how to get it. */
export function missingRequirements(isRoot: boolean): string[] {
  const missing: string[] = [];
  const installed = (command: string, args: string[]) =>
    (spawnSync(command, args, { stdio: 'ignore' }).error as NodeJS.ErrnoException | undefined)
      ?.code !== 'ENOENT';
  if (!installed('dockerd', ['--version']))
    missing.push('dockerd is not installed: apt-get install docker.io');
  if (!installed('docker', ['--version']))
    missing.push('the docker command is not installed: apt-get install docker.io');
  if (!existsSync(BUSYBOX))
    missing.push(
      `${BUSYBOX} is missing (the demo's image is made of it): apt-get install busybox-static`,
    );
  if (!installed('ip', ['-V'])) missing.push('ip is not installed: apt-get install iproute2');
  if (!isRoot) missing.push('dockerd and its bridge need root: run it as root (sudo npm run demo)');
  return missing;
}

/** `docker -H <engine> ...args`; its output, trimmed. */
export function docker(engine: Pick<PrivateEngine, 'host'>, args: string[]): string {
  return execFileSync('docker', ['-H', engine.host, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/**
 * Starts a private engine in a new folder of TMPDIR: its bridge (on a free 10.232.N.1/24),
 * dockerd (with `dockerdArgs` besides its own socket, dirs and bridge), and a watcher that
 * cleans up should this process die first. If a step fails, what was made is removed again and
 * the error says which step.
 */
export async function startPrivateEngine(
  name: string,
  dockerdArgs: string[] = [],
): Promise<PrivateEngine> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const bridge = `${name.slice(0, 8)}${Math.random().toString(36).slice(2, 7)}`;
  const engine: PrivateEngine = {
    dir,
    socket: join(dir, 'docker.sock'),
    host: `unix://${join(dir, 'docker.sock')}`,
    bridge,
    pidfile: join(dir, 'docker.pid'),
    dockerdArgs,
  };
  try {
    run('ip', ['link', 'add', bridge, 'type', 'bridge']);
    run('ip', ['addr', 'add', `${freeSubnet()}.1/24`, 'dev', bridge]);
    run('ip', ['link', 'set', bridge, 'up']);
    watchOwner(engine);
    await startDaemon(engine);
  } catch (err) {
    await stopPrivateEngine(engine);
    throw new Error(`the private Docker engine could not start: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return engine;
}

/** Stops dockerd by its pidfile, removes the bridge and the folder. Safe to call twice. */
export async function stopPrivateEngine(engine: PrivateEngine): Promise<void> {
  await stopDaemon(engine);
  spawnSync('ip', ['link', 'del', engine.bridge], { stdio: 'ignore' });
  rmSync(engine.dir, { recursive: true, force: true, maxRetries: 3 });
}

/** An image of busybox-static and links to its tools, by `docker import` (no registry needed). */
export function importBusyboxImage(engine: PrivateEngine, tag: string, tools: string[]): void {
  const root = join(engine.dir, 'rootfs');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
  for (const tool of tools) symlinkSync('busybox', join(root, 'bin', tool));
  const tarball = join(engine.dir, 'rootfs.tar');
  execFileSync('tar', ['-C', root, '-cf', tarball, '.']);
  docker(engine, ['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["sh"]', tarball, tag]);
  rmSync(root, { recursive: true, force: true });
  rmSync(tarball, { force: true });
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
 * A 10.232.N prefix no address of this host is in, so that engines started side by side (a
 * demo, several test runs) never share a subnet.
 */
function freeSubnet(): string {
  const taken = new Set(
    execFileSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' }).match(
      /(?<=inet 10\.232\.)\d+/g,
    ),
  );
  const free = Array.from({ length: 250 }, (_, i) => String(i + 1)).filter((n) => !taken.has(n));
  if (free.length === 0) throw new Error('every 10.232.N.0/24 subnet is taken on this host');
  return `10.232.${free[Math.floor(Math.random() * free.length)]}`;
}

/**
 * A detached shell that waits for this process to end, then stops the engine by its pidfile
 * and removes its bridge and folder if they are still there: a process killed before it could
 * clean up leaves nothing behind. After a normal stop it finds nothing to do.
 */
function watchOwner(engine: PrivateEngine): void {
  const script = `
    tail --pid="$1" -f /dev/null 2>/dev/null
    [ -d "$2" ] || exit 0
    pid=$(cat "$3" 2>/dev/null)
    if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
      timeout 20 tail --pid="$pid" -f /dev/null || kill -KILL "$pid" 2>/dev/null
    fi
    ip link del "$4" 2>/dev/null
    rm -rf "$2"`;
  const args = [String(process.pid), engine.dir, engine.pidfile, engine.bridge];
  const watcher = spawn('sh', ['-c', script, 'dwi-engine-watcher', ...args], {
    detached: true,
    stdio: 'ignore',
  });
  watcher.on('error', () => {}); // no sh: the normal stop still cleans up
  watcher.unref();
}

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

/**
 * Starts dockerd on the engine's own socket, dirs and bridge; resolves once it answers. On
 * failure the dockerd started here is stopped and the error says why.
 */
export async function startDaemon(engine: PrivateEngine): Promise<void> {
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
      ...engine.dockerdArgs,
    ],
    // Its own process group: a Ctrl+C in the terminal reaches the demo, which stops it in order.
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
          ? 'dockerd is not installed: apt-get install docker.io'
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

/**
 * Stops dockerd by the PID in its pidfile (TERM, then KILL after 20 s), keeping its data for a
 * restart.
 */
export async function stopDaemon(engine: PrivateEngine): Promise<void> {
  if (!existsSync(engine.pidfile)) return;
  const pid = Number(readFileSync(engine.pidfile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
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
