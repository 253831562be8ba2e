/**
 * Which held lines are shown: all of them, or those a filter (text, level) keeps. A filtered
 * view is the list of kept sequence numbers, built a few milliseconds at a time so a filter
 * over a million lines never blocks the page, and extended as lines arrive.
 */
import { plainMatcher, type LineMatcher } from '../../../../shared/logpattern.js';
import { stripAnsi } from './ansi.js';
import { LEVEL_MASK, Level, MARKER, STDERR, STDOUT, splitLine } from './parse.js';
import type { LogStore } from './store.js';

export type LevelFilter = 'all' | 'warn' | 'error';

export type StreamFilter = 'all' | 'stdout' | 'stderr';

export interface LineFilter {
  text: string;
  level: LevelFilter;
  stream: StreamFilter;
}

export const NO_FILTER: LineFilter = { text: '', level: 'all', stream: 'all' };

export const isFiltering = (filter: LineFilter) =>
  filter.text !== '' || filter.level !== 'all' || filter.stream !== 'all';

export type LinePredicate = (raw: string, flags: number) => boolean;

/** The test a line passes to be shown; markers always are. Throws a PatternError for bad text. */
export function linePredicate(filter: LineFilter, matcher?: LineMatcher): LinePredicate {
  const match = filter.text === '' ? undefined : (matcher ?? plainMatcher(filter.text));
  const levelOk = (level: number) =>
    filter.level === 'all' ||
    level === Level.error ||
    (filter.level === 'warn' && level === Level.warn);
  const streamFlag =
    filter.stream === 'stdout' ? STDOUT : filter.stream === 'stderr' ? STDERR : undefined;
  return (raw, flags) => {
    if ((flags & MARKER) !== 0) return true;
    if (streamFlag !== undefined && (flags & streamFlag) === 0) return false;
    if (!levelOk(flags & LEVEL_MASK)) return false;
    return match === undefined || match(stripAnsi(splitLine(raw).text));
  };
}

export class FilteredView {
  private seqs = new Int32Array(1024);
  private head = 0;
  private tail = 0;
  private scannedTo: number;
  private epoch: number;

  constructor(
    private readonly store: LogStore,
    private readonly keep: LinePredicate,
  ) {
    this.scannedTo = store.firstSeq;
    this.epoch = store.epoch;
  }

  get count(): number {
    return this.tail - this.head;
  }

  get complete(): boolean {
    return this.epoch === this.store.epoch && this.scannedTo >= this.store.endSeq;
  }

  at(index: number): number {
    return this.seqs[this.head + index]!;
  }

  /** The index of the first kept line at or after `seq`. */
  indexOf(seq: number): number {
    let low = this.head;
    let high = this.tail;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.seqs[mid]! < seq) low = mid + 1;
      else high = mid;
    }
    return low - this.head;
  }

  private push(seq: number): void {
    if (this.tail === this.seqs.length) {
      const live = this.tail - this.head;
      const next = new Int32Array(Math.max(1024, live * 2));
      next.set(this.seqs.subarray(this.head, this.tail));
      this.seqs = next;
      this.head = 0;
      this.tail = live;
    }
    this.seqs[this.tail++] = seq;
  }

  /**
   * Reads lines not read yet until done or `deadline` (performance.now()); true when every held
   * line has been read. Lines replaced or prepended since make it start over.
   */
  advance(deadline: number): boolean {
    if (this.epoch !== this.store.epoch) {
      this.epoch = this.store.epoch;
      this.head = this.tail = 0;
      this.scannedTo = this.store.firstSeq;
    }
    // Evicted lines leave the view too.
    while (this.head < this.tail && this.seqs[this.head]! < this.store.firstSeq) this.head += 1;
    this.scannedTo = Math.max(this.scannedTo, this.store.firstSeq);
    while (this.scannedTo < this.store.endSeq) {
      const to = Math.min(this.store.endSeq, this.scannedTo + 2048);
      this.scannedTo = this.store.scan(this.scannedTo, to, (seq, raw, flags) => {
        if (this.keep(raw, flags)) this.push(seq);
        return true;
      });
      if (performance.now() >= deadline) break;
    }
    return this.scannedTo >= this.store.endSeq;
  }
}
