/** What the Vitest benchmarks share: a dwi process on a test engine, percentiles, RSS. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../src/server/auth/credentials.js';
import { seedAdmin } from '../test/seed.js';

/** The admin API token of every benchmarked dwi: requests and sockets carry it, as users' do. */
export const BENCH_TOKEN = `dwi_bench_${'x'.repeat(37)}`;

/** A data_dir with an admin and BENCH_TOKEN. */
async function seededDataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dwi-bench-'));
  seedAdmin(dir, await hashPassword(randomPassword()), BENCH_TOKEN);
  return dir;
}

const randomPassword = () => `bench-${Math.random().toString(36).slice(2)}-${Date.now()}`;

export interface RunningDwi {
  port: number;
  pid: number;
  stop: () => Promise<void>;
}

function ready(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/ready' }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Starts dwi (one worker, no access log) on the engine and waits until it is ready. */
export async function startDwi(dockerHost: string): Promise<RunningDwi> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(
    process.execPath,
    ['dist/server/cli.js', '-b', `127.0.0.1:${port}`, '--access-logfile', ''],
    {
      env: {
        PATH: process.env.PATH,
        DWI_DOCKER_HOST: dockerHost,
        DWI_DATA_DIR: await seededDataDir(),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const deadline = Date.now() + 60_000;
  while (!(await ready(port))) {
    if (Date.now() > deadline) throw new Error('dwi did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** RSS of the first worker of a dwi primary. */
export function workerRssMiB(primaryPid: number): number {
  const worker = readFileSync(`/proc/${primaryPid}/task/${primaryPid}/children`, 'utf8')
    .trim()
    .split(/\s+/)[0];
  return (
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker}/status`, 'utf8'))?.[1] ?? 0) / 1024
  );
}
