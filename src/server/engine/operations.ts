/**
 * What can be done with the engine: reading logs and stats, acting on containers, images and
 * prune. Every call is counted and timed, and its failure turned into an EngineError.
 */
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Container, ContainerAction, Image } from '../../shared/containers.js';
import { LineBuffer } from './demux.js';
import {
  FOLLOWED_TYPES,
  parseEvent,
  sinceFromClock,
  sinceParam,
  type EngineEvent,
} from './events.js';
import { EngineError, fromDockerError } from './errors.js';
import { startExec, type ExecOptions, type ExecSession } from './exec.js';
import { lineFilter, type LineFilter } from './linefilter.js';
import {
  lastLines,
  lineBatches,
  readLines,
  searchStream,
  type SearchBounds,
  type SearchResult,
} from './logsearch.js';
import { imageUsage, maskInspect, toImage, type EngineImage } from './normalize.js';
import type {
  ActionDone,
  ContainerOperations,
  ContainerState,
  ExecOperations,
  ImageOperations,
  LiveSources,
  LogDownloadOptions,
  LogOptions,
  LogPage,
  LogSearchOptions,
} from './ports.js';
import type { PruneConfirm, PruneConfirmRequest, PrunePreview } from '../../shared/prune.js';
import {
  asPruneResult,
  prune,
  type PruneKind,
  type PruneOptions,
  type PruneResult,
} from './prune.js';
import { confirmPrune, previewPrune } from './prune-exact.js';
import { rebuild, type RebuildOptions, type RebuildResult } from './rebuild.js';
import {
  decodeStats,
  statsTotals,
  type ContainerStats,
  type RawStats,
  type StatsTotals,
} from './stats.js';
import { atOrBefore, byTime, justAfter, laterBy, splitTimestamp } from './timestamps.js';

/**
 * How far a line may stand out of time order in the engine's log (see logs()): a page reads this
 * many lines more, and this many seconds past its until.
 */
const STRAGGLER_LINES = 64;
const STRAGGLER_SECONDS = 2;

/** How much of a log one request may read (the log_* settings). */
export interface LogBounds {
  tail: { lines: number; bytes: number };
  search: SearchBounds;
}

export class EngineOperations
  implements ContainerOperations, ImageOperations, LiveSources, ExecOperations
{
  constructor(
    private readonly docker: Docker,
    private readonly state: ContainerState,
    private readonly bounds: LogBounds,
  ) {}

  private resolve(ref: string): Container {
    this.state.ensureConnected();
    const container = this.state.containers.find(ref);
    if (container === undefined) throw new EngineError('not_found', `No such container: ${ref}`);
    return container;
  }

  /** Calls made to the engine by operation and outcome, for /metrics. */
  readonly calls = new Map<string, { ok: number; failed: number; seconds: number }>();

  /** Runs one engine operation: counted, timed, its failure turned into an EngineError. */
  private async call<T>(operation: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const tally = this.calls.get(operation) ?? { ok: 0, failed: 0, seconds: 0 };
    this.calls.set(operation, tally);
    try {
      const result = await work();
      tally.ok += 1;
      return result;
    } catch (err) {
      tally.failed += 1;
      throw fromDockerError(err);
    } finally {
      tally.seconds += (performance.now() - started) / 1000;
    }
  }

  async inspect(
    ref: string,
    { unmasked }: { unmasked: boolean },
  ): Promise<Record<string, unknown>> {
    const { id } = this.resolve(ref);
    const info = await this.call('inspect', async () => {
      return (await this.docker.getContainer(id).inspect()) as unknown as Record<string, unknown>;
    });
    return unmasked ? info : maskInspect(info);
  }

  async logs(ref: string, options: LogOptions): Promise<LogPage> {
    const { id } = this.resolve(ref);
    const cap = this.bounds.tail;
    // One line more than the cap is asked for: its presence tells the page was cut.
    const count = options.tail === 'all' ? cap.lines + 1 : Math.min(options.tail, cap.lines + 1);
    const { until } = options;
    return this.call('logs', async () => {
      const { Config } = await this.docker.getContainer(id).inspect();
      const query: Record<string, string | number | boolean> = {
        stdout: options.stdout,
        stderr: options.stderr,
        timestamps: options.timestamps,
      };
      if (options.since !== undefined) query.since = options.since;
      // The engine stamps stdout and stderr apart, so its log is in time order within each
      // stream only: a line may be stamped a little before lines written ahead of it, and the
      // engine's until stops at the first line past it. Pages are cut by time (cursor.before is
      // just before a page's oldest line), so a page is read a little past its until and a few
      // lines further back, and keeps its newest lines by time: no line falls between pages.
      // The engine applies tail before until, so a page before a cursor is read from the start
      // and only its last lines kept; without until, the engine's tail does it.
      if (until !== undefined) query.until = laterBy(until, STRAGGLER_SECONDS);
      else query.tail = count + STRAGGLER_LINES;
      const read = await lastLines(
        await this.logStream(id, query),
        Config.Tty,
        count + STRAGGLER_LINES,
        cap.bytes,
        until === undefined
          ? undefined
          : (line) => atOrBefore(splitTimestamp(line).timestamp, until),
      );
      const lines = byTime(read.lines, (l) => splitTimestamp(l.line).timestamp).slice(-count);
      if (lines.length <= cap.lines)
        return { lines, truncated: read.cut === 'bytes' ? 'bytes' : null };
      return { lines: lines.slice(1), truncated: 'lines' };
    });
  }

  /**
   * Follows a container's log from now on, or from just after the line stamped `after`: each
   * line (with its timestamp) as it comes. `ended` settles when the log ends (the container
   * stopped), the stream broke (false), or `stop` was called (false).
   */
  async follow(
    ref: string,
    onLine: (line: string, stream: 'stdout' | 'stderr') => void,
    after?: string,
  ): Promise<{ stop: () => void; pause: () => void; resume: () => void; ended: Promise<boolean> }> {
    const { id } = this.resolve(ref);
    const { Config } = await this.call('inspect', () => this.docker.getContainer(id).inspect());
    const query: Record<string, string | number | boolean> = {
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
    };
    if (after === undefined) query.tail = 0;
    else query.since = justAfter(after);
    const stream = await this.call('logs_follow', () => this.logStream(id, query));
    const ended = readLines(stream, Config.Tty, (name, line) => {
      onLine(line, name);
      return true;
    }).catch(() => false);
    return {
      stop: () => (stream as { destroy?: () => void }).destroy?.(),
      // Paused, the engine keeps the lines in its log file: the reader is throttled, not fed.
      pause: () => stream.pause(),
      resume: () => stream.resume(),
      ended,
    };
  }

  /**
   * Streams a container's stats, one decoded sample a second (the engine's pace), until `stop`
   * or the engine ends the stream (the container stopped or went away).
   */
  async followStats(
    ref: string,
    onSample: (stats: ContainerStats) => void,
  ): Promise<{ stop: () => void; ended: Promise<void> }> {
    const { id } = this.resolve(ref);
    const stream = (await this.call('stats_stream', () =>
      this.docker.getContainer(id).stats({ stream: true }),
    )) as NodeJS.ReadableStream & { destroy?: () => void };
    const lines = new LineBuffer();
    stream.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk.toString('utf8'))) {
        if (line.trim() === '') continue;
        try {
          onSample(decodeStats(JSON.parse(line) as RawStats));
        } catch {
          // A sample the engine garbled is skipped; the next comes within a second.
        }
      }
    });
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    return { stop: () => stream.destroy?.(), ended };
  }

  /** A log read as a stream (dockerode streams only followed logs; the modem streams any). */
  private logStream(
    id: string,
    query: Record<string, string | number | boolean>,
  ): Promise<NodeJS.ReadableStream> {
    return new Promise((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/containers/${id}/logs?`,
          method: 'GET',
          options: query,
          isStream: true,
          statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        },
        (err: unknown, stream: unknown) =>
          err ? reject(err) : resolve(stream as NodeJS.ReadableStream),
      );
    });
  }

  /** Runs an action; resolves with what happened, in a sentence. */
  async act(
    ref: string,
    action: Exclude<ContainerAction, 'rebuild'>,
    options: { timeout?: number; force?: boolean } = {},
  ): Promise<string> {
    const container = this.resolve(ref);
    if (action === 'delete' && container.state !== 'stopped' && !options.force) {
      throw new EngineError(
        'conflict',
        `Container ${container.name} is ${container.status}: stop it first, or delete with force=true`,
      );
    }
    const handle = this.docker.getContainer(container.id);
    const t = options.timeout === undefined ? {} : { t: options.timeout };
    const run: Record<typeof action, () => Promise<unknown>> = {
      start: () => handle.start(),
      stop: () => handle.stop(t),
      restart: () => handle.restart(t),
      kill: () => handle.kill(),
      pause: () => handle.pause(),
      unpause: () => handle.unpause(),
      delete: () => handle.remove({ force: options.force === true }),
    };
    const changed = await this.call(action, async () => {
      try {
        await run[action]();
        return true;
      } catch (err) {
        // 304 Not Modified: already in the asked state; the original treated that as success.
        if ((err as { statusCode?: number }).statusCode === 304) return false;
        throw err;
      }
    });
    const message = changed
      ? `Container ${container.name} ${pastTense(action)}`
      : `Container ${container.name} was already ${pastTense(action)}`;
    this.announce({ container_id: container.id, name: container.name, action, message });
    return message;
  }

  private readonly actionListeners = new Set<(action: ActionDone) => void>();

  /** Hears of every action run through this process, once it succeeded. */
  onAction(listener: (action: ActionDone) => void): () => void {
    this.actionListeners.add(listener);
    return () => this.actionListeners.delete(listener);
  }

  private announce(action: ActionDone): void {
    for (const listener of this.actionListeners) listener(action);
  }

  /**
   * Searches the container's whole log (or since/until) on the server, streamed and bounded:
   * see logsearch.ts. `since` may be a cursor from a previous page.
   */
  async searchLogs(ref: string, options: LogSearchOptions): Promise<SearchResult> {
    const { id } = this.resolve(ref);
    const filter = await lineFilter(options.q, options.regex);
    try {
      return await this.call('log_search', async () => {
        const info = await this.docker.getContainer(id).inspect();
        const stream = await this.logStream(id, logQuery(options));
        return searchStream(stream as AsyncIterable<Buffer>, {
          tty: info.Config.Tty,
          filter,
          limit: options.limit,
          context: options.context ?? 0,
          bounds: this.bounds.search,
          from: options.since === undefined ? null : String(options.since),
        });
      });
    } finally {
      filter.close();
    }
  }

  /**
   * The whole log (or since/until) as text chunks of whole lines, pulled by the consumer, so
   * memory holds a chunk or two however big the log is; optionally only the lines a search
   * matches (plain text or RE2, as the search route).
   */
  async downloadLogs(
    ref: string,
    options: LogDownloadOptions,
  ): Promise<{ name: string; chunks: Readable }> {
    const { id, name } = this.resolve(ref);
    const filter: LineFilter | undefined =
      options.filter && (await lineFilter(options.filter.q, options.filter.regex));
    try {
      const { tty, stream } = await this.call('log_download', async () => {
        const info = await this.docker.getContainer(id).inspect();
        const query = { ...logQuery(options), stdout: options.stdout, stderr: options.stderr };
        return { tty: info.Config.Tty, stream: await this.logStream(id, query) };
      });
      const chunks = Readable.from(
        textChunks(stream as AsyncIterable<Buffer>, tty, options, filter),
      );
      // Ended, failed or dropped by its client, even before its first read: nothing is left open.
      chunks.once('close', () => {
        filter?.close();
        (stream as { destroy?: () => void }).destroy?.();
      });
      return { name, chunks };
    } catch (err) {
      filter?.close();
      throw err;
    }
  }

  /** The events after `sinceNano` until the engine's now, oldest first, at most `limit`. */
  async eventsSince(sinceNano: string, limit: number): Promise<EngineEvent[]> {
    return this.call('events_since', async () => {
      const info = (await this.docker.info()) as { SystemTime?: string };
      const options: Record<string, unknown> = {
        since: sinceParam(sinceNano),
        // Without until the engine would follow on: the read ends at the engine's now.
        until: sinceFromClock(info.SystemTime ?? new Date().toISOString()),
        filters: { type: [...FOLLOWED_TYPES] },
      };
      const stream = (await this.docker.getEvents(options)) as NodeJS.ReadableStream & {
        destroy?: () => void;
      };
      const events: EngineEvent[] = [];
      const lines = new LineBuffer();
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const line of lines.push(chunk.toString('utf8'))) {
          const event = parseEvent(line);
          // The engine's since includes its instant: that event is had already, and the
          // timeline's key keeps it once.
          if (event !== undefined) events.push(event);
        }
        if (events.length >= limit) {
          stream.destroy?.();
          break;
        }
      }
      return events.slice(0, limit);
    });
  }

  /** A container's running totals now, read at once (no second reading: see statsTotals). */
  async statsTotals(id: string): Promise<StatsTotals> {
    const raw = await this.call('stats_totals', () =>
      this.docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false }),
    );
    return statsTotals(raw as RawStats);
  }

  /** One stats sample (the engine takes about a second: CPU needs two readings). */
  async stats(ref: string): Promise<ContainerStats & { id: string; name: string }> {
    const { id, name } = this.resolve(ref);
    const raw = await this.call('stats', () =>
      this.docker.getContainer(id).stats({ stream: false }),
    );
    return { id, name, ...decodeStats(raw as RawStats) };
  }

  /** A command with a terminal in a running container (see exec.ts). */
  async exec(ref: string, options: ExecOptions): Promise<ExecSession> {
    const container = this.resolve(ref);
    if (container.state !== 'running')
      throw new EngineError(
        'conflict',
        `Container ${container.name} is ${container.status}: a command runs only in a running container`,
      );
    return startExec(this.docker, container, options, (operation, work) =>
      this.call(operation, work),
    );
  }

  /** Re-creates a container from its current configuration (see rebuild.ts). */
  async rebuild(
    ref: string,
    options: RebuildOptions,
    onStep?: (step: string) => void,
  ): Promise<RebuildResult> {
    const { id, name } = this.resolve(ref);
    const result = await this.call('rebuild', () => rebuild(this.docker, id, options, onStep));
    this.announce({
      container_id: result.new_id,
      name,
      action: 'rebuild',
      message: `Container ${name} rebuilt`,
    });
    return result;
  }

  async images(): Promise<Image[]> {
    this.state.ensureConnected();
    const images = await this.call('images', () => this.docker.listImages({ all: false }));
    // Usage from the model, kept current by events: no per-request scan of the containers.
    const usage = imageUsage(this.state.containers.list());
    return (images as EngineImage[]).map((image) =>
      toImage(image, usage.get(image.Id) ?? { containers: 0, running: 0 }),
    );
  }

  /** Prunes, or with dryRun lists what would go and the space it would free. */
  async prune(
    kind: PruneKind,
    options: PruneOptions & { dryRun: boolean },
    onStep?: (step: string) => void,
  ): Promise<PruneResult> {
    this.state.ensureConnected();
    return this.call(options.dryRun ? 'prune_preview' : 'prune', async () =>
      options.dryRun
        ? asPruneResult(await previewPrune(this.docker, kind, options.allImages))
        : prune(this.docker, kind, options, onStep),
    );
  }

  /** What a prune of `kind` would remove now, item by item, and why. */
  async previewPrune(kind: PruneKind, all: boolean): Promise<PrunePreview> {
    this.state.ensureConnected();
    return this.call('prune_preview', () => previewPrune(this.docker, kind, all));
  }

  /** Removes exactly the items given, each checked again first (see prune-exact.ts). */
  async confirmPrune(
    kind: PruneKind,
    request: Required<PruneConfirmRequest>,
    onStep: (step: string) => void = () => {},
  ): Promise<PruneConfirm> {
    this.state.ensureConnected();
    return this.call('prune_confirm', () => confirmPrune(this.docker, kind, request, onStep));
  }

  async removeImage(ref: string, force: boolean): Promise<Array<Record<string, string>>> {
    this.state.ensureConnected();
    return this.call('remove_image', async () => {
      return (await this.docker.getImage(ref).remove({ force })) as Array<Record<string, string>>;
    });
  }
}

function pastTense(action: string): string {
  const words: Record<string, string> = {
    start: 'started',
    stop: 'stopped',
    pause: 'paused',
    unpause: 'unpaused',
    restart: 'restarted',
    kill: 'killed',
    delete: 'deleted',
  };
  return words[action] ?? action;
}

/** The engine query of a whole read: both streams, timestamps, and since/until when given. */
function logQuery(options: {
  since?: number | string;
  until?: number | string;
}): Record<string, string | number | boolean> {
  const query: Record<string, string | number | boolean> = {
    stdout: true,
    stderr: true,
    timestamps: true,
  };
  if (options.since !== undefined) query.since = options.since;
  if (options.until !== undefined) query.until = options.until;
  return query;
}

/** A log's lines as text, a chunk per chunk read, only those the filter keeps if there is one. */
async function* textChunks(
  stream: AsyncIterable<Buffer>,
  tty: boolean,
  options: { timestamps: boolean },
  filter: LineFilter | undefined,
): AsyncGenerator<string> {
  for await (const batch of lineBatches(stream, tty)) {
    const split = batch.lines.map(({ line }) => splitTimestamp(line));
    const flags = filter && (await filter.match(split.map((s) => s.text)));
    let text = '';
    for (let i = 0; i < split.length; i++) {
      if (flags !== undefined && flags[i] !== 1) continue;
      text += options.timestamps ? `${batch.lines[i]!.line}\n` : `${split[i]!.text}\n`;
    }
    if (text !== '') yield text;
  }
}
