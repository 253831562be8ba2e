/**
 * `dwi demo`: a private, throwaway Docker engine seeded with containers worth looking at, and
 * dwi serving it on loopback with a generated admin password. Ctrl+C (or SIGTERM) stops dwi,
 * then the engine by its pidfile, and removes its bridge and every file it made.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFirstAdmin } from '../auth/accounts.js';
import { Store } from '../store/index.js';
import { docker, missingRequirements, startPrivateEngine, stopPrivateEngine } from './engine.js';
import { DEMO_CONTAINERS, seed } from './seed.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

export const DEMO_USAGE = `usage: dwi demo [--bind HOST:PORT]

Starts a private, throwaway Docker engine (its own socket, data root and bridge, beside any
other engine), seeds it with a compose project, a container that logs in colour and JSON, one
that crash-loops and one that is unhealthy, then serves dwi on it and prints the URL and the
login. Ctrl+C stops everything and removes what it made. Needs root, dockerd (docker.io),
busybox-static and iproute2.

  -b, --bind HOST:PORT  where dwi listens, on loopback only (default 127.0.0.1:5000)
`;

export class DemoError extends Error {}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** The --bind address, which must be a loopback one: the demo's engine is root on this host. */
export function parseDemoArgs(argv: string[]): { bind: string } | 'help' {
  let bind = '127.0.0.1:5000';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    const inline = arg.startsWith('--bind=') ? arg.slice('--bind='.length) : undefined;
    if (arg === '--bind' || arg === '-b' || inline !== undefined) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new DemoError(`${arg} needs HOST:PORT`);
      bind = value;
    } else {
      throw new DemoError(`unknown option ${arg} (dwi demo --help)`);
    }
  }
  const match = /^(.+):(\d{1,5})$/.exec(bind);
  if (match === null || Number(match[2]) > 65535)
    throw new DemoError(`--bind takes HOST:PORT, not ${bind}`);
  if (!LOOPBACK.test(match[1]!))
    throw new DemoError(
      `the demo listens on loopback only (127.0.0.1, localhost, [::1]), not ${match[1]}: it serves a Docker engine, which is root on this host`,
    );
  return { bind };
}

type Write = (text: string) => void;

/** Runs the demo until SIGINT or SIGTERM (or dwi ends); resolves with the exit code. */
export async function runDemo(
  argv: string[],
  out: Write,
  err: Write,
  signals: NodeJS.EventEmitter,
): Promise<number> {
  let options;
  try {
    options = parseDemoArgs(argv);
  } catch (error) {
    if (!(error instanceof DemoError)) throw error;
    err(`dwi demo: error: ${error.message}\n`);
    return 2;
  }
  if (options === 'help') {
    out(DEMO_USAGE);
    return 0;
  }
  const missing = missingRequirements(process.getuid?.() === 0);
  if (missing.length > 0) {
    err(
      `dwi demo needs a Docker engine of its own, and this host lacks:\n${missing.map((m) => `  - ${m}\n`).join('')}` +
        'On Debian: apt-get update && apt-get install docker.io busybox-static iproute2, then run it as root.\n',
    );
    return 1;
  }

  // Stops asked for while starting are honoured once what was made can be cleaned up.
  let stopRequested = false;
  let wake: (() => void) | undefined;
  const onSignal = () => {
    stopRequested = true;
    wake?.();
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);

  out('starting a private Docker engine...\n');
  let engine;
  try {
    engine = await startPrivateEngine('dwidemo');
  } catch (error) {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
    err(`dwi demo: error: ${(error as Error).message}\n`);
    return 1;
  }
  let dwi: ChildProcess | undefined;
  try {
    out(`engine: ${engine.host} (pidfile ${engine.pidfile}, bridge ${engine.bridge})\n`);
    out('seeding it with containers...\n');
    seed(engine);
    const dataDir = join(engine.dir, 'dwi-data');
    const store = Store.open(dataDir);
    let password: string | undefined;
    try {
      password = (await ensureFirstAdmin(store, undefined)).generated;
    } finally {
      store.close();
    }
    if (password === undefined) throw new Error('the demo could not make its admin user');
    out('starting dwi...\n');
    dwi = spawn(
      process.execPath,
      [CLI, '-b', options.bind, '--docker-host', engine.host, '--data-dir', dataDir],
      // Its own process group: Ctrl+C reaches the demo, which stops dwi first. The access
      // log (stdout) would drown the terminal; errors and warnings show.
      { stdio: ['ignore', 'ignore', 'inherit'], detached: true },
    );
    const exited = new Promise<number>((resolve) =>
      dwi!.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128))),
    );
    const url = `http://${options.bind}/`;
    const ready = await Promise.race([untilHealthy(url, 30_000), exited.then(() => false)]);
    if (!ready) throw new Error(`dwi did not start on ${options.bind} (see its error above)`);
    const count = DEMO_CONTAINERS.project.length + 3;
    out(
      `\ndwi demo is running: ${count} containers on a private engine.\n` +
        `  open   ${url}\n` +
        `  login  admin / ${password}\n` +
        `Ctrl+C stops it and removes the engine, its containers and its files.\n`,
    );
    const ended = await Promise.race([
      exited.then((code) => ({ dwiExited: code })),
      new Promise<undefined>((resolve) => {
        wake = () => resolve(undefined);
        if (stopRequested) resolve(undefined);
      }),
    ]);
    if (ended !== undefined) {
      err(`dwi demo: dwi stopped by itself (exit code ${ended.dwiExited})\n`);
      return 1;
    }
    out('\nstopping...\n');
    return 0;
  } catch (error) {
    err(`dwi demo: error: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await stopDwi(dwi);
    // Removed at once: a stopped engine would otherwise stop each container in turn.
    try {
      const ids = docker(engine, ['ps', '-aq']).split('\n').filter(Boolean);
      if (ids.length > 0) docker(engine, ['rm', '-f', ...ids]);
    } catch {
      // The engine stops them anyway.
    }
    await stopPrivateEngine(engine);
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
    out('stopped: dwi, the engine, its bridge and its files are gone.\n');
  }
}

/** TERM (dwi's graceful stop), then KILL if it has not ended in 15 s. */
async function stopDwi(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

async function untilHealthy(url: string, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    try {
      const reply = await fetch(new URL('api/health', url), { signal: AbortSignal.timeout(2000) });
      if (reply.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
