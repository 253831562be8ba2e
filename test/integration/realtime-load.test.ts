import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { counterScript, dockerCli, runShell } from '../engine/engine.js';
import { Dwi, FIXTURES, freePort, request, TEST_TOKEN, until } from './harness.js';
import { connect } from './sockets.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const suffix = Math.random().toString(36).slice(2, 7);
const ticker = `load-ticker-${suffix}`;
const flood = `flood-${suffix}`;
const MB = 1_000_000;

let dwi: Dwi;
let url: string;
let reader: ChildProcess | undefined;

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const fdsOf = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const streamsOpen = async () =>
  Number(/^dwi_log_streams_open (\d+)$/m.exec((await request(`${url}/metrics`)).body)?.[1]);

beforeAll(async () => {
  runShell(engine, ticker, counterScript('tick'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
});

afterAll(async () => {
  if (reader?.exitCode === null) {
    reader.kill('SIGCONT');
    reader.kill('SIGKILL');
  }
  await dwi?.stop();
  for (const name of [ticker, flood]) {
    try {
      docker('rm', '-f', name);
    } catch {
      // Never made, or gone.
    }
  }
});

/**
 * The worker's RSS and open fds once its fd count has held still for 6 s: idle keep-alive
 * connections to the engine close after 5 s.
 */
async function settled(pid: number): Promise<{ rss: number; fds: number }> {
  let last = -1;
  let since = Date.now();
  return until(
    'the fd count to settle',
    async () => {
      const fds = fdsOf(pid);
      if (fds !== last) {
        last = fds;
        since = Date.now();
      }
      return Date.now() - since >= 6000 ? { rss: rssOf(pid), fds } : undefined;
    },
    30_000,
    500,
  );
}

/** connect, start_log_stream, disconnect: `count` times over `lanes` clients at a time. */
async function cycles(count: number, lanes: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < count) {
        next += 1;
        const client = connect(url);
        const ack = await client
          .timeout(10_000)
          .emitWithAck('start_log_stream', { container_id: ticker });
        expect(ack).toEqual({ status: 'stream_started' });
        client.disconnect();
      }
    }),
  );
}

describe('real time under load', () => {
  it('1,000 cycles of connect, start_log_stream, disconnect: no stream left, fds and RSS back to baseline', async () => {
    const [worker] = dwi.workerPids();
    // The baseline is taken after a warm-up of the same size and pace (code loaded, the heap
    // grown to its working size), once sockets have closed: a leak shows as growth from there.
    // Below the baseline is fine: V8 gives memory back to the system when it sees fit.
    await cycles(1000, 20);
    await until('no stream open after the warm-up', async () => (await streamsOpen()) === 0);
    const baseline = await settled(worker!);

    // V8 frees what the cycles left behind when it sees fit: after a round its young generation
    // may stay grown (up to 36 MiB here) until the next one. Garbage comes back down within a
    // few rounds; a leak grows with each. Up to three rounds, each given 30 s to come back.
    let after: { rss: number; fds: number } | undefined;
    const readings: string[] = [];
    for (let round = 0; round < 3 && after === undefined; round++) {
      await cycles(1000, 20);
      await until('no engine log stream open', async () => (await streamsOpen()) === 0);
      const deadline = Date.now() + 30_000;
      while (after === undefined && Date.now() < deadline) {
        const now = await settled(worker!);
        readings.push(`${(now.rss / MB).toFixed(1)} MB/${now.fds} fds`);
        if (now.rss <= baseline.rss * 1.1 && now.fds <= baseline.fds * 1.1) after = now;
      }
    }
    expect(
      after,
      `RSS and fds back to at most 10% over the baseline (${(baseline.rss / MB).toFixed(1)} MB, ${baseline.fds} fds); read ${readings.join(', ')}`,
    ).toBeDefined();
    console.log(
      `1,000 cycles: RSS ${(baseline.rss / MB).toFixed(1)} -> ${(after!.rss / MB).toFixed(1)} MB, fds ${baseline.fds} -> ${after!.fds}, after ${readings.length} readings`,
    );
  }, 400_000);

  it('a reader that stops reading from a container writing as fast as it can: RSS stays under 150 MB', async () => {
    // As fast as it can on a quarter of a CPU (about 40k lines/s here): the rest of the suite
    // shares this machine and engine.
    runShell(
      engine,
      flood,
      'while true; do echo "flooding the log as fast as a shell can write, line after line after line, forever"; done',
      ['--cpus', '0.25'],
    );
    // A dwi of its own: nothing else in its memory.
    const port = await freePort();
    const own = `http://127.0.0.1:${port}`;
    const floodDwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
    const [worker] = floodDwi.workerPids();
    reader = spawn(process.execPath, [`${FIXTURES}slow-reader.mjs`, own, flood, TEST_TOKEN], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    reader.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await until('the reader to stream', () => out.includes('STARTED') || undefined);

    // The reader stops reading altogether while the container floods its log.
    reader.kill('SIGSTOP');
    let peak = 0;
    const stoppedUntil = Date.now() + 12_000;
    while (Date.now() < stoppedUntil) {
      peak = Math.max(peak, rssOf(worker!));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    reader.kill('SIGCONT');
    // Once it reads again it is told how many lines it missed.
    const skipped = await until(
      'the reader to be told what it missed',
      () => /SKIPPED (\d+)/.exec(out) ?? undefined,
    );
    expect(out).not.toMatch(/DISCONNECTED/);
    docker('rm', '-f', flood);
    await floodDwi.stop();
    console.log(
      `slow reader: worker peak RSS ${(peak / MB).toFixed(1)} MB, ${skipped[1]} lines skipped`,
    );
    expect(Number(skipped[1])).toBeGreaterThan(0);
    expect(peak).toBeLessThan(150 * MB);
  }, 60_000);
});
