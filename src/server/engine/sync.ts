/**
 * The engine's containers kept in memory: one list, then the event stream, resumed with
 * `since` whenever it breaks, so no event is missed; and whether the engine is there at all.
 */
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import {
  CONTAINER_HEALTHS,
  type Container,
  type ContainerHealth,
} from '../../shared/containers.js';
import type { EngineStatus } from '../../shared/health.js';
import { LineBuffer } from './demux.js';
import { EngineError, fromDockerError } from './errors.js';
import {
  AppliedEvents,
  FOLLOWED_TYPES,
  eventTimeMs,
  parseEvent,
  sinceFromClock,
  sinceParam,
  type EngineEvent,
} from './events.js';
import { ContainerModel } from './model.js';
import { stateOf, toContainer, type EngineContainer, type EngineImage } from './normalize.js';
import type { ContainerState } from './ports.js';
import { explainUnreachable, socketOwner, type Unreachable } from './unreachable.js';

const MAX_BACKOFF_MS = 5000;
/** Failed resubscriptions of a connected engine tried again (0, 100, 200 ms) before it is away. */
const QUICK_RETRIES = 3;
/** A connection closed under a request: lost, not refused. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** Container events that change nothing we show. */
const IGNORED_ACTIONS =
  /^(exec_|attach|detach|resize|top|commit|copy|export|archive-path|extract-to-dir)/;

export class EngineSync implements ContainerState {
  readonly containers = new ContainerModel();
  private readonly applied = new AppliedEvents();
  private readonly imageTags = new Map<string, string>();
  /** Per container: events seen, so a slow refresh cannot overwrite a newer event's state. */
  private readonly eventCount = new Map<string, number>();
  /**
   * Per container: the status its last state event implied. The engine's list can lag its own
   * events by a moment, so a refresh right after an event keeps this status over the list's.
   */
  private readonly eventStatus = new Map<string, string>();
  /** Per container: the health its last health_status event told, kept over the list likewise. */
  private readonly eventHealth = new Map<string, ContainerHealth>();
  private connected = false;
  private connectedCount = 0;
  private detail = 'connecting';
  /** While the engine is away: what to do about it, and the socket error's code. */
  private advice: string[] = [];
  private errorCode: string | null = null;
  private stopped = false;
  private since: string | undefined;
  private stream: NodeJS.ReadableStream | undefined;
  private eventsApplied = 0;
  private reconnects = 0;
  private outages = 0;
  private lastLagMs: number | null = null;
  private wake: () => void = () => {};
  private settleFirstTry: () => void = () => {};
  /** Settles once the first try has connected or failed: what a new worker waits for. */
  private readonly firstTry = new Promise<void>((resolve) => (this.settleFirstTry = resolve));
  private readonly eventListeners = new Set<(event: EngineEvent) => void>();

  constructor(
    private readonly docker: Docker,
    private readonly log: Logger,
    /** The docker_host setting: the address every failure names. */
    private readonly address: string,
  ) {}

  /** Starts following; resolves once the first try has connected or failed. */
  start(): Promise<void> {
    void this.run();
    return this.firstTry;
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
      address: this.address,
      advice: this.advice,
      error_code: this.errorCode,
      containers: this.containers.size,
      events_applied: this.eventsApplied,
      reconnects: this.reconnects,
      outages: this.outages,
      last_event_lag_ms: this.lastLagMs,
    };
  }

  /** Hears of every event followed, each once, in the engine's order; returns the unsubscribe. */
  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Fails fast with 503 material when the engine is known to be away. */
  ensureConnected(): void {
    if (!this.connected)
      throw new EngineError('unavailable', `the Docker engine is unavailable: ${this.detail}`);
  }

  private async run(): Promise<void> {
    let backoff = 0;
    let quickRetriesLeft = QUICK_RETRIES;
    while (!this.stopped) {
      const startedAt = Date.now();
      try {
        await this.session();
        quickRetriesLeft = QUICK_RETRIES;
        // The stream was lost while the engine answered: resubscribe at once (with since),
        // unless streams keep dying young, which a retry at full speed would not mend.
        if (!this.stopped) this.log.info('Docker event stream lost; resubscribing');
        backoff =
          Date.now() - startedAt < 1000 ? Math.min(Math.max(backoff * 2, 100), MAX_BACKOFF_MS) : 0;
      } catch (err) {
        const failure = fromDockerError(err);
        // A connected engine whose resubscription fails has most often lost a connection, not
        // gone away: whatever cut the stream may also have taken the re-list, or a kept-alive
        // connection dwi had not yet seen close. Such resets get a few quick tries before
        // clients are told the engine is away; a refused connection (the engine stopped) one.
        const reset = RESET_CODES.has((err as { code?: string }).code ?? '');
        if (this.connected && quickRetriesLeft > 0) {
          backoff = (QUICK_RETRIES - quickRetriesLeft) * 100;
          quickRetriesLeft = reset ? quickRetriesLeft - 1 : 0;
          this.log.info(`Docker engine resubscription failed (${failure.message}); retrying`);
        } else {
          // Subscribing or listing failed: the engine is away until a later try succeeds.
          const code = (err as { code?: string }).code;
          const why =
            failure.kind === 'unavailable' && code !== undefined
              ? this.explain(code)
              : { detail: failure.message, advice: [] };
          // Said once, and again only if the reason changes (the socket appeared, say).
          if (this.connected || why.detail !== this.detail) {
            const advice = why.advice.map((step) => ` ${step}`).join('');
            this.log.error(`Docker engine unavailable: ${why.detail}.${advice} Retrying.`);
          }
          this.setConnected(false, why.detail);
          this.advice = why.advice;
          this.errorCode = code ?? null;
          backoff = Math.min(Math.max(backoff * 2, 100), MAX_BACKOFF_MS);
        }
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
    const options: Record<string, unknown> = { filters: { type: [...FOLLOWED_TYPES] } };
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
    try {
      await this.resync();
    } catch (err) {
      // Without this the stream would live on, filling `early` with events nobody applies.
      (stream as { destroy?: () => void }).destroy?.();
      throw err;
    }
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
    if (!connected && this.connected) this.outages += 1;
    this.connected = connected;
    this.detail = detail;
    this.settleFirstTry();
    if (connected) {
      this.advice = [];
      this.errorCode = null;
    }
  }

  private explain(code: string): Unreachable {
    const url = URL.canParse(this.address) ? new URL(this.address) : undefined;
    const owner =
      code === 'EACCES' && url?.protocol === 'unix:' ? socketOwner(url.pathname) : undefined;
    return explainUnreachable(this.address, code, { owner, uid: process.getuid?.() });
  }

  private async resync(): Promise<void> {
    const [containers, images] = await Promise.all([
      this.docker.listContainers({ all: true }),
      this.docker.listImages({ all: false }),
    ]);
    this.setImages(images as EngineImage[]);
    this.eventStatus.clear();
    this.eventHealth.clear();
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
    for (const listener of this.eventListeners) listener(event);
    if (event.type === 'image') {
      void this.refreshImages();
      return;
    }
    if (event.type !== 'container' || IGNORED_ACTIONS.test(event.action)) return;
    this.eventCount.set(event.id, (this.eventCount.get(event.id) ?? 0) + 1);
    const current = this.containers.find(event.id);
    const status = statusAfter(event.action);
    const health = healthAfter(event.action);
    if (status !== undefined) {
      this.eventStatus.set(event.id, status);
      // A change of state outdates what health events told: the list tells it from here.
      this.eventHealth.delete(event.id);
    }
    if (event.action === 'destroy') {
      this.containers.remove(event.id);
      this.eventCount.delete(event.id);
      this.eventStatus.delete(event.id);
      this.eventHealth.delete(event.id);
    } else if (current !== undefined && status !== undefined) {
      // The state is known from the event itself: shown now, details refreshed after.
      this.containers.upsert({
        ...current,
        ...timesAfter(event, current),
        status,
        state: stateOf(status),
        health: null,
      });
    } else if (current?.status === 'running' && health !== undefined) {
      this.eventHealth.set(event.id, health);
      this.containers.upsert({ ...current, health });
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
      const listed = this.toContainer(raw as unknown as EngineContainer);
      const status = this.eventStatus.get(id) ?? listed.status;
      const container = {
        ...listed,
        status,
        state: stateOf(status),
        // Only a running container has a health verdict, whatever a lagging list still says.
        health: status === 'running' ? (this.eventHealth.get(id) ?? listed.health) : null,
      };
      // Times taken from an event are exact; the list's are to the minute or hour.
      const current = this.containers.find(id);
      this.containers.upsert(
        current?.status === container.status
          ? {
              ...container,
              started_at: current.started_at ?? container.started_at,
              finished_at: current.finished_at ?? container.finished_at,
              exit_code: current.exit_code ?? container.exit_code,
            }
          : container,
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
}

/** The start and exit times (and exit code) an event sets, exactly. */
function timesAfter(
  event: EngineEvent,
  current: Container,
): Pick<Container, 'started_at' | 'finished_at' | 'exit_code'> {
  const at = new Date(eventTimeMs(event)).toISOString();
  if (event.action === 'start') return { started_at: at, finished_at: null, exit_code: null };
  if (event.action === 'die') {
    const code = Number(event.attributes.exitCode);
    return { started_at: null, finished_at: at, exit_code: Number.isInteger(code) ? code : null };
  }
  return current;
}

/** The health a "health_status: healthy" event (or unhealthy, starting) tells. */
function healthAfter(action: string): ContainerHealth | undefined {
  const verdict = /^health_status: (.+)$/.exec(action)?.[1];
  return CONTAINER_HEALTHS.find((health) => health === verdict);
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
