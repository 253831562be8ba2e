/**
 * Live log streams: one engine stream per container, shared by all its subscribers and closed
 * when the last one leaves. Each subscriber first gets the last 100 lines as one chunk, then
 * every new line, none twice (lines that arrive while the chunk is read wait, then only those
 * after its last line are sent).
 */
import type { Logger } from 'pino';
import type { Engine } from '../engine/engine.js';
import { EngineError } from '../engine/errors.js';
import { splitTimestamp } from '../engine/logsearch.js';

export interface LogSubscriber {
  /** Stable id of the subscriber (the socket id). */
  id: string;
  send(log: string): void;
  stopped(message: string): void;
}

interface Subscription {
  subscriber: LogSubscriber;
  /** Live lines held back until the first chunk is sent. */
  pending: string[] | null;
  after: string;
}

interface SharedStream {
  subscriptions: Map<string, Subscription>;
  stop: () => void;
}

const INITIAL_LINES = 100;

export class LogStreams {
  private readonly streams = new Map<string, SharedStream>();
  private readonly opening = new Map<string, Promise<SharedStream>>();

  constructor(
    private readonly engine: Engine,
    private readonly log: Logger,
  ) {}

  /** Engine log streams open now (for tests and metrics). */
  get open(): number {
    return this.streams.size;
  }

  async subscribe(containerRef: string, subscriber: LogSubscriber): Promise<string> {
    const container = this.engine.containers.find(containerRef);
    this.engine.ensureConnected();
    if (container === undefined)
      throw new EngineError('not_found', `No such container: ${containerRef}`);
    const shared = await this.shared(container.id);
    const subscription: Subscription = { subscriber, pending: [], after: '' };
    shared.subscriptions.set(subscriber.id, subscription);
    try {
      const lines = await this.engine.logs(container.id, {
        tail: INITIAL_LINES,
        timestamps: true,
        stdout: true,
        stderr: true,
      });
      subscriber.send(lines.map((l) => `${l.line}\n`).join(''));
      subscription.after = lines.length > 0 ? splitTimestamp(lines.at(-1)!.line).timestamp : '';
    } catch (err) {
      this.unsubscribe(container.id, subscriber.id);
      throw err;
    }
    const held = subscription.pending ?? [];
    subscription.pending = null;
    for (const line of held) this.deliver(subscription, line);
    return container.id;
  }

  /** Stops one subscriber's stream; true if it had one. */
  unsubscribe(containerId: string, subscriberId: string): boolean {
    const shared = this.streams.get(containerId);
    if (shared === undefined || !shared.subscriptions.delete(subscriberId)) return false;
    if (shared.subscriptions.size === 0) {
      this.streams.delete(containerId);
      shared.stop();
    }
    return true;
  }

  /** A subscriber went away: every stream it had. */
  dropSubscriber(subscriberId: string): void {
    for (const containerId of [...this.streams.keys()]) this.unsubscribe(containerId, subscriberId);
  }

  private deliver(subscription: Subscription, line: string): void {
    if (subscription.pending !== null) {
      subscription.pending.push(line);
      return;
    }
    // Lines already in the first chunk (same or earlier timestamp) are not sent again.
    if (subscription.after !== '' && splitTimestamp(line).timestamp <= subscription.after) return;
    subscription.subscriber.send(`${line}\n`);
  }

  private async shared(containerId: string): Promise<SharedStream> {
    const existing = this.streams.get(containerId);
    if (existing !== undefined) return existing;
    let opening = this.opening.get(containerId);
    if (opening === undefined) {
      opening = this.openShared(containerId).finally(() => this.opening.delete(containerId));
      this.opening.set(containerId, opening);
    }
    return opening;
  }

  private async openShared(containerId: string): Promise<SharedStream> {
    const shared: SharedStream = { subscriptions: new Map(), stop: () => {} };
    const followed = await this.engine.follow(containerId, (line) => {
      for (const subscription of shared.subscriptions.values()) this.deliver(subscription, line);
    });
    shared.stop = followed.stop;
    this.streams.set(containerId, shared);
    void followed.ended.then((complete) => {
      // Ended by itself (the container stopped or went away), not by the last unsubscribe.
      if (!complete || this.streams.get(containerId) !== shared) return;
      this.streams.delete(containerId);
      this.log.debug(`log stream of ${containerId.slice(0, 12)} ended`);
      for (const subscription of shared.subscriptions.values()) {
        subscription.subscriber.stopped('Log stream ended: the container stopped');
      }
    });
    return shared;
  }
}
