import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';

/** What the router needs of a worker. */
export interface RouteTarget {
  id: number;
  /**
   * Hands the socket over (kept open here until the worker says it took it), with the bytes
   * already read from it here, if any.
   */
  send(socket: Socket, connectionId: number, head: Buffer | undefined): boolean;
}

const MAX_QUEUED = 4096;

/** How long a new connection may stay silent, and how many such may wait at once. */
export interface WaitLimits {
  firstBytesMs: number;
  maxWaiting: number;
}

interface Waiting {
  socket: Socket;
  head: Buffer | undefined;
}

/**
 * Hands accepted connections to workers, round robin over the healthy ones. A connection
 * stays open here until its worker acknowledges it, so one sent to a worker that dies first
 * (blocked, killed for timeout) goes to another instead of hanging. With no worker ready
 * (start, reload), connections wait in a bounded queue rather than being refused.
 *
 * Sticky (plain HTTP only): the first bytes are read here, and a Socket.IO request naming a
 * session (`sid=`) goes to the worker that holds it, so long-polling works with many workers.
 * The worker is read from the session id itself (see `stickySessionId`): a client sends its
 * next request the moment the handshake reply arrives, before any message the worker could
 * send here about the new session, so a table of sessions fed by the workers would be late.
 */
export class ConnectionRouter {
  private nextId = 1;
  private turn = 0;
  private readonly pending = new Map<number, Waiting & { workerId: number }>();
  private readonly queue: Waiting[] = [];
  /** Connections that have sent nothing yet, oldest first. */
  private readonly reading = new Set<Socket>();
  /**
   * `eligible` lists the workers fit to take new connections now, best first; `holder` is the
   * worker with that id if it still serves (fresh heartbeat or not: only it has the session).
   */
  constructor(
    private readonly eligible: () => RouteTarget[],
    private readonly holder: (workerId: number) => RouteTarget | undefined,
    private readonly sticky: () => boolean,
    private readonly limits: () => WaitLimits,
  ) {}

  route(socket: Socket): void {
    // A client that resets the connection while it is here (read, queued or being handed
    // over) must not be an uncaught error: that would stop the primary, and every worker.
    socket.on('error', ignoreError);
    if (!this.sticky()) return this.dispatch({ socket, head: undefined });
    const { firstBytesMs, maxWaiting } = this.limits();
    // Idle connections cost a descriptor each and serve nobody: past the cap, the one that
    // has waited longest makes room, so a client that speaks at once is always served.
    if (this.reading.size >= maxWaiting) {
      const oldest = this.reading.values().next().value!;
      this.reading.delete(oldest);
      oldest.destroy();
    }
    this.reading.add(socket);
    const timer = setTimeout(() => socket.destroy(), firstBytesMs);
    const done = () => {
      clearTimeout(timer);
      this.reading.delete(socket);
    };
    socket.once('close', done);
    socket.once('data', (first: Buffer) => {
      // Stop reading here for good: pause() alone lets the stream keep reading into its own
      // buffer, and bytes read here after this point would never reach the worker.
      socket.pause();
      (socket as unknown as { _handle?: { readStop(): number } })._handle?.readStop();
      const chunks = [first];
      for (
        let more = socket.read() as Buffer | null;
        more !== null;
        more = socket.read() as Buffer | null
      ) {
        chunks.push(more);
      }
      socket.off('close', done);
      done();
      this.dispatch({ socket, head: chunks.length === 1 ? first : Buffer.concat(chunks) });
    });
    socket.resume();
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
    this.dispatch(entry);
  }

  /** Stopping: nothing queued or still being read will be served. */
  dropQueue(): void {
    for (const { socket } of this.queue.splice(0)) socket.destroy();
    for (const socket of this.reading) socket.destroy();
  }

  /** A worker exited: what it had not taken goes elsewhere. */
  workerGone(workerId: number): void {
    for (const [id, entry] of this.pending) {
      if (entry.workerId !== workerId) continue;
      this.pending.delete(id);
      this.dispatch(entry);
    }
  }

  /** Workers became available: serve the queue. */
  drainQueue(): void {
    while (this.queue.length > 0 && this.eligible().length > 0) this.dispatch(this.queue.shift()!);
  }

  private dispatch(waiting: Waiting): void {
    const targets = this.eligible();
    if (targets.length === 0) {
      if (this.queue.length >= MAX_QUEUED) waiting.socket.destroy();
      else {
        this.queue.push(waiting);
        waiting.socket.once('close', () => this.unqueue(waiting));
      }
      return;
    }
    const holderId = sessionWorkerOf(waiting.head);
    const target =
      (holderId === undefined ? undefined : this.holder(holderId)) ??
      targets[this.turn++ % targets.length]!;
    const id = this.nextId++;
    this.pending.set(id, { ...waiting, workerId: target.id });
    if (!target.send(waiting.socket, id, waiting.head)) {
      this.pending.delete(id);
      this.dispatch(waiting);
    }
  }

  private unqueue(waiting: Waiting): void {
    const at = this.queue.indexOf(waiting);
    if (at !== -1) this.queue.splice(at, 1);
  }
}

/** The socket closes by itself after an error; there is nothing more to do here. */
function ignoreError(): void {}

/** A Socket.IO session id that names its worker: `<worker id>.<20 random characters>`. */
export function stickySessionId(workerId: number): string {
  return `${workerId}.${randomBytes(15).toString('base64url')}`;
}

/** The worker named by the Socket.IO session id of a request, if it names one. */
export function sessionWorkerOf(head: Buffer | undefined): number | undefined {
  if (head === undefined) return undefined;
  const lineEnd = head.indexOf(10);
  const requestLine = head.toString(
    'latin1',
    0,
    Math.min(lineEnd === -1 ? head.length : lineEnd, 2048),
  );
  const id = /^[A-Z]+ \/socket\.io\/\?[^ ]*\bsid=(\d{1,9})\./.exec(requestLine)?.[1];
  return id === undefined ? undefined : Number(id);
}
