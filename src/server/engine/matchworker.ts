/**
 * A thread that matches batches of log lines against one user pattern (see linefilter.ts):
 * the pattern runs in linear time, but a large pattern on long lines still costs seconds, and
 * here it costs them off the worker's event loop, where a deadline can end it. Its first
 * message says whether the pattern compiled; each later one answers a batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileLineMatcher, PatternError, type LineMatcher } from '../../shared/logmatch.js';

const { q, regex } = workerData as { q: string; regex: boolean };
let matches: LineMatcher | undefined;
try {
  matches = compileLineMatcher(q, regex);
  parentPort!.postMessage({ ready: true });
} catch (err) {
  if (!(err instanceof PatternError)) throw err;
  parentPort!.postMessage({ refused: err.message });
}

if (matches !== undefined) {
  const match = matches;
  parentPort!.on('message', (lines: string[]) => {
    const flags = new Uint8Array(lines.length);
    for (let i = 0; i < lines.length; i++) flags[i] = match(lines[i]!) ? 1 : 0;
    parentPort!.postMessage(flags, [flags.buffer]);
  });
}
