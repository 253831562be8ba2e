/**
 * A project's containers' logs as one, in time order, each line tagged with its container (its
 * index in `names`). Each container's last lines over REST, merged by timestamp; then each one's
 * live stream (log_batch, from just after its last line), held a moment so lines written at
 * about the same time in different containers go in time order (lib/merge.ts). Bounded like
 * the single viewer: the store drops its oldest lines past its cap.
 */
import type { LogBatch } from '../../../../shared/events.js';
import { call } from '../../../lib/api.js';
import type { DwiSocket } from '../../../lib/socket.js';
import { linesOfText, splitLine, type RawLine } from '../lib/parse.js';
import { mergeByTime, Reorder } from '../lib/merge.js';
import { timeKey } from '../lib/time.js';
import { HeldLines } from './held-lines.js';

/** The first page holds at most this many lines, shared among the containers. */
const FIRST_LINES = 5000;
const FLUSH_MS = 100;
/** How long a live line waits for earlier lines of other containers. */
const HOLD_MS = 400;

export class MergedLogSession extends HeldLines {
  private readonly reorder = new Reorder(HOLD_MS);
  private flushTimer: ReturnType<typeof setInterval> | undefined;
  /** The newest timestamp held of each container: where its stream resumes. */
  private readonly newest = new Map<string, string>();
  /** The time key of the newest line shown. */
  private shownKey = '';
  private subscribed = false;

  constructor(
    /** The containers, by name; a line's source is its index here. */
    readonly names: readonly string[],
    private readonly socket: DwiSocket | null,
  ) {
    super();
    if (socket !== null) {
      socket.on('log_batch', this.onBatch);
      socket.on('connect', this.onReconnect);
    }
  }

  /** Each container's last lines, merged, then every stream live. */
  start(): Promise<void> {
    const generation = this.generation;
    this.set({ atStart: true });
    const each = Math.max(100, Math.floor(FIRST_LINES / Math.max(1, this.names.length)));
    return this.load('the last lines', async () => {
      const pages = await Promise.all(
        this.names.map((name) =>
          call('getContainerLogs', { params: { id: name }, query: { tail: each } }).then(
            (page) => linesOfText(page.logs, page.streams),
            // A container gone since the list was read has no page; the others still do.
            () => [] as RawLine[],
          ),
        ),
      );
      if (generation !== this.generation) return;
      pages.forEach((lines, source) => {
        for (const line of lines) line.source = source;
        this.note(lines.at(-1));
      });
      const merged = mergeByTime(pages);
      this.noteShown(merged);
      await this.feed(merged);
      if (generation !== this.generation) return;
      this.subscribeAll();
    });
  }

  private note(line: RawLine | undefined): void {
    if (line === undefined || line.marker === true || line.source === undefined) return;
    const { timestamp } = splitLine(line.line);
    if (timestamp !== '') this.newest.set(this.names[line.source]!, timestamp);
  }

  private subscribeAll(): void {
    if (this.socket === null || this.disposed) return;
    this.subscribed = true;
    for (const name of this.names) {
      const since = this.newest.get(name);
      this.socket.emit('start_log_stream', {
        container_id: name,
        batch: true,
        ...(since !== undefined ? { since } : {}),
      });
    }
    this.flushTimer ??= setInterval(this.flush, FLUSH_MS);
  }

  override dispose(): void {
    super.dispose();
    clearInterval(this.flushTimer);
    if (this.socket === null) return;
    this.socket.off('log_batch', this.onBatch);
    this.socket.off('connect', this.onReconnect);
    if (this.subscribed)
      for (const name of this.names) this.socket.emit('stop_log_stream', { container_id: name });
  }

  private onBatch = (batch: LogBatch) => {
    const source = this.names.indexOf(batch.container_id);
    if (source === -1 || !this.subscribed) return;
    const arrived = performance.now();
    batch.lines.forEach((line, i) => {
      const code = batch.streams[i];
      const raw: RawLine =
        code === '-'
          ? { line, marker: true, source }
          : { line, stream: code === '2' ? 'stderr' : 'stdout', source };
      this.reorder.push(raw, arrived);
    });
  };

  private onReconnect = () => {
    // The server forgot the subscriptions: again, each from its newest line held.
    if (this.subscribed) this.subscribeAll();
  };

  private flush = () => {
    // A notice stamped before what is shown tells of the past (a container already stopped
    // when the page opened, stamped where its log ended): the project's list shows that state,
    // and in the merged log it would stand among newer lines.
    const lines = this.reorder
      .release(performance.now())
      .filter((line) => line.marker !== true || keyOf(line) >= this.shownKey);
    if (lines.length === 0) return;
    for (const line of lines) this.note(line);
    this.noteShown(lines);
    void this.feed(lines);
  };

  private noteShown(lines: readonly RawLine[]): void {
    for (const line of lines) {
      const key = keyOf(line);
      if (key > this.shownKey) this.shownKey = key;
    }
  }
}

const keyOf = (line: RawLine) => timeKey(splitLine(line.line).timestamp);
