/**
 * The one place that talks to Docker. Keeps an in-memory model of containers current from
 * one list and the event stream; survives the engine going away and coming back; and runs
 * the operations routes ask for, turning engine errors into EngineErrors.
 */
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { Container, ContainerAction, Image } from '../../shared/containers.js';
import type { EngineStatus } from '../../shared/health.js';
import { createClient, type EngineSettings } from './client.js';
import { EngineError, fromDockerError } from './errors.js';
import {
  AppliedEvents,
  eventTimeMs,
  parseEvent,
  sinceFromClock,
  sinceParam,
  type EngineEvent,
} from './events.js';
import {
  justAfter,
  lastLines,
  lineMatcher,
  readLines,
  searchStream,
  type SearchResult,
} from './logsearch.js';
import { LineBuffer } from './demux.js';
import { ContainerModel } from './model.js';
import { decodeStats, type ContainerStats, type RawStats } from './stats.js';
import { rebuild, type RebuildOptions, type RebuildResult } from './rebuild.js';
import {
  prune,
  prunePreview,
  type PruneKind,
  type PruneOptions,
  type PruneResult,
} from './prune.js';
import {
  maskEnv,
  maskLabels,
  stateOf,
  toContainer,
  toImage,
  type EngineContainer,
  type EngineImage,
} from './normalize.js';

const MAX_BACKOFF_MS = 5000;

/** Container events that change nothing we show. */
const IGNORED_ACTIONS =
  /^(exec_|attach|detach|resize|top|commit|copy|export|archive-path|extract-to-dir)/;

export interface LogOptions {
  tail: number | 'all';
  /** Unix seconds, as a number or as text with nanoseconds (a cursor). */
  since?: number | string;
  until?: number | string;
  timestamps: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface ActionDone {
  container_id: string;
  name: string;
  action: ContainerAction;
  message: string;
}

export class Engine {
  readonly containers = new ContainerModel();
  private readonly docker: Docker;
  private readonly applied = new AppliedEvents();
  private readonly imageTags = new Map<string, string>();
  /** Per container: events seen, so a slow refresh cannot overwrite a newer event's state. */
  private readonly eventCount = new Map<string, number>();
  /**
   * Per container: the status its last state event implied. The engine's list can lag its own
   * events by a moment, so a refresh right after an event keeps this status over the list's.
   */
  private readonly eventStatus = new Map<string, string>();
  private connected = false;
  private connectedCount = 0;
  private detail = 'connecting';
  private stopped = false;
  private since: string | undefined;
  private stream: NodeJS.ReadableStream | undefined;
  private eventsApplied = 0;
  private reconnects = 0;
  private lastLagMs: number | null = null;
  private wake: () => void = () => {};

  constructor(
    settings: EngineSettings,
    private readonly log: Logger,
  ) {
    this.docker = createClient(settings);
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.stream?.removeAllListeners();
    (this.stream as { destroy?: () => void } | undefined)?.destroy?.();
    this.wake();
  }

  status(): EngineStatus {
    return {
      connected: this.connected,
      detail: this.detail,
      containers: this.containers.size,
      events_applied: this.eventsApplied,
      reconnects: this.reconnects,
      last_event_lag_ms: this.lastLagMs,
    };
  }

  /** Fails fast with 503 material when the engine is known to be away. */
  ensureConnected(): void {
    if (!this.connected)
      throw new EngineError('unavailable', `the Docker engine is unavailable (${this.detail})`);
  }

  // --- the model: one list, then events ------------------------------------------------

  private async run(): Promise<void> {
    let backoff = 0;
    while (!this.stopped) {
      const startedAt = Date.now();
      try {
        await this.session();
        // The stream was lost while the engine answered: resubscribe at once (with since),
        // unless streams keep dying young, which a retry at full speed would not mend.
        if (!this.stopped) this.log.info('Docker event stream lost; resubscribing');
        backoff =
          Date.now() - startedAt < 1000 ? Math.min(Math.max(backoff * 2, 100), MAX_BACKOFF_MS) : 0;
      } catch (err) {
        // Subscribing or listing failed: the engine is away until a later try succeeds.
        const failure = fromDockerError(err);
        if (this.connected || this.detail === 'connecting') {
          this.log.error(`Docker engine unavailable: ${failure.message}; retrying`);
        }
        this.setConnected(false, failure.message);
        backoff = Math.min(Math.max(backoff * 2, 100), MAX_BACKOFF_MS);
      }
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, backoff).unref();
      });
      this.reconnects += 1;
    }
  }

  /** One connection: subscribe (resuming where the last one stopped), list, then follow. */
  private async session(): Promise<void> {
    if (this.since === undefined) {
      // A baseline on the engine's own clock, so a stream lost before its first event still
      // resumes from here rather than from whenever the next subscription happens to start.
      const info = (await this.docker.info()) as { SystemTime?: string };
      if (info.SystemTime !== undefined) this.since = sinceFromClock(info.SystemTime);
    }
    const options: Record<string, unknown> = { filters: { type: ['container', 'image'] } };
    if (this.since !== undefined) options.since = this.since;
    const stream = (await this.docker.getEvents(options)) as NodeJS.ReadableStream;
    this.stream = stream;
    const early: EngineEvent[] = [];
    let listed = false;
    const lines = new LineBuffer();
    const ended = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        for (const line of lines.push(chunk.toString('utf8'))) {
          const event = parseEvent(line);
          if (event === undefined) continue;
          if (listed) this.handle(event);
          else early.push(event);
        }
      });
      // However it ends, the session is over; the next one says whether the engine is there.
      stream.on('error', () => resolve());
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
    });
    await this.resync();
    listed = true;
    // Events that raced the list: applying them in order leaves each container at its latest.
    for (const event of early) this.handle(event);
    if (!this.connected) this.log.info('Docker engine connected');
    this.setConnected(true, 'connected');
    await ended;
  }

  /** Times the engine became reachable: a change tells that it went away meanwhile. */
  get connections(): number {
    return this.connectedCount;
  }

  private setConnected(connected: boolean, detail: string): void {
    if (connected && !this.connected) this.connectedCount += 1;
    this.connected = connected;
    this.detail = detail;
  }

  private async resync(): Promise<void> {
    const [containers, images] = await Promise.all([
      this.docker.listContainers({ all: true }),
      this.docker.listImages({ all: false }),
    ]);
    this.setImages(images as EngineImage[]);
    this.eventStatus.clear();
    this.containers.replaceAll(
      containers.map((c) => this.toContainer(c as unknown as EngineContainer)),
    );
  }

  private setImages(images: EngineImage[]): void {
    this.imageTags.clear();
    for (const image of images) {
      const tag = (image.RepoTags ?? []).find((t) => t !== '<none>:<none>');
      if (tag !== undefined) this.imageTags.set(image.Id, tag);
    }
  }

  private toContainer(raw: EngineContainer): Container {
    return toContainer(raw, (id) => this.imageTags.get(id));
  }

  private handle(event: EngineEvent): void {
    this.since = sinceParam(event.timeNano);
    if (!this.applied.firstTime(event)) return;
    this.eventsApplied += 1;
    if (event.type === 'image') {
      void this.refreshImages();
      return;
    }
    if (event.type !== 'container' || IGNORED_ACTIONS.test(event.action)) return;
    this.eventCount.set(event.id, (this.eventCount.get(event.id) ?? 0) + 1);
    const current = this.containers.find(event.id);
    const status = statusAfter(event.action);
    if (status !== undefined) this.eventStatus.set(event.id, status);
    if (event.action === 'destroy') {
      this.containers.remove(event.id);
      this.eventCount.delete(event.id);
      this.eventStatus.delete(event.id);
    } else if (current !== undefined && status !== undefined) {
      // The state is known from the event itself: shown now, details refreshed after.
      this.containers.upsert({ ...current, status, state: stateOf(status) });
    }
    this.lastLagMs = Date.now() - eventTimeMs(event);
    if (event.action !== 'destroy') void this.refresh(event.id);
  }

  /** Re-reads one container (ports, names, labels) unless a newer event overtook the read. */
  private async refresh(id: string): Promise<void> {
    const seen = this.eventCount.get(id);
    try {
      const [raw] = await this.docker.listContainers({ all: true, filters: { id: [id] } });
      if (this.eventCount.get(id) !== seen) return;
      if (raw === undefined) {
        this.containers.remove(id);
        return;
      }
      const container = this.toContainer(raw as unknown as EngineContainer);
      const status = this.eventStatus.get(id);
      this.containers.upsert(
        status === undefined ? container : { ...container, status, state: stateOf(status) },
      );
    } catch (err) {
      this.log.debug(
        `refresh of container ${id.slice(0, 12)} failed: ${fromDockerError(err).message}`,
      );
    }
  }

  private async refreshImages(): Promise<void> {
    try {
      this.setImages((await this.docker.listImages({ all: false })) as EngineImage[]);
    } catch (err) {
      this.log.debug(`image refresh failed: ${fromDockerError(err).message}`);
    }
  }

  // --- operations ----------------------------------------------------------------------

  private resolve(ref: string): Container {
    this.ensureConnected();
    const container = this.containers.find(ref);
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
      return (await this.docker.getContainer(id).inspect()) as unknown as {
        Config?: { Env?: string[]; Labels?: Record<string, string> };
      } & Record<string, unknown>;
    });
    if (!unmasked && info.Config !== undefined) {
      info.Config = {
        ...info.Config,
        Env: maskEnv(info.Config.Env),
        Labels: maskLabels(info.Config.Labels),
      };
    }
    return info;
  }

  async logs(
    ref: string,
    options: LogOptions,
  ): Promise<Array<{ stream: 'stdout' | 'stderr'; line: string }>> {
    const { id } = this.resolve(ref);
    return this.call('logs', async () => {
      const { Config } = await this.docker.getContainer(id).inspect();
      const query: Record<string, string | number | boolean> = {
        stdout: options.stdout,
        stderr: options.stderr,
        timestamps: options.timestamps,
      };
      if (options.since !== undefined) query.since = options.since;
      if (options.until !== undefined) query.until = options.until;
      // The engine applies tail before until, so a page before a cursor is read from the
      // start and only its last lines kept; without until, the engine's tail does it.
      if (options.until !== undefined && options.tail !== 'all') {
        return lastLines(await this.logStream(id, query), Config.Tty, options.tail);
      }
      query.tail = options.tail;
      return lastLines(
        await this.logStream(id, query),
        Config.Tty,
        options.tail === 'all' ? Infinity : options.tail,
      );
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
   * Searches the container's whole log (or since/until) on the server, streamed: see
   * logsearch.ts. `since` may be a cursor from a previous page.
   */
  async searchLogs(
    ref: string,
    options: {
      q: string;
      regex: boolean;
      since?: number | string;
      until?: number | string;
      limit: number;
    },
  ): Promise<SearchResult> {
    const { id } = this.resolve(ref);
    const matches = lineMatcher(options.q, options.regex);
    return this.call('log_search', async () => {
      const info = await this.docker.getContainer(id).inspect();
      const query: Record<string, string | number | boolean> = {
        stdout: true,
        stderr: true,
        timestamps: true,
      };
      if (options.since !== undefined) query.since = options.since;
      if (options.until !== undefined) query.until = options.until;
      // dockerode streams only followed logs; the modem streams a whole read too.
      const stream = await this.logStream(id, query);
      return searchStream(stream, { tty: info.Config.Tty, matches, limit: options.limit });
    });
  }

  /** One stats sample (the engine takes about a second: CPU needs two readings). */
  async stats(ref: string): Promise<ContainerStats & { id: string; name: string }> {
    const { id, name } = this.resolve(ref);
    const raw = await this.call('stats', () =>
      this.docker.getContainer(id).stats({ stream: false }),
    );
    return { id, name, ...decodeStats(raw as RawStats) };
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
    this.ensureConnected();
    const images = await this.call('images', () => this.docker.listImages({ all: false }));
    return (images as EngineImage[]).map(toImage);
  }

  /** Prunes, or with dryRun lists what would go and the space it would free. */
  async prune(
    kind: PruneKind,
    options: PruneOptions & { dryRun: boolean },
    onStep?: (step: string) => void,
  ): Promise<PruneResult> {
    this.ensureConnected();
    return this.call(options.dryRun ? 'prune_preview' : 'prune', () =>
      options.dryRun
        ? prunePreview(this.docker, kind, options)
        : prune(this.docker, kind, options, onStep),
    );
  }

  async removeImage(ref: string, force: boolean): Promise<Array<Record<string, string>>> {
    this.ensureConnected();
    return this.call('remove_image', async () => {
      return (await this.docker.getImage(ref).remove({ force })) as Array<Record<string, string>>;
    });
  }
}

/** The status a container has after an event, when the event alone tells it. */
function statusAfter(action: string): string | undefined {
  switch (action) {
    case 'start':
    case 'unpause':
      return 'running';
    case 'die':
      return 'exited';
    case 'pause':
      return 'paused';
    default:
      return undefined;
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
