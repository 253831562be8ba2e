/**
 * The timeline recorder. Every worker follows the engine's events; the one holding the
 * "timeline" lease writes them to the store, each with who caused it when a user acted
 * through dwi (store.dwiActions, written before the engine is asked). A worker that takes the
 * lease over first reads what the engine said since the newest row, so a hand-over loses
 * nothing; the row's key keeps an event heard twice once.
 */
import type { Logger } from 'pino';
import { maskLabels } from '../../shared/masking.js';
import { TIMELINE_TYPES, type TimelineEvent, type TimelineType } from '../../shared/timeline.js';
import type { EngineEvent } from '../engine/events.js';
import type { EngineEvents } from '../engine/ports.js';
import type { Store } from '../store/index.js';
import type { NewTimelineEvent } from '../store/timeline.js';

/** The lease is renewed this often, and lapses after three missed renewals. */
export const LEASE_RENEW_MS = 2000;
const LEASE_MS = 3 * LEASE_RENEW_MS;
/** Events are written in batches this often (one transaction each). */
const FLUSH_MS = 250;
/** At most this many events are read back after a hand-over. */
const CATCH_UP_LIMIT = 50_000;
/**
 * How long after dwi's action ended an event of its container is still the action's: the
 * engine may log the last one as it answers; a killed container dies a moment later.
 */
const GRACE = { graceMs: 1000, killGraceMs: 10_000 };

/**
 * The engine events each of dwi's actions causes: only those are credited to its user (a
 * `docker start` from the CLI a moment after a stop through dwi stays the CLI's).
 */
export const CAUSES: Readonly<Record<string, readonly string[]>> = {
  start: ['start'],
  stop: ['kill', 'die', 'stop'],
  restart: ['kill', 'die', 'stop', 'start', 'restart'],
  kill: ['kill', 'die'],
  pause: ['pause'],
  unpause: ['unpause'],
  delete: ['kill', 'die', 'stop', 'destroy'],
  rebuild: ['create', 'start', 'kill', 'die', 'stop', 'destroy', 'rename'],
};

/** The action among `actions` (newest first) that caused an engine event `action`, if any. */
export function causeOf<A extends { action: string }>(
  actions: readonly A[],
  action: string,
): A | undefined {
  return actions.find((candidate) => CAUSES[candidate.action]?.includes(action));
}

/** Not events of the container's life: a health check's exec every second, attach, resize... */
const NOT_RECORDED = /^(exec_|attach|detach|resize|top|copy|archive-path|extract-to-dir)/;

const PROJECT_LABEL = 'com.docker.compose.project';

/** An engine event as a timeline row, before anyone is credited with it. */
export function timelineRow(event: EngineEvent): NewTimelineEvent | undefined {
  if (!(TIMELINE_TYPES as readonly string[]).includes(event.type)) return undefined;
  if (NOT_RECORDED.test(event.action)) return undefined;
  const nanos = BigInt(event.timeNano);
  return {
    time: new Date(Number(nanos / 1_000_000n)).toISOString(),
    time_nano: event.timeNano,
    type: event.type as TimelineType,
    action: event.action,
    actor_id: event.id,
    actor_name: event.attributes.name ?? null,
    project: event.attributes[PROJECT_LABEL] ?? null,
    origin: 'outside',
    username: null,
    request_id: null,
    attributes: maskLabels(event.attributes),
  };
}

export class TimelineRecorder {
  private holding = false;
  private queue: NewTimelineEvent[] = [];
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: () => void = () => {};
  private catchingUp: Promise<void> | undefined;
  private readonly listeners = new Set<(events: TimelineEvent[]) => void>();

  constructor(
    private readonly store: Store,
    private readonly engine: EngineEvents,
    private readonly log: Logger,
    /** This process, as the lease knows it. */
    private readonly holder: string,
    /** What else is done with each event by the recording process alone (crash reports). */
    private readonly followers: ReadonlyArray<(event: EngineEvent) => void> = [],
  ) {}

  start(): void {
    this.unsubscribe = this.engine.onEvent((event) => {
      if (!this.holding) return;
      for (const follower of this.followers) follower(event);
      const row = timelineRow(event);
      if (row !== undefined) this.queue.push(row);
    });
    this.renew();
    this.timers = [
      setInterval(() => this.renew(), LEASE_RENEW_MS).unref(),
      setInterval(() => this.flush(), FLUSH_MS).unref(),
    ];
  }

  stop(): void {
    this.unsubscribe();
    for (const timer of this.timers) clearInterval(timer);
    this.flush();
    if (this.holding) this.store.leases.release('timeline', this.holder);
    this.holding = false;
  }

  /** Whether this process records now (it holds the lease). */
  get recording(): boolean {
    return this.holding;
  }

  /** Hears of the rows this process records, as they are written; returns the unsubscribe. */
  onRecorded(listener: (events: TimelineEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private renew(): void {
    const had = this.holding;
    try {
      this.holding = this.store.leases.hold('timeline', this.holder, LEASE_MS);
    } catch (err) {
      // The database is busy past its timeout: try again at the next renewal.
      this.log.warn(`timeline lease not renewed: ${String(err)}`);
      return;
    }
    if (this.holding && !had) {
      this.log.debug('recording the timeline');
      this.catchingUp ??= this.catchUp().finally(() => (this.catchingUp = undefined));
    }
  }

  /** What the engine said since the newest row, while no one was recording. */
  private async catchUp(): Promise<void> {
    const since = this.store.timeline.newestNano();
    if (since === null) return;
    try {
      const missed = await this.engine.eventsSince(since, CATCH_UP_LIMIT);
      const rows = missed.flatMap((event) => timelineRow(event) ?? []);
      this.queue.unshift(...rows);
    } catch (err) {
      this.log.warn(`the timeline could not read the events it missed: ${String(err)}`);
    }
  }

  /** Writes the waiting rows, each credited to the user whose action caused it. */
  private flush(): void {
    if (this.queue.length === 0 || this.catchingUp !== undefined) return;
    const rows = this.queue.map((row) => this.credited(row));
    this.queue = [];
    let recorded: TimelineEvent[];
    try {
      recorded = this.store.timeline.record(rows);
    } catch (err) {
      // Kept for the next flush: the database was busy past its timeout.
      this.queue.unshift(...rows);
      this.log.warn(`timeline rows not written yet: ${String(err)}`);
      return;
    }
    if (recorded.length > 0) for (const listener of this.listeners) listener(recorded);
  }

  private credited(row: NewTimelineEvent): NewTimelineEvent {
    if (row.type !== 'container' || row.origin === 'dwi') return row;
    const cause = causeOf(
      this.store.dwiActions.around(row.actor_id, row.actor_name, Date.parse(row.time), GRACE),
      row.action,
    );
    return cause === undefined
      ? row
      : { ...row, origin: 'dwi', username: cause.username, request_id: cause.request_id };
  }
}
