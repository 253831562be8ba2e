/**
 * What every log view holds, whatever feeds it (one container's log, a project's merged logs):
 * the lines (a LogStore fed by the parser worker, in order), the filter over them, and the
 * state React reads. Subclasses load and stream the lines.
 */
import { PatternError } from '../../../../shared/logpattern.js';
import { ApiFailure } from '../../../lib/api.js';
import type { RawLine } from '../lib/parse.js';
import { LogStore } from '../lib/store.js';
import {
  FilteredView,
  isFiltering,
  linePredicate,
  NO_FILTER,
  type LineFilter,
} from '../lib/view.js';
import { parseLines } from './parser.js';

export interface SessionError {
  message: string;
  requestId: string | null;
}

export interface SessionState {
  mode: 'live' | 'history';
  /** What is being loaded, for the busy line; null when idle. */
  loading: string | null;
  error: SessionError | null;
  /** No older line to load. */
  atStart: boolean;
  /** History: no newer line to load (the live end is next). */
  atEnd: boolean;
  /** The line to scroll to and mark (a jump's target), with a counter to repeat the same jump. */
  target: { seq: number; jump: number } | null;
  /** Why the filter cannot be used (a bad pattern), else null. */
  filterError: string | null;
}

export const asError = (err: unknown): SessionError =>
  err instanceof ApiFailure
    ? { message: err.message, requestId: err.requestId }
    : { message: (err as Error).message, requestId: null };

export class HeldLines {
  readonly store: LogStore;
  private view: FilteredView | undefined;
  private filter: LineFilter = NO_FILTER;
  protected state: SessionState = {
    mode: 'live',
    loading: null,
    error: null,
    atStart: false,
    atEnd: false,
    target: null,
    filterError: null,
  };
  private readonly listeners = new Set<() => void>();
  /** Parsed chunks are applied in the order their lines came, whatever the worker does. */
  private applying: Promise<void> = Promise.resolve();
  /** Bumped when the store's lines are replaced: work begun for older lines is dropped. */
  protected generation = 0;
  private filtering: ReturnType<typeof setTimeout> | undefined;
  protected disposed = false;

  constructor(cap?: number) {
    this.store = new LogStore(cap);
    this.store.subscribe(() => this.extendView());
  }

  // State for React (useSyncExternalStore).

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): SessionState => this.state;

  protected set(patch: Partial<SessionState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  /** The filtered view, or undefined when every line is shown. */
  get filtered(): FilteredView | undefined {
    return this.view;
  }

  get shownCount(): number {
    return this.view === undefined ? this.store.length : this.view.count;
  }

  /** The sequence number of the index-th shown line. */
  seqAt(index: number): number {
    return this.view === undefined ? this.store.firstSeq + index : this.view.at(index);
  }

  /** The index (among shown lines) of the first at or after `seq`. */
  indexOfSeq(seq: number): number {
    return this.view === undefined ? seq - this.store.firstSeq : this.view.indexOf(seq);
  }

  /** Lines before the oldest held (none by default). */
  loadOlder(): Promise<void> {
    return Promise.resolve();
  }

  /** History: lines after the newest held (none by default). */
  loadNewer(): Promise<void> {
    return Promise.resolve();
  }

  dispose(): void {
    this.disposed = true;
    this.generation += 1;
    clearTimeout(this.filtering);
  }

  /** Runs a load, saying what is loading meanwhile and what failed. */
  protected async load(what: string, work: (generation: number) => Promise<void>): Promise<void> {
    const generation = this.generation;
    this.set({ loading: what, error: null });
    try {
      await work(generation);
      if (generation === this.generation || this.state.loading === what)
        this.set({ loading: null });
    } catch (err) {
      if (this.disposed) return;
      this.set({ loading: null, error: asError(err) });
    }
  }

  /** Empties the store: a fresh start. Returns the new generation. */
  protected clearLines(): number {
    this.generation += 1;
    this.store.clear();
    return this.generation;
  }

  /** Lines through the worker into the store, in order. Also the bench's way in. */
  feed(lines: RawLine[]): Promise<void> {
    if (lines.length === 0) return this.applying;
    const generation = this.generation;
    const parsed = parseLines(lines);
    this.applying = this.applying.then(async () => {
      const chunk = await parsed;
      if (generation === this.generation) this.store.append(chunk);
    });
    return this.applying;
  }

  // The filter over held lines.

  setFilter(filter: LineFilter): void {
    this.filter = filter;
    clearTimeout(this.filtering);
    this.filtering = undefined;
    if (!isFiltering(filter)) {
      this.view = undefined;
      this.set({ filterError: null });
      return;
    }
    try {
      this.view = new FilteredView(this.store, linePredicate(filter));
      this.set({ filterError: null });
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      this.view = undefined;
      this.set({ filterError: err.message });
      return;
    }
    this.extendView();
  }

  get currentFilter(): LineFilter {
    return this.filter;
  }

  /** Reads new lines into the filtered view a slice at a time, yielding between slices. */
  private extendView(): void {
    if (this.view === undefined || this.filtering !== undefined) return;
    const view = this.view;
    const step = () => {
      this.filtering = undefined;
      if (this.view !== view) return;
      const done = view.advance(performance.now() + 8);
      for (const listener of this.listeners) listener();
      if (!done) this.filtering = setTimeout(step, 0);
    };
    this.filtering = setTimeout(step, 0);
  }

  get filterComplete(): boolean {
    return this.view === undefined || this.view.complete;
  }
}
