import type { Socket } from 'node:net';

/** What the router needs of a worker. */
export interface RouteTarget {
  id: number;
  /** Hands the socket over (kept open here until the worker says it took it). */
  send(socket: Socket, connectionId: number): boolean;
}

const MAX_QUEUED = 4096;

/**
 * Hands accepted connections to workers, round robin over the healthy ones. A connection
 * stays open here until its worker acknowledges it, so one sent to a worker that dies first
 * (blocked, killed for timeout) goes to another instead of hanging. With no worker ready
 * (start, reload), connections wait in a bounded queue rather than being refused.
 */
export class ConnectionRouter {
  private nextId = 1;
  private turn = 0;
  private readonly pending = new Map<number, { socket: Socket; workerId: number }>();
  private readonly queue: Socket[] = [];

  /** `eligible` lists the workers fit to take connections now, best first. */
  constructor(private readonly eligible: () => RouteTarget[]) {}

  route(socket: Socket): void {
    const targets = this.eligible();
    if (targets.length === 0) {
      if (this.queue.length >= MAX_QUEUED) socket.destroy();
      else {
        this.queue.push(socket);
        socket.once('close', () => this.unqueue(socket));
      }
      return;
    }
    const target = targets[this.turn++ % targets.length]!;
    const id = this.nextId++;
    this.pending.set(id, { socket, workerId: target.id });
    if (!target.send(socket, id)) {
      this.pending.delete(id);
      this.route(socket);
    }
  }

  /** The worker took it: close our copy (the connection lives on in the worker). */
  accepted(connectionId: number): void {
    const entry = this.pending.get(connectionId);
    if (entry === undefined) return;
    this.pending.delete(connectionId);
    entry.socket.destroy();
  }

  /** Handing over failed (the channel closed): try another worker. */
  failed(connectionId: number): void {
    const entry = this.pending.get(connectionId);
    if (entry === undefined) return;
    this.pending.delete(connectionId);
    this.route(entry.socket);
  }

  /** Stopping: nothing queued will be served. */
  dropQueue(): void {
    for (const socket of this.queue.splice(0)) socket.destroy();
  }

  /** A worker exited: what it had not taken goes elsewhere. */
  workerGone(workerId: number): void {
    for (const [id, entry] of this.pending) {
      if (entry.workerId !== workerId) continue;
      this.pending.delete(id);
      this.route(entry.socket);
    }
  }

  /** Workers became available: serve the queue. */
  drainQueue(): void {
    while (this.queue.length > 0 && this.eligible().length > 0) this.route(this.queue.shift()!);
  }

  get queued(): number {
    return this.queue.length;
  }

  private unqueue(socket: Socket): void {
    const at = this.queue.indexOf(socket);
    if (at !== -1) this.queue.splice(at, 1);
  }
}
