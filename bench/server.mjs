// Server layer benchmarks (issue 3): health requests/s against bare Fastify, cold start, idle RSS.
import autocannon from 'autocannon';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, childPids, fmt, freePort, median, rssMiB, startProcess, waitFor } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 20;
const dir = mkdtempSync(join(tmpdir(), 'dwi-bench-'));

async function load(url) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  if (result.errors || result.non2xx)
    throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx`);
  return result.requests.average;
}

async function throughput() {
  const basePort = await freePort();
  const base = startProcess([
    fileURLToPath(new URL('./bare-fastify.mjs', import.meta.url)),
    String(basePort),
  ]);
  const dwiPort = await freePort();
  const accessLog = join(dir, 'access.log');
  const dwi = startProcess([CLI, '-b', `127.0.0.1:${dwiPort}`, '--access-logfile', accessLog]);
  try {
    await waitFor(`http://127.0.0.1:${basePort}/api/health`);
    await waitFor(`http://127.0.0.1:${dwiPort}/api/health`);
    const ratios = [];
    const rows = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate, so drift on a shared machine falls on both sides alike.
      const bare = await load(`http://127.0.0.1:${basePort}/api/health`);
      const ours = await load(`http://127.0.0.1:${dwiPort}/api/health`);
      ratios.push(ours / bare);
      rows.push({ bare, ours });
    }
    return { rows, ratio: median(ratios) };
  } finally {
    await dwi.stop();
    await base.stop();
  }
}

async function coldStart() {
  const times = [];
  let workerRss = 0;
  let primaryRss = 0;
  for (let i = 0; i < 5; i++) {
    const port = await freePort();
    const startedAt = performance.now();
    const dwi = startProcess([CLI, '-b', `127.0.0.1:${port}`]);
    try {
      times.push(await waitFor(`http://127.0.0.1:${port}/api/health`, 15_000, startedAt));
      if (i === 0) {
        await new Promise((resolve) => setTimeout(resolve, 2000)); // settle: idle
        const [worker] = childPids(dwi.child.pid);
        workerRss = rssMiB(worker);
        primaryRss = rssMiB(dwi.child.pid);
      }
    } finally {
      await dwi.stop();
    }
  }
  return { ms: median(times), all: times, workerRss, primaryRss };
}

export async function run() {
  const t = await throughput();
  const c = await coldStart();
  const lines = [
    `GET /api/health, access log on, ${CONNECTIONS} connections, ${SECONDS}s x ${ROUNDS} rounds:`,
    ...t.rows.map(
      (r, i) =>
        `  round ${i + 1}: bare Fastify ${fmt(r.bare, 0)} req/s, dwi ${fmt(r.ours, 0)} req/s`,
    ),
    `  ratio dwi/bare (median): ${fmt(t.ratio)}  (target >= 0.70) ${t.ratio >= 0.7 ? 'OK' : 'BELOW TARGET'}`,
    `cold start to ready, 1 worker (median of 5): ${fmt(c.ms, 0)} ms  (target <= 1000) ${c.ms <= 1000 ? 'OK' : 'BELOW TARGET'}`,
    `  all: ${c.all.map((v) => fmt(v, 0)).join(', ')} ms`,
    `idle RSS: worker ${fmt(c.workerRss, 1)} MiB, primary ${fmt(c.primaryRss, 1)} MiB`,
  ];
  return { name: 'server', lines, ok: t.ratio >= 0.7 && c.ms <= 1000 };
}
