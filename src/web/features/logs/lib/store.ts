/**
 * The lines the viewer holds: chunks from the parser worker, each line named by a sequence
 * number that never changes (older pages get smaller ones, so a prepend renumbers nothing).
 * Bounded: past `cap` lines the oldest chunks are dropped. Nothing here allocates per line.
 */
import { LEVEL_MASK, type LogChunk } from './parse.js';

interface Entry extends LogChunk {
  /** Sequence number of the chunk's first line. */
  first: number;
}

export interface StoredLine {
  seq: number;
  raw: string;
  time: number;
  flags: number;
  /** Merged logs: the line's container (an index); -1 for a single container's log. */
  source: number;
}

export class LogStore {
  private chunks: Entry[] = [];
  private start = 0;
  private end = 0;
  /** Bumped on every change: what a view or a render compares against. */
  version = 0;
  /** Bumped when lines are replaced or prepended (views rebuild rather than extend). */
  epoch = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly cap = 1_000_000) {}

  get firstSeq(): number {
    return this.start;
  }

  /** One past the newest line's sequence number. */
  get endSeq(): number {
    return this.end;
  }

  get length(): number {
    return this.end - this.start;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  clear(): void {
    this.chunks = [];
    this.start = this.end = 0;
    this.epoch += 1;
    this.changed();
  }

  append(chunk: LogChunk): void {
    if (chunk.ends.length === 0) return;
    this.chunks.push({ ...chunk, first: this.end });
    this.end += chunk.ends.length;
    this.evict();
    this.changed();
  }

  prepend(chunk: LogChunk): void {
    if (chunk.ends.length === 0) return;
    this.start -= chunk.ends.length;
    this.chunks.unshift({ ...chunk, first: this.start });
    this.epoch += 1;
    this.changed();
  }

  /** Drops the oldest chunks while more than `cap` lines are held (the newest are kept). */
  private evict(): void {
    while (this.chunks.length > 1 && this.length - this.chunks[0]!.ends.length >= this.cap) {
      const dropped = this.chunks.shift()!;
      this.start = dropped.first + dropped.ends.length;
    }
  }

  /** The chunk holding `seq` (binary search over the chunks' first lines). */
  private entryOf(seq: number): Entry | undefined {
    if (seq < this.start || seq >= this.end) return undefined;
    let low = 0;
    let high = this.chunks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.chunks[mid]!.first <= seq) low = mid;
      else high = mid - 1;
    }
    return this.chunks[low];
  }

  line(seq: number): StoredLine | undefined {
    const entry = this.entryOf(seq);
    if (entry === undefined) return undefined;
    const i = seq - entry.first;
    const from = i === 0 ? 0 : entry.ends[i - 1]!;
    return {
      seq,
      raw: entry.text.slice(from, entry.ends[i]),
      time: entry.times[i]!,
      flags: entry.flags[i]!,
      source: entry.sources === undefined ? -1 : entry.sources[i]!,
    };
  }

  flags(seq: number): number {
    const entry = this.entryOf(seq);
    return entry === undefined ? 0 : entry.flags[seq - entry.first]!;
  }

  level(seq: number): number {
    return this.flags(seq) & LEVEL_MASK;
  }

  /** The first line at or after `ms` (lines are in time order), or endSeq if none. */
  seqAtTime(ms: number): number {
    let low = this.start;
    let high = this.end;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      const entry = this.entryOf(mid)!;
      const time = entry.times[mid - entry.first]!;
      // Markers and lines without a time count as earlier: they never stop the search.
      if (Number.isNaN(time) || time < ms) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Calls `visit` for each line from `from` until it returns false or `to` is reached. */
  scan(
    from: number,
    to: number,
    visit: (seq: number, raw: string, flags: number) => boolean,
  ): number {
    let seq = Math.max(from, this.start);
    const last = Math.min(to, this.end);
    while (seq < last) {
      const entry = this.entryOf(seq)!;
      const stop = Math.min(last, entry.first + entry.ends.length);
      for (; seq < stop; seq++) {
        const i = seq - entry.first;
        const raw = entry.text.slice(i === 0 ? 0 : entry.ends[i - 1]!, entry.ends[i]);
        if (!visit(seq, raw, entry.flags[i]!)) return seq + 1;
      }
    }
    return seq;
  }
}
