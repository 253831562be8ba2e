/**
 * Log lines on their way to one socket, bounded. While the client keeps up, each line goes out
 * as its own log_update (the original's contract). When the client falls behind (its transport
 * holds more than `maxPackets` unsent packets), lines wait here, at most `maxLines` per stream;
 * past that the oldest are dropped and counted, and once the socket drains the waiting lines go
 * out as one message, with a line saying how many were missed. Batch clients always get
 * log_batch messages, at most one per event-loop turn.
 */
import type { Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  LogStreamCode,
  ServerToClientEvents,
} from '../../shared/events.js';
import { splitTimestamp } from '../engine/timestamps.js';

type DwiSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, unknown>;

interface Queue {
  batch: boolean;
  lines: string[];
  /** Batch queues: each waiting line's stream code (see LogBatch). */
  streams: string;
  missed: number;
  /** The last line handed to the socket: where a recovered session resumes. */
  sent: string;
}

export interface OutboxLimits {
  maxPackets: number;
  maxLines: number;
}

export const DEFAULT_LIMITS: OutboxLimits = { maxPackets: 64, maxLines: 2000 };

export class LogOutbox {
  private readonly queues = new Map<string, Queue>();
  private flushScheduled = false;
  private awaitingDrain = false;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly socket: DwiSocket,
    private readonly limits: OutboxLimits = DEFAULT_LIMITS,
  ) {}

  open(ref: string, batch: boolean): void {
    this.queues.set(ref, { batch, lines: [], streams: '', missed: 0, sent: '' });
  }

  /** Lines not yet sent are dropped with the stream. */
  close(ref: string): void {
    this.queues.delete(ref);
  }

  has(ref: string): boolean {
    return this.queues.has(ref);
  }

  /** Each open stream and the timestamp of the last line sent on it. */
  resumePoints(): Array<{ ref: string; batch: boolean; since: string | undefined }> {
    return [...this.queues].map(([ref, { batch, sent }]) => ({
      ref,
      batch,
      since: sent === '' ? undefined : splitTimestamp(sent).timestamp,
    }));
  }

  /** The first chunk: one message whatever the state of the socket. */
  chunk(ref: string, lines: string[], streams: string): void {
    const queue = this.queues.get(ref);
    if (queue === undefined) return;
    queue.sent = lines.at(-1) ?? queue.sent;
    if (queue.batch)
      this.socket.emit('log_batch', { container_id: ref, lines, streams, missed: 0 });
    else this.socket.emit('log_update', { container_id: ref, log: joined(lines) });
  }

  line(ref: string, line: string, stream: LogStreamCode): void {
    const queue = this.queues.get(ref);
    if (queue === undefined) return;
    if (!queue.batch && queue.lines.length === 0 && !this.congested()) {
      queue.sent = line;
      this.socket.emit('log_update', { container_id: ref, log: `${line}\n` });
      return;
    }
    queue.lines.push(line);
    if (queue.batch) queue.streams += stream;
    if (queue.lines.length > this.limits.maxLines) {
      // Keep the newest half: dropping in halves keeps this O(1) a line.
      const keep = this.limits.maxLines >> 1;
      queue.missed += queue.lines.length - keep;
      queue.lines = queue.lines.slice(-keep);
      queue.streams = queue.streams.slice(-keep);
    }
    this.schedule();
  }

  /** Lines already dropped while the socket is still full: more would only push out others. */
  saturated(ref: string): boolean {
    const queue = this.queues.get(ref);
    return queue !== undefined && this.awaitingDrain && queue.missed > 0;
  }

  /** Calls `wake` after the next flush that the socket took. */
  whenDrained(wake: () => void): void {
    this.drainWaiters.push(wake);
  }

  private congested(): boolean {
    // engine.io's packets not yet handed to the transport: they pile up while the client lags.
    const pending = (this.socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer;
    return pending.length > this.limits.maxPackets;
  }

  private schedule(): void {
    if (this.flushScheduled || this.awaitingDrain) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.socket.disconnected) return;
    if (this.congested()) {
      this.awaitingDrain = true;
      this.socket.conn.once('drain', () => {
        this.awaitingDrain = false;
        this.flush();
      });
      return;
    }
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
    for (const [ref, queue] of this.queues) {
      if (queue.lines.length === 0) continue;
      const { lines, streams, missed } = queue;
      queue.lines = [];
      queue.streams = '';
      queue.missed = 0;
      queue.sent = lines.at(-1)!;
      if (queue.batch) {
        this.socket.emit('log_batch', { container_id: ref, lines, streams, missed });
      } else {
        const notice =
          missed > 0
            ? `${new Date().toISOString()} [dwi] ${missed} lines skipped: this client reads more slowly than the container writes\n`
            : '';
        this.socket.emit('log_update', { container_id: ref, log: notice + joined(lines) });
      }
    }
  }
}

const joined = (lines: string[]) => (lines.length === 0 ? '' : `${lines.join('\n')}\n`);
