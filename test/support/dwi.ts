/**
 * Starts the real `dwi` (dist/server/cli.js) as a user would, for tests and benchmarks alike.
 * Every process and data dir made here is removed after the file's tests; nothing is ended by
 * name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, inject } from 'vitest';
import { hashPassword, sha256 } from '../../src/server/auth/credentials.js';
import { Store } from '../../src/server/store/index.js';
import { request, TEST_TOKEN, until } from './http.js';

/** In the project node24 (test/node24-setup.ts): dwi laid out for Node 24, and that Node. */
const node24 = inject('node24');
/** The node that runs dwi and its commands: the one running the tests, or Node 24. */
export const NODE = node24?.node ?? process.execPath;
export const CLI =
  node24?.cli ?? fileURLToPath(new URL('../../dist/server/cli.js', import.meta.url));
export const TEST_ADMIN_PASSWORD = 'correct horse battery staple';
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

const started = new Set<ChildProcess>();
const tempDirs = new Set<string>();
afterAll(async () => {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

let adminHash: Promise<string> | undefined;

/** A fresh data_dir with user admin (TEST_ADMIN_PASSWORD) and its token TEST_TOKEN. */
export async function seededDataDir(): Promise<string> {
  const dir = tempDataDir();
  adminHash ??= hashPassword(TEST_ADMIN_PASSWORD);
  seedAdmin(dir, await adminHash, TEST_TOKEN);
  return dir;
}

/** A fresh data_dir, removed after the file's tests. */
export function tempDataDir(): string {
  return tempDir('dwi-data-');
}

/** A fresh folder in TMPDIR named with this prefix, removed after the file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** A data_dir made ready for a run: user `admin` and an admin API token. */
export function seedAdmin(dir: string, passwordHash: string, token: string): void {
  const store = Store.open(dir);
  try {
    store.addUser('admin', 'admin', passwordHash);
    store.addToken({
      id: 'seeded',
      name: 'seeded admin token',
      tokenHash: sha256(token),
      userId: store.user('admin')!.id,
      role: 'admin',
      expiresAt: null,
    });
  } finally {
    store.close();
  }
}

/** A user of that role (no usable password) and an API token for it, in a data_dir. */
export function seedUserToken(
  dir: string,
  username: string,
  role: 'viewer' | 'operator' | 'admin',
  token: string,
): void {
  const store = Store.open(dir);
  try {
    store.addUser(username, role, 'not-a-password-hash');
    store.addToken({
      id: username,
      name: `${username} token`,
      tokenHash: sha256(token),
      userId: store.user(username)!.id,
      role,
      expiresAt: null,
    });
  } finally {
    store.close();
  }
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}

/** Child processes of a PID, read from /proc. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children.sort((a, b) => a - b);
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Wait until GET /api/ready says ready (engine connected) on this base URL (default: the first TCP bind). */
  waitUrl?: string | null;
  /** What is waited for on waitUrl (benchmarks without an engine wait for /api/health). */
  waitPath?: string;
  /** How long it may take to answer (benchmarks with many containers: longer). */
  waitMs?: number;
  cwd?: string;
  /** Benchmarks: do not keep stdout (the access log) in memory. */
  discardStdout?: boolean;
  /** Flags for Node itself, before dwi's script: dwi hands them on to its workers. */
  nodeArgs?: string[];
  /** What runs instead of NODE CLI (an installed bin). */
  command?: string;
}

export class Dwi {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Runs dwi and waits for it to answer (or, with waitUrl null, just starts it). */
  static async start(args: string[], options: StartOptions = {}): Promise<Dwi> {
    // inject: the private engine of the test run; benchmarks pass their own.
    const [command, argv] = options.command
      ? [options.command, args]
      : [NODE, [...(options.nodeArgs ?? []), CLI, ...args]];
    const child = spawn(command, argv, {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        DWI_DOCKER_HOST: inject('dockerHost'),
        // Each server its own database, with the test admin and its token in it.
        DWI_DATA_DIR: options.env?.DWI_DATA_DIR ?? (await seededDataDir()),
        ...options.env,
      },
      stdio: ['ignore', options.discardStdout ? 'ignore' : 'pipe', 'pipe'],
    });
    started.add(child);
    const dwi = new Dwi(child);
    if (options.waitUrl !== null) {
      const url = options.waitUrl ?? baseUrlOf(args);
      const path = options.waitPath ?? '/api/ready';
      await until(
        () => `${path} to answer 200 on ${url}\nstderr: ${dwi.stderr}`,
        async () => {
          if (child.exitCode !== null)
            throw new Error(`dwi exited early (${child.exitCode}): ${dwi.stderr}`);
          try {
            return (await request(`${url}${path}`, { timeoutMs: 1000 })).status === 200;
          } catch {
            return false;
          }
        },
        // A bound for a start that hangs, not a speed check: four processes loading Node on a
        // machine running other test files (or other work) in parallel take their time.
        options.waitMs ?? 30_000,
      );
      if (node24 !== undefined && options.command === undefined) expectNode24(dwi);
    }
    return dwi;
  }

  /** Runs dwi to completion (for --print-config, --check-config, errors). */
  static async run(
    args: string[],
    env: Record<string, string> = {},
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const dwi = await Dwi.start(args, { env, waitUrl: null });
    const { code } = await dwi.exited;
    return { code, stdout: dwi.stdout, stderr: dwi.stderr };
  }

  async waitFor(
    stream: 'stdout' | 'stderr',
    pattern: RegExp,
    timeoutMs = 15_000,
  ): Promise<RegExpMatchArray> {
    return until(
      `${pattern} on ${stream}; it has:\n${this[stream]}`,
      () => this[stream].match(pattern) ?? undefined,
      timeoutMs,
    );
  }

  workerPids(): number[] {
    return childPids(this.pid);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

/** The primary and its workers run Node 24's binary, not the Node that runs the tests. */
function expectNode24(dwi: Dwi): void {
  const binary = realpathSync(node24!.node);
  for (const pid of [dwi.pid, ...dwi.workerPids()]) {
    const exe = readlinkSync(`/proc/${pid}/exe`);
    if (exe !== binary) throw new Error(`dwi's process ${pid} runs ${exe}, not ${binary}`);
  }
}

function baseUrlOf(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value =
      arg === '-b' || arg === '--bind'
        ? args[i + 1]
        : arg.startsWith('--bind=')
          ? arg.slice(7)
          : undefined;
    if (value !== undefined && !value.startsWith('unix:')) return `http://${value}`;
  }
  throw new Error('give a TCP -b address or waitUrl');
}
