/** What the benchmarks share: dwi started by the test support module, percentiles, RSS. */
import { readdirSync, readFileSync } from 'node:fs';
import { childPids, Dwi, rssMiB } from '../test/support/dwi.js';
import { freePort, TEST_TOKEN } from '../test/support/http.js';

/** The admin API token of every benchmarked dwi: requests and sockets carry it, as users' do. */
export const BENCH_TOKEN = TEST_TOKEN;

export interface RunningDwi {
  port: number;
  pid: number;
  stop: () => Promise<void>;
}

/**
 * Starts dwi (one worker, no access log, and `more` settings) on the engine and waits until it
 * is ready.
 */
export async function startDwi(dockerHost: string, more: string[] = []): Promise<RunningDwi> {
  const port = await freePort();
  // The fan-out benchmark connects 1,000 clients with one token: more than one user may open.
  const args = ['--access-logfile', '', '--socket-max-per-user', '2000', ...more];
  const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, ...args], {
    env: { DWI_DOCKER_HOST: dockerHost },
    discardStdout: true,
    waitMs: 60_000,
  });
  return { port, pid: dwi.pid, stop: async () => void (await dwi.stop()) };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** RSS of the first worker of a dwi primary. */
export function workerRssMiB(primaryPid: number): number {
  return rssMiB(childPids(primaryPid)[0]!);
}

/** CPU seconds (user and system) a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The processes whose command line names `text` (an engine's directory: its daemons, shims). */
export function pidsNaming(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
