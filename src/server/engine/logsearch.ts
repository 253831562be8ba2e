/**
 * Searching a container's whole log on the server, streamed: lines are read, matched and
 * dropped as they come, so memory stays flat however big the log is, and reading stops as
 * soon as enough matches are found.
 */
import type { LogMatch, LogSearchResult as SearchResult } from '../../shared/api.js';
import { FrameDecoder, LineBuffer, type StreamName } from './demux.js';
import { justAfter, splitTimestamp } from './timestamps.js';

export type { LogMatch, SearchResult };

/** Lines longer than this are matched on their first part only: a guard for slow patterns. */
const MATCH_LIMIT = 64 * 1024;

/** A plain text (case-insensitive) or a regular expression matcher. */
export function lineMatcher(q: string, regex: boolean): (line: string) => boolean {
  if (!regex) {
    const needle = q.toLowerCase();
    return (line) => line.toLowerCase().includes(needle);
  }
  const pattern = new RegExp(q, 'i');
  return (line) => pattern.test(line.length > MATCH_LIMIT ? line.slice(0, MATCH_LIMIT) : line);
}

/**
 * Reads a log stream line by line (demultiplexed unless TTY). `onLine` returns false to stop:
 * the stream is then destroyed. Resolves true when the log was read to its end.
 */
export function readLines(
  stream: NodeJS.ReadableStream & { destroy?: () => void },
  tty: boolean,
  onLine: (stream: StreamName, line: string) => boolean,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const decoder = new FrameDecoder();
    const lines = { stdout: new LineBuffer(), stderr: new LineBuffer() };
    let done = false;
    const stop = () => {
      done = true;
      stream.removeAllListeners('data');
      stream.destroy?.();
      resolve(false);
    };
    const feed = (name: StreamName, text: string) => {
      for (const line of lines[name].push(text)) if (!done && !onLine(name, line)) return stop();
    };
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      if (tty) return feed('stdout', chunk.toString('utf8'));
      for (const frame of decoder.push(chunk)) {
        if (done) return;
        feed(frame.stream, frame.data.toString('utf8'));
      }
    });
    stream.on('end', () => {
      if (done) return;
      done = true;
      for (const name of ['stdout', 'stderr'] as const)
        for (const line of lines[name].flush()) onLine(name, line);
      resolve(true);
    });
    stream.on('error', (err: Error) => (done ? undefined : reject(err)));
    // Destroyed from outside (a followed stream stopped): over, not read to its end.
    stream.on('close', () => {
      if (done) return;
      done = true;
      resolve(false);
    });
  });
}

/** Collects up to `limit` matching lines; the cursor points just after the last line read. */
export async function searchStream(
  stream: NodeJS.ReadableStream & { destroy?: () => void },
  options: { tty: boolean; matches: (line: string) => boolean; limit: number },
): Promise<SearchResult> {
  const result: SearchResult = { matches: [], scanned: 0, cursor: null };
  let lastTimestamp: string | null = null;
  const complete = await readLines(stream, options.tty, (name, raw) => {
    const { timestamp, text } = splitTimestamp(raw);
    result.scanned += 1;
    lastTimestamp = timestamp;
    if (options.matches(text)) result.matches.push({ timestamp, stream: name, line: text });
    // Past the limit, lines are left for the next page (the cursor stops before them).
    return result.matches.length < options.limit;
  });
  result.cursor = complete || lastTimestamp === null ? null : justAfter(lastTimestamp);
  return result;
}

/** The last `count` lines of a stream, in a ring: memory bounded by the page, not the log. */
export async function lastLines(
  stream: NodeJS.ReadableStream,
  tty: boolean,
  count: number,
): Promise<Array<{ stream: StreamName; line: string }>> {
  if (!Number.isFinite(count)) {
    const all: Array<{ stream: StreamName; line: string }> = [];
    await readLines(stream, tty, (name, line) => all.push({ stream: name, line }) > 0);
    return all;
  }
  const ring: Array<{ stream: StreamName; line: string }> = new Array(count);
  let written = 0;
  await readLines(stream, tty, (name, line) => {
    ring[written % count] = { stream: name, line };
    written += 1;
    return true;
  });
  if (written <= count) return ring.slice(0, written);
  const start = written % count;
  return [...ring.slice(start), ...ring.slice(0, start)];
}
