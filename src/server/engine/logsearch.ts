/**
 * Reading a container's log on the server, streamed: lines are read, matched and dropped as
 * they come, so memory stays flat however big the log is; a search stops as soon as enough
 * matches are found or a bound (lines, bytes, time) is reached, and says where to continue.
 */
import type { LogMatch, LogSearchResult as SearchResult } from '../../shared/api.js';
import { FrameDecoder, LineBuffer, type StreamName } from './demux.js';
import type { LineFilter } from './linefilter.js';
import { isLater, justAfter, splitTimestamp } from './timestamps.js';

export type { LogMatch, SearchResult };
type LogLine = Omit<LogMatch, 'before' | 'after'>;

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

/** One chunk of a log as it was read: its complete lines, and its size on the wire. */
export interface LineBatch {
  lines: Array<{ stream: StreamName; line: string }>;
  bytes: number;
}

/**
 * A log stream as batches of lines, one per chunk read, pulled (so the engine is read no faster
 * than the consumer goes, and memory holds a chunk or two). Breaking out of the loop destroys
 * the stream.
 */
export async function* lineBatches(
  stream: AsyncIterable<Buffer>,
  tty: boolean,
): AsyncGenerator<LineBatch> {
  const decoder = new FrameDecoder();
  const buffers = { stdout: new LineBuffer(), stderr: new LineBuffer() };
  for await (const chunk of stream) {
    const lines: LineBatch['lines'] = [];
    const add = (name: StreamName, text: string) => {
      for (const line of buffers[name].push(text)) lines.push({ stream: name, line });
    };
    if (tty) add('stdout', chunk.toString('utf8'));
    else for (const frame of decoder.push(chunk)) add(frame.stream, frame.data.toString('utf8'));
    yield { lines, bytes: chunk.length };
  }
  const rest: LineBatch['lines'] = [];
  for (const name of ['stdout', 'stderr'] as const)
    for (const line of buffers[name].flush()) rest.push({ stream: name, line });
  if (rest.length > 0) yield { lines: rest, bytes: 0 };
}

/** How far one search may go before it stops and says where to continue. */
export interface SearchBounds {
  lines: number;
  bytes: number;
  seconds: number;
}

/** The flags of a batch, or undefined if the deadline came first. */
async function matchBefore(
  filter: LineFilter,
  texts: string[],
  deadline: number,
): Promise<Uint8Array | undefined> {
  const flags = filter.match(texts);
  if (flags instanceof Uint8Array) return flags;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([flags, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A context line is cut to this many characters: context must not multiply a page's size. */
const CONTEXT_CHARS = 300;

/**
 * Lines read past a search's stop for stragglers. The engine stamps stdout and stderr apart, so
 * a line may be written after lines stamped later than it; the next page begins after the
 * latest stamp read, so such a line belongs to this page or to none.
 */
const LOOK_AHEAD_LINES = 64;
/** What matching the look-ahead's lines may take, past the search's own deadline. */
const LOOK_AHEAD_MS = 1000;

/**
 * Collects up to `limit` matching lines, reading at most the bounds' lines, bytes and time,
 * each with up to `context` lines before and after it (those read before the search stopped).
 * The reply says why it stopped early (`stopped`), and its cursor points just after the latest
 * line read (or at `from`, where it began, if it read none). Lines stamped no later than that
 * but written in the next few past the stop are taken too: a page may hold a few more matches
 * than `limit`, and none falls between two pages.
 */
export async function searchStream(
  stream: AsyncIterable<Buffer>,
  options: {
    tty: boolean;
    filter: LineFilter;
    limit: number;
    /** Lines of context kept before and after each match. */
    context?: number;
    bounds: SearchBounds;
    from: string | null;
  },
): Promise<SearchResult> {
  const { filter, limit, bounds } = options;
  const context = options.context ?? 0;
  // The last `context` lines read, and the matches still collecting lines after them.
  const recent: LogLine[] = [];
  let collecting: LogMatch[] = [];
  let deadline = performance.now() + bounds.seconds * 1000;
  const result: SearchResult = { matches: [], scanned: 0, cursor: null, stopped: null };
  let latest: string | null = null;
  let bytes = 0;
  let lookAheadLeft = 0;
  const stop = (why: NonNullable<SearchResult['stopped']>) => {
    result.stopped = why;
    lookAheadLeft = LOOK_AHEAD_LINES;
    deadline = performance.now() + LOOK_AHEAD_MS;
  };
  const take = (timestamp: string, stream: LogLine['stream'], text: string, matched: boolean) => {
    result.scanned += 1;
    if (latest === null || isLater(timestamp, latest)) latest = timestamp;
    if (context > 0) {
      const line = { timestamp, stream, line: text.slice(0, CONTEXT_CHARS) };
      for (const open of collecting) open.after!.push(line);
      collecting = collecting.filter((open) => open.after!.length < context);
      if (matched) {
        const match = { timestamp, stream, line: text, before: [...recent], after: [] };
        result.matches.push(match);
        collecting.push(match);
      }
      recent.push(line);
      if (recent.length > context) recent.shift();
    } else if (matched) result.matches.push({ timestamp, stream, line: text });
  };
  reading: for await (const batch of lineBatches(stream, options.tty)) {
    bytes += batch.bytes;
    const split = batch.lines.map(({ line }) => splitTimestamp(line));
    const flags = await matchBefore(
      filter,
      split.map((s) => s.text),
      deadline,
    );
    if (flags === undefined) {
      result.stopped ??= 'time';
      break;
    }
    for (let i = 0; i < split.length; i++) {
      const { timestamp, text } = split[i]!;
      if (result.stopped !== null) {
        // Past the stop: only a straggler, stamped no later than the latest line taken.
        if (lookAheadLeft-- === 0) break reading;
        if (latest !== null && isLater(timestamp, latest)) continue;
        take(timestamp, batch.lines[i]!.stream, text, flags[i] === 1);
        continue;
      }
      take(timestamp, batch.lines[i]!.stream, text, flags[i] === 1);
      // Past a bound, lines are left for the next page (the cursor stops before them).
      if (result.matches.length >= limit) stop('matches');
      else if (result.scanned >= bounds.lines) stop('lines');
    }
    if (result.stopped !== null) continue;
    if (bytes >= bounds.bytes) stop('bytes');
    else if (performance.now() >= deadline) stop('time');
  }
  if (result.stopped !== null) {
    result.cursor = latest === null ? options.from : justAfter(latest);
  }
  return result;
}

/**
 * The last lines of a stream (of those `keep` keeps, if given), at most `count` of them and
 * `maxBytes` of text, and what cut them.
 */
export async function lastLines(
  stream: NodeJS.ReadableStream,
  tty: boolean,
  count: number,
  maxBytes = Infinity,
  keep?: (line: string) => boolean,
): Promise<{ lines: Array<{ stream: StreamName; line: string }>; cut: 'lines' | 'bytes' | null }> {
  // A ring of the newest lines: memory bounded by the page, not the log.
  const ring: Array<{ stream: StreamName; line: string }> = [];
  let head = 0;
  let bytes = 0;
  let cut: 'lines' | 'bytes' | null = null;
  const dropOldest = () => {
    bytes -= Buffer.byteLength(ring[head]!.line) + 1;
    head += 1;
    // Compacted now and then, so dropping is O(1) on average.
    if (head > 4096 && head * 2 > ring.length) {
      ring.splice(0, head);
      head = 0;
    }
  };
  await readLines(stream, tty, (name, line) => {
    if (keep !== undefined && !keep(line)) return true;
    ring.push({ stream: name, line });
    bytes += Buffer.byteLength(line) + 1;
    if (ring.length - head > count) {
      dropOldest();
      cut = 'lines';
    }
    while (bytes > maxBytes && ring.length - head > 1) {
      dropOldest();
      cut = 'bytes';
    }
    return true;
  });
  return { lines: ring.slice(head), cut };
}
