/**
 * The log viewer's budget (issue 12), in Debian's headless Chromium against dwi and a private
 * engine: 1,000,000 lines held (the tab's JS heap), scrolling them from top to bottom (frames
 * per second), and 5,000 new lines a second for 30 s (long tasks, heap). Lines are fed through
 * the page's own session (`window.__dwiLogSession.feed`): the real parser worker, chunk store,
 * filter and virtual list, without a socket in between. Loopback and unix sockets only.
 */
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  runShell,
  startTestEngine,
  stopTestEngine,
  type TestEngine,
} from '../test/support/engine.js';
import { until } from '../test/support/http.js';
import { adminContext } from './browser.js';
import { startDwi, type RunningDwi } from './dwi.js';

const LINES = Number(process.env.BENCH_LOG_LINES ?? 1_000_000);
const RATE = Number(process.env.BENCH_LOG_RATE ?? 5000);
const SECONDS = Number(process.env.BENCH_LOG_SECONDS ?? 30);
/** BENCH_LOG_PROFILE=1: where the main thread's time went while scrolling (self time). */
const PROFILE = process.env.BENCH_LOG_PROFILE === '1';
const results: string[] = [];
let engine: TestEngine;
let dwi: RunningDwi;

afterAll(async () => {
  await dwi?.stop();
  if (engine !== undefined) await stopTestEngine(engine);
  console.log(`\n## log viewer\n${results.join('\n')}\n`);
});

beforeAll(async () => {
  engine = await startTestEngine();
  runShell(engine, 'bench-logs', 'echo ready; exec sleep 3600');
  dwi = await startDwi(engine.host);
}, 600_000);

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples?: number[];
  timeDeltas?: number[];
}

function topFunctions(profile: CpuProfile): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples?.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([name, ms]) => `  self ${ms.toFixed(0)} ms: ${name}`);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/**
 * Defines, in the page, a generator of realistic lines (about 110 characters: a timestamp, a
 * level, a request, now and then ANSI colours or JSON) and a feeder through the session.
 */
const GENERATOR = `
  window.__benchLine = (i, ms) => {
    const ts = new Date(ms).toISOString().replace('Z', String(i % 1000000).padStart(6, '0') + 'Z');
    const kind = i % 20;
    const text =
      kind === 0 ? '\\x1b[31mERROR\\x1b[0m payment ' + i + ' failed: upstream timed out after 30s (attempt 3)'
      : kind === 1 ? 'WARN cache miss ratio ' + (i % 97) + '% above threshold for shard ' + (i % 16)
      : kind === 2 ? '{"level":"info","msg":"request served","id":' + i + ',"ms":' + (i % 300) + ',"path":"/api/items"}'
      : 'INFO GET /api/items/' + i + '?page=' + (i % 50) + ' 200 ' + (i % 900) + 'ms ua=Mozilla/5.0 id=' + (i * 7919 % 1000003);
    return ts + ' ' + text;
  };
  window.__benchFeed = async (from, count, startMs) => {
    const session = window.__dwiLogSession;
    const batch = [];
    for (let i = from; i < from + count; i++) batch.push({ line: window.__benchLine(i, startMs + i) });
    await session.feed(batch);
  };
  undefined;`;

async function heapUsed(cdp: CDPSession, collect: boolean): Promise<number> {
  if (collect) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

async function fill(page: Page, lines: number): Promise<number> {
  const started = Date.now();
  const startMs = Date.now() - 86_400_000;
  for (let from = 0; from < lines; from += 20_000) {
    await page.evaluate(
      `window.__benchFeed(${from}, ${Math.min(20_000, lines - from)}, ${startMs})`,
    );
  }
  await until(
    'every line in the store',
    async () => ((await page.evaluate('window.__dwiLogSession.store.length')) as number) >= lines,
    60_000,
  );
  return Date.now() - started;
}

/** Scrolls the lines from top to bottom in `seconds`, counting frames and long tasks. */
const SCROLL = (seconds: number) => `
  new Promise((resolve) => {
    const scroller = document.querySelector('[aria-label="Log lines"]');
    const longTasks = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask' });
    scroller.scrollTop = 0;
    // Read once: reading it each frame would force a layout the page itself never asks for.
    const distance = scroller.scrollHeight - scroller.clientHeight;
    let frames = 0;
    let start = 0;
    const frame = (now) => {
      if (start === 0) start = now;
      frames += 1;
      const progress = Math.min(1, (now - start) / (${seconds} * 1000));
      scroller.scrollTop = progress * distance;
      if (progress < 1) return requestAnimationFrame(frame);
      observer.disconnect();
      const shown = scroller.querySelectorAll('[data-index]').length;
      resolve({ fps: frames / ((now - start) / 1000), frames, longTasks, shown });
    };
    // Two frames first: the jump to the top has rendered.
    requestAnimationFrame(() => requestAnimationFrame(frame));
  })`;

/** Feeds RATE lines a second, in tenths of a second, for SECONDS, watching long tasks. */
const STREAM = `
  new Promise((resolve) => {
    const longTasks = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask' });
    let next = ${LINES};
    const startMs = Date.now();
    const perTick = ${RATE} / 10;
    const started = performance.now();
    const timer = setInterval(() => {
      void window.__benchFeed(next, perTick, startMs);
      next += perTick;
      if (performance.now() - started >= ${SECONDS} * 1000) {
        clearInterval(timer);
        observer.disconnect();
        resolve({ fed: next - ${LINES}, longTasks, held: window.__dwiLogSession.store.length });
      }
    }, 100);
  })`;

it(`log viewer: ${LINES.toLocaleString('en')} lines held, scrolled, and ${RATE}/s for ${SECONDS} s`, async () => {
  const base = `http://127.0.0.1:${dwi.port}`;
  const context = await adminContext(base);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto(`${base}/containers/bench-logs/logs`);
  await page.getByRole('region', { name: 'Log lines' }).getByText('ready').waitFor();
  await page.evaluate(GENERATOR);

  const emptyHeap = await heapUsed(cdp, true);
  const fillMs = await fill(page, LINES);
  // A frame or two for the list to render the end.
  await page.getByRole('region', { name: 'Log lines' }).getByText(`id=`).first().waitFor();
  const fullHeap = await heapUsed(cdp, true);
  results.push(
    `${LINES.toLocaleString('en')} lines fed through the worker into the store in ${(fillMs / 1000).toFixed(1)} s`,
    `tab JS heap (after GC): empty viewer ${mib(emptyHeap)}, with ${LINES.toLocaleString('en')} lines ${mib(fullHeap)} (target <= 300 MB)`,
  );

  if (PROFILE) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const scroll = (await page.evaluate(SCROLL(10))) as {
    fps: number;
    frames: number;
    longTasks: number[];
    shown: number;
  };
  if (PROFILE) results.push(...topFunctions((await cdp.send('Profiler.stop')).profile));
  results.push(
    `scrolling top to bottom in 10 s: ${scroll.fps.toFixed(1)} fps (${scroll.frames} frames, target >= 50), ${scroll.longTasks.length} long tasks${scroll.longTasks.length > 0 ? `, longest ${Math.max(...scroll.longTasks).toFixed(0)} ms` : ''}, ${scroll.shown} rows in the page at the end`,
  );

  // Back to the end, following, as someone watching a busy log would be.
  await page
    .getByRole('button', { name: /Follow/ })
    .first()
    .click();
  const before = await heapUsed(cdp, true);
  const heapSamples: number[] = [];
  const sampler = setInterval(() => {
    void heapUsed(cdp, false).then((used) => heapSamples.push(used));
  }, 5000);
  const stream = (await page.evaluate(STREAM)) as {
    fed: number;
    longTasks: number[];
    held: number;
  };
  clearInterval(sampler);
  const after = await heapUsed(cdp, true);
  const over100 = stream.longTasks.filter((d) => d > 100).length;
  results.push(
    `${RATE} lines/s for ${SECONDS} s (${stream.fed.toLocaleString('en')} lines, ${stream.held.toLocaleString('en')} held: the oldest dropped past the cap): ${stream.longTasks.length} long tasks, longest ${stream.longTasks.length > 0 ? Math.max(...stream.longTasks).toFixed(0) : 0} ms, ${over100} over 100 ms`,
    `heap during the stream (after GC): before ${mib(before)}, after ${mib(after)}; sampled every 5 s without GC: ${heapSamples.map(mib).join(', ')}`,
  );
  await context.close();
  expect(stream.fed).toBeGreaterThan(0);
});
