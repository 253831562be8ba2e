/**
 * A thread that matches batches of log lines against one user pattern (see linefilter.ts):
 * the pattern runs in linear time, but a large pattern on long lines still costs seconds, and
 * here it costs them off the worker's event loop, where a deadline can end it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileLineMatcher } from '../../shared/logmatch.js';

const { q, regex } = workerData as { q: string; regex: boolean };
const matches = compileLineMatcher(q, regex);

parentPort!.on('message', (lines: string[]) => {
  const flags = new Uint8Array(lines.length);
  for (let i = 0; i < lines.length; i++) flags[i] = matches(lines[i]!) ? 1 : 0;
  parentPort!.postMessage(flags, [flags.buffer]);
});
