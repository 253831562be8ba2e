/**
 * What the rest of the server may ask of the engine, as narrow interfaces: http/ and realtime/
 * depend on these, never on the classes behind them (sync.ts keeps the model, operations.ts
 * runs the calls), so each can be faked in a unit test or replaced without touching them.
 */
import type { Readable } from 'node:stream';
import type { Container, ContainerAction, Image } from '../../shared/containers.js';
import type { EngineStatus } from '../../shared/health.js';
import type { PruneConfirm, PruneConfirmRequest, PrunePreview } from '../../shared/prune.js';
import type { EngineEvent } from './events.js';
import type { ExecOptions, ExecSession } from './exec.js';
import type { SearchResult } from './logsearch.js';
import type { ModelChange } from './model.js';
import type { PruneKind, PruneOptions, PruneResult } from './prune.js';
import type { RebuildOptions, RebuildResult } from './rebuild.js';
import type { ContainerStats, StatsTotals } from './stats.js';

export interface LogOptions {
  tail: number | 'all';
  /** Unix seconds, as a number or as text with nanoseconds (a cursor). */
  since?: number | string;
  until?: number | string;
  timestamps: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** A search of a container's whole log: `since` may be a cursor from a previous page. */
export interface LogSearchOptions {
  q: string;
  regex: boolean;
  since?: number | string;
  until?: number | string;
  limit: number;
  /** Lines of context kept before and after each match (0: none). */
  context?: number;
}

/** A whole log (or since/until), streamed, optionally only the lines a search matches. */
export interface LogDownloadOptions {
  since?: number | string;
  until?: number | string;
  filter?: { q: string; regex: boolean };
  timestamps: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** A page of a log's last lines, and what cut it short (the tail caps) if anything did. */
export interface LogPage {
  lines: Array<{ stream: 'stdout' | 'stderr'; line: string }>;
  truncated: 'lines' | 'bytes' | null;
}

export type { ExecEnd, ExecOptions, ExecSession } from './exec.js';

export interface ActionDone {
  container_id: string;
  name: string;
  action: ContainerAction;
  message: string;
}

/** The containers as the engine last told us, kept current by its events. */
export interface ContainerView {
  list(): Container[];
  /** By full id, unique id prefix or name. */
  find(ref: string): Container | undefined;
  /** Hears of every real change; returns the unsubscribe. */
  subscribe(listener: (change: ModelChange) => void): () => void;
  readonly size: number;
}

/** The model and whether the engine is there. */
export interface ContainerState {
  readonly containers: ContainerView;
  status(): EngineStatus;
  /** Throws an `unavailable` EngineError (503) while the engine is away. */
  ensureConnected(): void;
  /** Times the engine became reachable: a change tells that it went away meanwhile. */
  readonly connections: number;
}

/** Reading and acting on one container. */
export interface ContainerOperations {
  inspect(ref: string, options: { unmasked: boolean }): Promise<Record<string, unknown>>;
  /** The last lines, at most the log_tail_max_lines / log_tail_max_bytes caps of them. */
  logs(ref: string, options: LogOptions): Promise<LogPage>;
  /** Throws a PatternError for a pattern that cannot be used. */
  searchLogs(ref: string, options: LogSearchOptions): Promise<SearchResult>;
  /**
   * The container's name and its log as a stream of text chunks of whole lines, read from the
   * engine no faster than they are consumed. Throws a PatternError for a bad filter.
   */
  downloadLogs(
    ref: string,
    options: LogDownloadOptions,
  ): Promise<{ name: string; chunks: Readable }>;
  /** Runs an action; resolves with what happened, in a sentence. */
  act(
    ref: string,
    action: Exclude<ContainerAction, 'rebuild'>,
    options?: { timeout?: number; force?: boolean },
  ): Promise<string>;
  rebuild(
    ref: string,
    options: RebuildOptions,
    onStep?: (step: string) => void,
  ): Promise<RebuildResult>;
  /** One stats sample (about a second: CPU needs two readings). */
  stats(ref: string): Promise<ContainerStats & { id: string; name: string }>;
}

/** Images and prune. */
export interface ImageOperations {
  images(): Promise<Image[]>;
  removeImage(ref: string, force: boolean): Promise<Array<Record<string, string>>>;
  /** Prunes, or with dryRun lists what would go and the space it would free. */
  prune(
    kind: PruneKind,
    options: PruneOptions & { dryRun: boolean },
    onStep?: (step: string) => void,
  ): Promise<PruneResult>;
  /** What a prune of `kind` would remove now, item by item, and why; removes nothing. */
  previewPrune(kind: PruneKind, all: boolean): Promise<PrunePreview>;
  /**
   * Removes exactly the items given, each only if the prune rules still pick it when its turn
   * comes; reports each (removed, skipped with why, failed with the engine's error).
   */
  confirmPrune(
    kind: PruneKind,
    request: Required<PruneConfirmRequest>,
    onStep?: (step: string) => void,
  ): Promise<PruneConfirm>;
}

/** What streams: followed logs and stats, and actions as they are done. */
export interface LiveSources {
  /**
   * Follows a container's log from now on, or from just after the line stamped `after`.
   * `ended` settles when the log ends (true: the container stopped) or breaks or is stopped.
   */
  follow(
    ref: string,
    onLine: (line: string, stream: 'stdout' | 'stderr') => void,
    after?: string,
  ): Promise<{ stop: () => void; pause: () => void; resume: () => void; ended: Promise<boolean> }>;
  /** One decoded sample a second until `stop` or the container stops. */
  followStats(
    ref: string,
    onSample: (stats: ContainerStats) => void,
  ): Promise<{ stop: () => void; ended: Promise<void> }>;
  /** Hears of every action run through this process, once it succeeded. */
  onAction(listener: (action: ActionDone) => void): () => void;
}

/** The engine's events, for a record of them (the timeline). */
export interface EngineEvents {
  /** Hears of every event followed (containers, images, networks, volumes), each once. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /**
   * The events after `sinceNano` up to now (engine times, nanoseconds as text), oldest first,
   * at most `limit` of them: what a recorder that was not listening missed.
   */
  eventsSince(sinceNano: string, limit: number): Promise<EngineEvent[]>;
}

/** Running totals of a container's use, read at once, for a sampler's rates. */
export interface StatsTotalsSource {
  statsTotals(id: string): Promise<StatsTotals>;
}

/** Commands run in a container with a terminal (the web terminal). */
export interface ExecOperations {
  /**
   * Starts a command (by default the container's shell) in a running container, with a
   * terminal of that size. Throws a conflict EngineError for a container that is not running.
   */
  exec(ref: string, options: ExecOptions): Promise<ExecSession>;
}

/** Engine calls by operation and outcome, for /metrics. */
export interface EngineCalls {
  readonly calls: ReadonlyMap<string, { ok: number; failed: number; seconds: number }>;
}

/** Everything above, as one worker's engine offers it. */
export type EngineApi = ContainerState &
  ContainerOperations &
  ImageOperations &
  LiveSources &
  ExecOperations &
  EngineEvents &
  StatsTotalsSource &
  EngineCalls;
