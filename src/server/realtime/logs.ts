/**
 * Live log streams: one engine stream per followed container, shared by all its subscribers and
 * closed when the last one leaves. Each subscriber first gets the last 100 lines as one chunk,
 * then every new line, none twice.
 *
 * Streams heal: when the engine ends one (the container stopped or restarted, the engine went
 * away) its subscribers stay, and the stream is opened again from just after its last line
 * when the container runs again, also when it was re-created under the same name. Subscribers
 * hear of it as a marker line and a status; a stream silent for `staleAfterMs` while its
 * container runs is reported stale.
 */
import type { Logger } from 'pino';
import type { Container } from '../../shared/containers.js';
import { streamCode, type LogStreamCode, type LogStreamStatus } from '../../shared/events.js';
import type { ContainerOperations, ContainerState, LiveSources } from '../engine/ports.js';
import { EngineError } from '../engine/errors.js';
import { isLater, isTimestamp, justAfter, splitTimestamp } from '../engine/timestamps.js';

/** What following logs needs of the engine: its model, its streams, and the last lines. */
export type LogSource = ContainerState & LiveSources & Pick<ContainerOperations, 'logs'>;
import type { ModelChange } from '../engine/model.js';

export interface LogSubscriber {
  /** Stable id of the subscriber (the socket id). */
  id: string;
  /** The first chunk: the last lines before the stream started, and each one's stream code. */
  chunk(lines: string[], streams: string): void;
  /** One live line, with its timestamp, and its stream (`-`: a line of dwi's own). */
  line(line: string, stream: LogStreamCode): void;
  stopped(message: string): void;
  status(status: LogStreamStatus, message: string): void;
  /** True while the subscriber is so far behind that new lines only replace waiting ones. */
  saturated(): boolean;
  /** Calls `wake` once, when the subscriber can take lines again. */
  whenDrained(wake: () => void): void;
}

interface Subscription {
  subscriber: LogSubscriber;
  /** Live lines (and their streams) held back until the first chunk is sent. */
  pending: Array<[string, LogStreamCode]> | null;
  /** Timestamp of the first chunk's last line: live lines up to it are not sent again. */
  after: string;
}

interface Follow {
  id: string;
  name: string;
  subscriptions: Map<string, Subscription>;
  /** Timestamp of the newest line read from the engine: a healed stream resumes after it. */
  last: string;
  /** The newest line read since `last` was brought up to date (kept whole: cheaper per line). */
  newestLine: string;
  /** Whether a line came since the last tick (the tick keeps `lastDataAt`). */
  fresh: boolean;
  stream: { stop: () => void; pause: () => void; resume: () => void } | undefined;
  /** Reading is paused while every subscriber is saturated. */
  paused: boolean;
  /** Set while a reopened stream may still repeat lines up to this timestamp. */
  resumeAfter: string;
  opening: Promise<void> | undefined;
  /** Set while the engine stream is ended and the container is not (yet) running again. */
  waiting: {
    since: number;
    sawDown: boolean;
    /** The engine's connection count when the stream ended: a change means it went away. */
    connections: number;
    noticeSent: boolean;
  } | null;
  lastDataAt: number;
  stale: boolean;
}

const INITIAL_LINES = 100;
/** At most this many lines make up for a reconnecting client's gap. */
const RESUME_LINES = 5000;
/** A stream that ends and comes back within this time was a restart: no stop notice. */
const RESTART_GRACE_MS = 1500;
/** A stream that ended while its container still runs is reopened after this long. */
const REOPEN_AFTER_MS = 2000;
const TICK_MS = 500;

/** The follow's `last`, first brought up to date with the newest line read. */
function lastOf(follow: Follow): string {
  if (follow.newestLine !== '') {
    follow.last = splitTimestamp(follow.newestLine).timestamp;
    follow.newestLine = '';
  }
  return follow.last;
}

const canStream = (container: Container | undefined) =>
  container !== undefined && (container.state === 'running' || container.state === 'paused');

export class LogStreams {
  private readonly follows = new Map<string, Follow>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribeModel: () => void;

  constructor(
    private readonly engine: LogSource,
    private readonly log: Logger,
    private readonly staleAfterMs: number,
  ) {
    this.unsubscribeModel = engine.containers.subscribe((change) => this.onModelChange(change));
    this.timer = setInterval(() => this.tick(), TICK_MS).unref();
  }

  /** Engine log streams open now (for tests and metrics). */
  get open(): number {
    let open = 0;
    for (const follow of this.follows.values()) if (follow.stream !== undefined) open += 1;
    return open;
  }

  close(): void {
    clearInterval(this.timer);
    this.unsubscribeModel();
    for (const follow of this.follows.values()) follow.stream?.stop();
    this.follows.clear();
  }

  /**
   * Resolves with the container's id once the subscriber has its first chunk: the last 100
   * lines, or with `since` (the last line a reconnecting client has) the lines after it.
   */
  async subscribe(
    containerRef: string,
    subscriber: LogSubscriber,
    since?: string,
  ): Promise<string> {
    if (since !== undefined && !isTimestamp(since))
      throw new EngineError('bad_request', `since must be a log line's timestamp, not ${since}`);
    const container = this.engine.containers.find(containerRef);
    this.engine.ensureConnected();
    if (container === undefined)
      throw new EngineError('not_found', `No such container: ${containerRef}`);
    let follow = this.follows.get(container.id);
    if (follow === undefined) {
      follow = {
        id: container.id,
        name: container.name,
        subscriptions: new Map(),
        last: '',
        newestLine: '',
        fresh: false,
        stream: undefined,
        paused: false,
        resumeAfter: '',
        opening: undefined,
        waiting: null,
        lastDataAt: Date.now(),
        stale: false,
      };
      this.follows.set(container.id, follow);
      if (!canStream(container)) this.startWaiting(follow, { sawDown: true, noticeSent: true });
    }
    const subscription: Subscription = { subscriber, pending: [], after: '' };
    let newest: string | undefined;
    follow.subscriptions.set(subscriber.id, subscription);
    if (follow.paused) {
      // A newcomer can take lines: read again.
      follow.paused = false;
      follow.stream?.resume();
    }
    try {
      if (follow.waiting === null) await this.openStream(follow);
      const { lines } = await this.engine.logs(container.id, {
        tail: since === undefined ? INITIAL_LINES : RESUME_LINES,
        ...(since === undefined ? {} : { since: justAfter(since) }),
        timestamps: true,
        stdout: true,
        stderr: true,
      });
      if (follow.subscriptions.get(subscriber.id) !== subscription) return container.id;
      // What the client has is never sent again, however the engine rounds `since`.
      const kept = lines.filter(
        ({ line }) => since === undefined || isLater(splitTimestamp(line).timestamp, since),
      );
      const fresh = kept.map((l) => l.line);
      subscriber.chunk(fresh, kept.map((l) => streamCode[l.stream]).join(''));
      newest = fresh.at(-1);
      if (newest !== undefined) {
        subscription.after = splitTimestamp(newest).timestamp;
        if (lastOf(follow) === '' || isLater(subscription.after, follow.last))
          follow.last = subscription.after;
      }
    } catch (err) {
      this.unsubscribe(container.id, subscriber.id);
      throw err;
    }
    const held = subscription.pending ?? [];
    subscription.pending = null;
    for (const [line, stream] of held) this.deliver(subscription, line, stream);
    // A container already down: the notice is stamped at its last line (or the client's, which
    // nothing follows), where its log ended, not at the page's opening: in a project's merged
    // logs it would sit among newer lines.
    if (follow.waiting?.noticeSent)
      this.noticeWaiting(
        follow,
        [subscription],
        newest === undefined ? since : splitTimestamp(newest).timestamp,
      );
    return container.id;
  }

  /** Stops one subscriber's stream (by the id, name or id prefix it was asked by); true if it had one. */
  unsubscribe(containerRef: string, subscriberId: string): boolean {
    const follow = this.findFollow(containerRef);
    if (follow === undefined || !follow.subscriptions.delete(subscriberId)) return false;
    if (follow.subscriptions.size === 0) {
      this.follows.delete(follow.id);
      follow.stream?.stop();
      follow.stream = undefined;
    }
    return true;
  }

  /** A subscriber went away: every stream it had. */
  dropSubscriber(subscriberId: string): void {
    for (const follow of [...this.follows.values()]) this.unsubscribe(follow.id, subscriberId);
  }

  private findFollow(ref: string): Follow | undefined {
    const exact = this.follows.get(ref);
    if (exact !== undefined) return exact;
    for (const follow of this.follows.values()) {
      if (follow.name === ref || (ref.length >= 4 && follow.id.startsWith(ref))) return follow;
    }
    const known = this.engine.containers.find(ref);
    return known === undefined ? undefined : this.follows.get(known.id);
  }

  private deliver(subscription: Subscription, line: string, stream: LogStreamCode): void {
    if (subscription.pending !== null) {
      subscription.pending.push([line, stream]);
      return;
    }
    if (subscription.after !== '') {
      // Lines already in the first chunk (same or earlier timestamp) are not sent again.
      if (!isLater(splitTimestamp(line).timestamp, subscription.after)) return;
      subscription.after = '';
    }
    subscription.subscriber.line(line, stream);
  }

  private onLine(follow: Follow, line: string, stream: LogStreamCode): void {
    if (follow.resumeAfter !== '') {
      if (!isLater(splitTimestamp(line).timestamp, follow.resumeAfter)) return;
      follow.resumeAfter = '';
    }
    follow.newestLine = line;
    follow.fresh = true;
    if (follow.stale) {
      follow.stale = false;
      this.notify(follow, 'live', 'log lines are arriving again');
    }
    let saturated = true;
    for (const subscription of follow.subscriptions.values()) {
      this.deliver(subscription, line, stream);
      saturated &&= subscription.pending === null && subscription.subscriber.saturated();
    }
    // Nobody can take more: stop reading (the engine keeps the lines) until one can, rather
    // than read lines only to drop them.
    if (saturated && follow.stream !== undefined && !follow.paused) {
      follow.paused = true;
      follow.stream.pause();
      const wake = () => {
        if (!follow.paused) return;
        follow.paused = false;
        follow.stream?.resume();
      };
      for (const { subscriber } of follow.subscriptions.values()) subscriber.whenDrained(wake);
    }
  }

  /** Opens the engine stream, from just after the last line read if there was one. */
  private openStream(follow: Follow): Promise<void> {
    if (follow.stream !== undefined) return Promise.resolve();
    follow.opening ??= (async () => {
      follow.resumeAfter = lastOf(follow);
      const handle = await this.engine.follow(
        follow.id,
        (line, stream) => this.onLine(follow, line, streamCode[stream]),
        follow.last === '' ? undefined : follow.last,
      );
      this.log.debug(`log stream of ${follow.id.slice(0, 12)} open`);
      if (this.follows.get(follow.id) !== follow) {
        handle.stop(); // every subscriber left while it opened
        return;
      }
      follow.stream = handle;
      follow.waiting = null;
      follow.lastDataAt = Date.now();
      void handle.ended.then(() => {
        if (follow.stream !== handle) return; // stopped by the last unsubscribe
        follow.stream = undefined;
        this.log.debug(`log stream of ${follow.id.slice(0, 12)} ended`);
        const container = this.engine.containers.find(follow.id);
        this.startWaiting(follow, { sawDown: !canStream(container), noticeSent: false });
      });
    })().finally(() => (follow.opening = undefined));
    return follow.opening;
  }

  private startWaiting(
    follow: Follow,
    { sawDown, noticeSent }: { sawDown: boolean; noticeSent: boolean },
  ): void {
    follow.waiting = {
      since: Date.now(),
      sawDown,
      connections: this.engine.connections,
      noticeSent,
    };
    follow.stale = false;
  }

  private onModelChange(change: ModelChange): void {
    if (this.follows.size === 0) return;
    const { container } = change;
    for (const follow of this.follows.values()) {
      const waiting = follow.waiting;
      if (waiting === null) continue;
      const same = follow.id === container.id;
      if (!same && follow.name !== container.name) continue;
      if (change.kind === 'remove' || !canStream(container)) {
        if (same) waiting.sawDown = true;
      } else {
        // The engine connects only after its model is rebuilt: resume once it has.
        setImmediate(() => void this.resume(follow, container));
      }
    }
  }

  private tick(): void {
    const now = Date.now();
    const connected = this.engine.status().connected;
    for (const follow of this.follows.values()) {
      if (follow.fresh) {
        follow.fresh = false;
        follow.lastDataAt = now;
      }
      const waiting = follow.waiting;
      if (waiting === null) {
        if (
          this.staleAfterMs > 0 &&
          !follow.stale &&
          follow.stream !== undefined &&
          now - follow.lastDataAt > this.staleAfterMs
        ) {
          follow.stale = true;
          const seconds = Math.round((now - follow.lastDataAt) / 1000);
          this.notify(follow, 'stale', `no log line for ${seconds} s`);
        }
        continue;
      }
      if (!waiting.noticeSent && now - waiting.since > RESTART_GRACE_MS) {
        waiting.noticeSent = true;
        this.noticeWaiting(follow, [...follow.subscriptions.values()]);
      }
      if (!connected || follow.opening !== undefined) continue;
      const container =
        this.engine.containers.find(follow.id) ??
        this.engine.containers.list().find((c) => c.name === follow.name);
      if (!canStream(container)) continue;
      if (
        waiting.sawDown ||
        this.engineWentAway(waiting) ||
        container!.id !== follow.id ||
        now - waiting.since > REOPEN_AFTER_MS
      )
        void this.resume(follow, container!);
    }
  }

  /** The container runs again (or a new one has its name): stream again, after the last line. */
  private async resume(follow: Follow, container: Container): Promise<void> {
    const waiting = follow.waiting;
    if (waiting === null || follow.opening !== undefined || this.follows.get(follow.id) !== follow)
      return;
    if (!this.engine.status().connected) return; // the next tick retries
    this.log.debug(`resuming the log of ${follow.id.slice(0, 12)}`);
    let message: string;
    if (container.id !== follow.id) {
      message = `container re-created as ${container.id.slice(0, 12)}; log resumed`;
      this.follows.delete(follow.id);
      const other = this.follows.get(container.id);
      if (other !== undefined) {
        // Someone already follows the new container: its stream serves these subscribers too.
        for (const [id, subscription] of follow.subscriptions)
          other.subscriptions.set(id, subscription);
        this.marker([...follow.subscriptions.values()], 'resumed', message);
        return;
      }
      follow.id = container.id;
      follow.name = container.name;
      follow.last = '';
      follow.newestLine = '';
      this.follows.set(follow.id, follow);
    } else if (this.engineWentAway(waiting)) {
      message = 'Docker engine back; log resumed';
    } else if (waiting.sawDown) {
      message = 'container restarted; log resumed';
    } else {
      message = 'log stream reopened';
    }
    // A stream never read from starts at the container's creation: none of its lines is lost.
    if (lastOf(follow) === '') follow.last = container.created;
    try {
      await this.openStream(follow);
    } catch (err) {
      this.log.debug(`reopening the log of ${follow.id.slice(0, 12)} failed: ${String(err)}`);
      return; // still waiting: the next tick tries again
    }
    this.marker([...follow.subscriptions.values()], 'resumed', message);
  }

  private engineWentAway(waiting: NonNullable<Follow['waiting']>): boolean {
    return !this.engine.status().connected || this.engine.connections !== waiting.connections;
  }

  /** Tells that the stream waits for the container, as a marker stamped `at` (default now). */
  private noticeWaiting(follow: Follow, subscriptions: Subscription[], at?: string): void {
    const reason =
      follow.waiting !== null && this.engineWentAway(follow.waiting)
        ? 'the Docker engine is unavailable'
        : this.engine.containers.find(follow.id) === undefined
          ? 'the container was removed'
          : 'the container stopped';
    for (const { subscriber } of subscriptions) {
      subscriber.stopped(`Log stream ended: ${reason}`);
    }
    this.marker(
      subscriptions,
      'waiting',
      `log stream paused: ${reason}; it resumes when the container runs`,
      at,
    );
  }

  /** A line in the log itself saying what happened (stamped `at`, default now), and the same as a status. */
  private marker(
    subscriptions: Subscription[],
    status: LogStreamStatus,
    message: string,
    at = new Date().toISOString(),
  ): void {
    const line = `${at} [dwi] ${message}`;
    for (const { subscriber } of subscriptions) {
      subscriber.line(line, '-');
      subscriber.status(status, message);
    }
  }

  private notify(follow: Follow, status: LogStreamStatus, message: string): void {
    for (const { subscriber } of follow.subscriptions.values()) subscriber.status(status, message);
  }
}
