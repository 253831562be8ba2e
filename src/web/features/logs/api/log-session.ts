/**
 * One container's log in the viewer: the lines held (a LogStore fed by the parser worker), how
 * they got there, and what is shown of them.
 *
 * Two modes. `live`: the log's last page over REST, then its live stream over Socket.IO
 * (log_batch, from just after that page's last line), with older pages loaded on demand.
 * `history`: a window around a moment (a search match, a time, a linked line) that may be far
 * older than anything loaded: the page before it over REST (`until`), the lines after it from
 * the search route with a pattern every line matches (the only route that reads forward from a
 * `since` with a limit); scrolling loads more either way. "Back to live" returns to the end.
 */
import type { LogBatch, LogStreamStatusUpdate, StreamStopped } from '../../../../shared/events.js';
import { call } from '../../../lib/api.js';
import type { DwiSocket } from '../../../lib/socket.js';
import type { RawLine } from '../lib/parse.js';
import { rawLine, splitLine } from '../lib/parse.js';
import { justAfter, unixSeconds } from '../lib/time.js';
import { HeldLines, type SessionState } from './held-lines.js';
import { parseLines, parseText } from './parser.js';

export type { SessionError, SessionState } from './held-lines.js';

export const PAGE_LINES = 5000;
const AROUND_LINES = 1000;
/** Live lines are handed to the worker in batches at most this often (Dozzle's lesson). */
const FLUSH_MS = 100;
/** Matches every line: the search route as "the lines after `since`". */
const EVERY_LINE = '^';

/** A line for the store from a search match (it knows its stream). */
const matchLine = (m: {
  timestamp: string;
  stream: 'stdout' | 'stderr';
  line: string;
}): RawLine => ({
  line: `${m.timestamp} ${m.line}`,
  stream: m.stream,
});

export class LogSession extends HeldLines {
  private olderCursor: string | null = null;
  private newerCursor: string | null = null;
  private subscribed = false;
  private pending: RawLine[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private jumps = 0;

  constructor(
    readonly containerId: string,
    private readonly socket: DwiSocket | null,
  ) {
    super();
    if (socket !== null) {
      socket.on('log_batch', this.onBatch);
      socket.on('log_stream_status', this.onStatus);
      socket.on('log_stream_stopped', this.onStopped);
      socket.on('connect', this.onReconnect);
    }
  }

  override dispose(): void {
    super.dispose();
    clearTimeout(this.flushTimer);
    this.unsubscribe();
    if (this.socket !== null) {
      this.socket.off('log_batch', this.onBatch);
      this.socket.off('log_stream_status', this.onStatus);
      this.socket.off('log_stream_stopped', this.onStopped);
      this.socket.off('connect', this.onReconnect);
    }
  }

  // Loading.

  /** Replaces what is held: a fresh start for a new window. */
  private reset(mode: SessionState['mode']): number {
    this.pending = [];
    const generation = this.clearLines();
    this.set({ mode, atStart: false, atEnd: mode === 'live', target: null });
    return generation;
  }

  private newestTimestamp(): string | undefined {
    for (let seq = this.store.endSeq - 1; seq >= this.store.firstSeq; seq--) {
      const line = this.store.line(seq)!;
      const { timestamp } = splitLine(line.raw);
      if (timestamp !== '' && !this.isMarker(line.flags)) return timestamp;
    }
    return undefined;
  }

  private oldestTimestamp(): string | undefined {
    for (let seq = this.store.firstSeq; seq < this.store.endSeq; seq++) {
      const line = this.store.line(seq)!;
      const { timestamp } = splitLine(line.raw);
      if (timestamp !== '' && !this.isMarker(line.flags)) return timestamp;
    }
    return undefined;
  }

  private isMarker(flags: number): boolean {
    return (flags & 0b1000) !== 0;
  }

  /** The log's last page, then its live stream from just after it. */
  startLive(): Promise<void> {
    this.unsubscribe();
    const generation = this.reset('live');
    return this.load('the last lines', async () => {
      const page = await call('getContainerLogs', {
        params: { id: this.containerId },
        query: { tail: PAGE_LINES },
      });
      const chunk = await parseText(page.logs, page.streams);
      if (generation !== this.generation) return;
      this.store.append(chunk);
      this.olderCursor = page.cursor.before;
      this.set({ atStart: page.cursor.before === null });
      this.subscribe_();
    });
  }

  private subscribe_(): void {
    if (this.socket === null || this.disposed) return;
    const since = this.newestTimestamp();
    this.subscribed = true;
    this.socket.emit(
      'start_log_stream',
      { container_id: this.containerId, batch: true, ...(since !== undefined ? { since } : {}) },
      (reply) => {
        if (reply.status === 'error')
          this.set({ error: { message: reply.error, requestId: null } });
      },
    );
  }

  private unsubscribe(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    this.socket?.emit('stop_log_stream', { container_id: this.containerId });
  }

  /** Lines before the oldest held. */
  override loadOlder(): Promise<void> {
    if (this.state.loading !== null || this.state.atStart) return Promise.resolve();
    const until = this.olderCursor ?? unixSeconds(this.oldestTimestamp() ?? '', -1);
    if (until === undefined) {
      this.set({ atStart: true });
      return Promise.resolve();
    }
    return this.load('older lines', async (generation) => {
      const page = await call('getContainerLogs', {
        params: { id: this.containerId },
        query: { tail: PAGE_LINES, until },
      });
      const chunk = await parseText(page.logs, page.streams);
      if (generation !== this.generation) return;
      this.store.prepend(chunk);
      this.olderCursor = page.cursor.before;
      this.set({ atStart: page.cursor.before === null });
    });
  }

  /** History: lines after the newest held. */
  override loadNewer(): Promise<void> {
    if (this.state.mode !== 'history' || this.state.loading !== null || this.state.atEnd)
      return Promise.resolve();
    const since = this.newerCursor;
    if (since === null) return Promise.resolve();
    return this.load('newer lines', async (generation) => {
      const { lines, cursor } = await this.linesAfter(since, PAGE_LINES);
      const chunk = await parseLines(lines);
      if (generation !== this.generation) return;
      this.store.append(chunk);
      this.newerCursor = cursor;
      this.set({ atEnd: cursor === null });
    });
  }

  /** Up to `limit` lines from `since` on, and where to go on from (null at the end). */
  private async linesAfter(
    since: string,
    limit: number,
  ): Promise<{ lines: RawLine[]; cursor: string | null }> {
    const result = await call('searchContainerLogs', {
      params: { id: this.containerId },
      query: { q: EVERY_LINE, regex: true, since, limit },
    });
    const lines = result.matches.map(matchLine);
    const last = result.matches.at(-1);
    const cursor =
      result.cursor !== null
        ? result.cursor
        : result.stopped === null
          ? null
          : last !== undefined
            ? (justAfter(last.timestamp) ?? null)
            : null;
    return { lines, cursor };
  }

  /**
   * History around the line stamped `timestamp` (a match, a link, a time): the lines up to it
   * and after it, scrolled to and marked. `text`, when known, picks among lines of the same instant.
   */
  jumpTo(timestamp: string, text?: string): Promise<void> {
    const until = unixSeconds(timestamp);
    const since = justAfter(timestamp);
    if (until === undefined || since === undefined) {
      this.set({ error: { message: `not a log time: ${timestamp}`, requestId: null } });
      return Promise.resolve();
    }
    this.unsubscribe();
    const generation = this.reset('history');
    return this.load('the lines around it', async () => {
      const [before, after] = await Promise.all([
        call('getContainerLogs', {
          params: { id: this.containerId },
          query: { tail: AROUND_LINES, until },
        }),
        this.linesAfter(since, AROUND_LINES),
      ]);
      const [older, newer] = await Promise.all([
        parseText(before.logs, before.streams),
        parseLines(after.lines),
      ]);
      if (generation !== this.generation) return;
      this.store.append(older);
      this.store.append(newer);
      this.olderCursor = before.cursor.before;
      this.newerCursor = after.cursor;
      this.set({
        atStart: before.cursor.before === null,
        atEnd: after.cursor === null,
        target: { seq: this.targetOf(older.ends.length, timestamp, text), jump: ++this.jumps },
      });
    });
  }

  /** The jump's line among the `count` first held: the last one stamped at or before the time. */
  private targetOf(count: number, timestamp: string, text?: string): number {
    const first = this.store.firstSeq;
    let fallback = first + Math.max(0, count - 1);
    for (let seq = first + count - 1; seq >= first; seq--) {
      const { timestamp: stamp, text: body } = splitLine(this.store.line(seq)!.raw);
      if (stamp !== timestamp) continue;
      if (text === undefined || body === text) return seq;
      fallback = seq;
    }
    return fallback;
  }

  /** History at a moment (ms since the epoch): the first line at or after it. */
  jumpToTime(ms: number): Promise<void> {
    return this.jumpTo(new Date(ms).toISOString());
  }

  // Live lines.

  private onBatch = (batch: LogBatch) => {
    if (batch.container_id !== this.containerId || !this.subscribed) return;
    // Each line's stream; the server's own healing lines ("<time> [dwi] log stream reopened")
    // are markers.
    batch.lines.forEach((line, i) => this.pending.push(rawLine(line, batch.streams[i])));
    if (batch.missed > 0)
      this.pending.push(
        this.markerLine(`${batch.missed} lines skipped: the connection could not keep up`),
      );
    this.scheduleFlush();
  };

  private onStatus = (update: LogStreamStatusUpdate) => {
    if (update.container_id !== this.containerId || !this.subscribed) return;
    // Waiting and resumed come as a [dwi] line in the stream too (a marker already); stale and
    // live only as a status.
    if (update.status !== 'stale' && update.status !== 'live') return;
    this.pending.push(this.markerLine(update.message, update.status));
    this.scheduleFlush();
  };

  private onStopped = (stopped: StreamStopped) => {
    if (stopped.container_id !== this.containerId || !this.subscribed) return;
    this.pending.push(this.markerLine(stopped.message));
    this.scheduleFlush();
  };

  private onReconnect = () => {
    // After a reconnection the server has forgotten the subscription: ask again from the
    // newest line held, so nothing is lost or repeated.
    if (this.subscribed) this.subscribe_();
  };

  private markerLine(message: string, status?: string): RawLine {
    const prefix = status === undefined ? '' : `${status}: `;
    return { line: `${new Date().toISOString()} ${prefix}${message}`, marker: true };
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.feed(this.pending);
      this.pending = [];
    }, FLUSH_MS);
  }
}
