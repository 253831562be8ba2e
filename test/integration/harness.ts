/**
 * Starts the real `dwi` (dist/server/cli.js) as a user would and talks to it over real HTTP.
 * Every process started here is ended by its PID in afterAll; nothing is ended by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, inject } from 'vitest';
import { hashPassword } from '../../src/server/auth/credentials.js';
import { seedAdmin } from '../seed.js';

export const CLI = fileURLToPath(new URL('../../dist/server/cli.js', import.meta.url));
export const TEST_ADMIN_PASSWORD = 'correct horse battery staple';
/** An admin API token every harness-started server knows: requests and sockets carry it. */
export const TEST_TOKEN = `dwi_test_${'x'.repeat(38)}`;
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

const started = new Set<ChildProcess>();
const dataDirs = new Set<string>();
afterAll(async () => {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
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
  const dir = mkdtempSync(join(tmpdir(), 'dwi-data-'));
  dataDirs.add(dir);
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function until<T>(
  /** What is awaited, for the timeout's message (a function to describe the state then). */
  what: string | (() => string | Promise<string>),
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : await what()}`,
      );
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestOptions {
  /** false: send no credentials (by default every request carries TEST_TOKEN). */
  auth?: false;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  socketPath?: string;
  timeoutMs?: number;
}

/** One request on its own connection (no keep-alive agent), so workers see fresh connections. */
export function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers:
          options.auth === false
            ? options.headers
            : { authorization: `Bearer ${TEST_TOKEN}`, ...options.headers },
        agent: false,
        ...(options.socketPath ? { socketPath: options.socketPath } : {}),
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
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
  cwd?: string;
}

export class Dwi {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
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
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        DWI_DOCKER_HOST: inject('dockerHost'),
        // Each server its own database, with the test admin and its token in it.
        DWI_DATA_DIR: options.env?.DWI_DATA_DIR ?? (await seededDataDir()),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.add(child);
    const dwi = new Dwi(child);
    if (options.waitUrl !== null) {
      const url = options.waitUrl ?? baseUrlOf(args);
      await until(`dwi to answer on ${url}\nstderr: ${dwi.stderr}`, async () => {
        if (child.exitCode !== null)
          throw new Error(`dwi exited early (${child.exitCode}): ${dwi.stderr}`);
        try {
          return (await request(`${url}/api/ready`, { timeoutMs: 1000 })).status === 200;
        } catch {
          return false;
        }
      });
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
