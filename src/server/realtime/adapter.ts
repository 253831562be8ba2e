/**
 * @socket.io/cluster-adapter with Socket.IO's connection-state recovery, which the cluster
 * adapter alone lacks: every recoverable broadcast (an event without ack, not volatile) gets an
 * offset, is kept for `maxDisconnectionDuration` in each worker that delivers it, and a client
 * that comes back to the worker it left (always so with one worker) gets its id, rooms and data
 * back and the broadcasts it missed. Elsewhere it starts afresh, as without recovery.
 * The bookkeeping follows socket.io-adapter's own SessionAwareAdapter.
 *
 * Recovery is opt-in per client. The offset rides as an extra trailing argument, which a client
 * written for the original (python-socketio's `def changed(data)`) cannot take. Each socket is
 * in one of two rooms, RECOVERING or PLAIN, and a recoverable broadcast goes out as two copies,
 * each encoded once: with the offset to RECOVERING, as it was emitted to PLAIN. Other workers
 * deliver each copy through the base adapter with the same rooms, so the split holds there too.
 */
import { NodeClusterAdapter } from '@socket.io/cluster-adapter';
import {
  MessageType,
  type BroadcastOptions,
  type ClusterMessage,
  type PrivateSessionId,
  type Room,
  type Session,
} from 'socket.io-adapter';

type SessionToPersist = Omit<Session, 'missedPackets'>;

interface StoredPacket {
  id: string;
  rooms: Set<Room>;
  except: Set<Room>;
  data: unknown[];
  emittedAt: number;
}

interface Packet {
  type: number;
  id?: number;
  data: unknown[];
}

const EVENT = 2;
const MAX_KEPT = 5000;
let lastId = 0;
const packetId = () => `${process.pid.toString(36)}.${(lastId++).toString(36)}`;

/** The internal rooms: sockets that asked for recovery (offsets) and those that did not. */
export const RECOVERING: Room = 'dwi:recovering';
export const PLAIN: Room = 'dwi:plain';

/**
 * A client asks for recovery with `auth: {recover: true}`; socket.io-client, coming back, sends
 * the last offset it got, which only a client that asked can have.
 */
export function asksForRecovery(auth: unknown): boolean {
  const { recover, offset } = (auth ?? {}) as { recover?: unknown; offset?: unknown };
  return recover === true || typeof offset === 'string';
}

export class RecoverableClusterAdapter extends NodeClusterAdapter {
  private readonly sessions = new Map<PrivateSessionId, SessionToPersist & { at: number }>();
  private readonly packets: StoredPacket[] = [];

  /** The id of the newest broadcast kept: per-socket offsets point after it. */
  private lastKept = '';

  /**
   * `tagOf` names what a per-socket packet carries (a log line's timestamp and stream): it rides
   * in the packet's offset, so a client that comes back says exactly what it got last.
   */
  constructor(
    nsp: ConstructorParameters<typeof NodeClusterAdapter>[0],
    private readonly maxDisconnectionMs: number,
    private readonly tagOf: (data: unknown[]) => string | undefined,
  ) {
    super(nsp);
    // The offset is added here, before the packet leaves, so every worker sends the same one;
    // the cluster adapter's own would be "" (it has no store).
    Object.assign(this, { addOffsetIfNecessary: () => {} });
    setInterval(() => this.expire(), 60_000).unref();
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): Promise<void> {
    const socketId = this.ownRoomOf(opts);
    if (socketId !== undefined) {
      const local = { ...opts, flags: { ...opts.flags, local: true } };
      if (!recoverable(packet, opts) || !this.sids.get(socketId)!.has(RECOVERING))
        return super.broadcast(packet, local);
      // With recovery on, Socket.IO sends even socket.emit through here (to its own room,
      // without the local flag). Those are this worker's alone, and mostly log lines, which
      // resume by timestamp: delivered here, neither kept nor sent to the other workers; a log
      // line's offset names the last broadcast kept before it and the line itself.
      if (opts.flags?.local === undefined) {
        const tag = this.tagOf(packet.data);
        if (tag !== undefined) packet.data.push(`~${this.lastKept}~${tag}`);
        return super.broadcast(packet, local);
      }
      return super.broadcast(this.kept(packet, opts), opts);
    }
    if (!recoverable(packet, opts)) return super.broadcast(packet, opts);
    const except = opts.except ?? new Set<Room>();
    const withOffset = this.kept(packet, opts);
    // To everyone: each copy to its own room, which costs nothing for the other kind of socket.
    // To some rooms: those rooms minus the other kind.
    const [recovering, plain] =
      opts.rooms.size === 0
        ? [
            { ...opts, rooms: new Set([RECOVERING]) },
            { ...opts, rooms: new Set([PLAIN]) },
          ]
        : [
            { ...opts, except: new Set([...except, PLAIN]) },
            { ...opts, except: new Set([...except, RECOVERING]) },
          ];
    return Promise.all([
      this.anyTo(RECOVERING, opts) ? super.broadcast(withOffset, recovering) : undefined,
      this.anyTo(PLAIN, opts) ? super.broadcast(packet, plain) : undefined,
    ]).then(() => {});
  }

  /** Another worker's broadcast: its offset-carrying copy is kept, for this worker's clients. */
  override onMessage(message: ClusterMessage, offset?: string): void {
    if (message.type === MessageType.BROADCAST && message.data.requestId === undefined) {
      const { packet, opts } = message.data as {
        packet: Packet;
        opts: { rooms: Room[]; except: Room[]; flags?: { volatile?: boolean } };
      };
      const id = packet.data.at(-1);
      const withOffset = opts.rooms.includes(RECOVERING) || opts.except.includes(PLAIN);
      if (
        withOffset &&
        packet.type === EVENT &&
        packet.id === undefined &&
        opts.flags?.volatile === undefined &&
        typeof id === 'string'
      )
        this.keep(id, packet.data, new Set(opts.rooms), new Set(opts.except));
    }
    super.onMessage(message, offset);
  }

  /** Only a client that asked for recovery can come back for its session. */
  override persistSession(session: SessionToPersist): void {
    if (!session.rooms.includes(RECOVERING)) return;
    this.sessions.set(session.pid, { ...session, at: Date.now() });
  }

  override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session> {
    const session = this.sessions.get(pid);
    this.sessions.delete(pid);
    // A per-socket offset: "~<last broadcast kept before it>~<tag>".
    const [, keptBefore, tag] = /^~([^~]*)~(.*)$/s.exec(offset) ?? [undefined, offset, undefined];
    const index =
      keptBefore === '' ? -1 : this.packets.findIndex((packet) => packet.id === keptBefore);
    if (
      session === undefined ||
      session.at + this.maxDisconnectionMs < Date.now() ||
      (index === -1 && keptBefore !== '')
    )
      return Promise.resolve(null as unknown as Session); // Socket.IO starts a fresh session
    if (tag !== undefined) Object.assign(session.data as object, { lastTag: tag });
    const rooms = session.rooms;
    const missedPackets = this.packets
      .slice(index + 1)
      .filter(
        (packet) =>
          (packet.rooms.size === 0 || rooms.some((room: Room) => packet.rooms.has(room))) &&
          rooms.every((room: Room) => !packet.except.has(room)),
      )
      .map((packet) => packet.data);
    return Promise.resolve({ ...session, missedPackets });
  }

  /** The copy with an offset, kept for clients that come back. */
  private kept(packet: Packet, opts: BroadcastOptions): Packet {
    const id = packetId();
    const data = [...packet.data, id];
    this.keep(id, data, opts.rooms, opts.except ?? new Set());
    return { ...packet, data };
  }

  /** The socket whose own room is the only target, if it is this worker's. */
  private ownRoomOf(opts: BroadcastOptions): string | undefined {
    if (opts.rooms.size !== 1) return undefined;
    const [room] = opts.rooms;
    return this.sids.has(room!) ? room : undefined;
  }

  /** Whether a copy for the sockets in `room` can reach anyone: here, or in another worker. */
  private anyTo(room: Room, opts: BroadcastOptions): boolean {
    return opts.flags?.local === undefined || (this.rooms.get(room)?.size ?? 0) > 0;
  }

  private keep(id: string, data: unknown[], rooms: Set<Room>, except: Set<Room>): void {
    // Nobody here to come back (no client that asked, no session waiting): nothing to keep.
    if ((this.rooms.get(RECOVERING)?.size ?? 0) === 0 && this.sessions.size === 0) return;
    // A bound for bursts (10,000 containers created at once): a client whose offset fell out
    // starts a fresh session, with the whole state in initial_state.
    if (this.packets.length >= MAX_KEPT) this.packets.splice(0, this.packets.length - MAX_KEPT + 1);
    this.packets.push({ id, rooms, except, data, emittedAt: Date.now() });
    this.lastKept = id;
  }

  private expire(): void {
    const threshold = Date.now() - this.maxDisconnectionMs;
    for (const [pid, session] of this.sessions)
      if (session.at < threshold) this.sessions.delete(pid);
    const firstKept = this.packets.findIndex((packet) => packet.emittedAt >= threshold);
    this.packets.splice(0, firstKept === -1 ? this.packets.length : firstKept);
  }
}

function recoverable(packet: Packet, opts: BroadcastOptions): boolean {
  return packet.type === EVENT && packet.id === undefined && opts.flags?.volatile === undefined;
}
