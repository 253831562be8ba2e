/**
 * @socket.io/cluster-adapter with Socket.IO's connection-state recovery, which the cluster
 * adapter alone lacks: every recoverable broadcast (an event without ack, not volatile) gets an
 * offset, is kept for `maxDisconnectionDuration` in each worker that delivers it, and a client
 * that comes back to the worker it left (always so with one worker) gets its id, rooms and data
 * back and the broadcasts it missed. Elsewhere it starts afresh, as without recovery.
 * The bookkeeping follows socket.io-adapter's own SessionAwareAdapter.
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
    // With recovery on, Socket.IO sends even socket.emit through here (to its own room, without
    // the local flag). Those are this worker's alone, and mostly log lines, which resume by
    // timestamp: delivered here, neither kept nor sent to the other workers; a log line's
    // offset names the last broadcast kept before it and the line itself.
    if (opts.flags?.local === undefined && opts.rooms.size === 1) {
      const [room] = opts.rooms;
      if (this.sids.has(room!)) {
        const tag = recoverable(packet, opts) ? this.tagOf(packet.data) : undefined;
        if (tag !== undefined) packet.data.push(`~${this.lastKept}~${tag}`);
        return super.broadcast(packet, { ...opts, flags: { ...opts.flags, local: true } });
      }
    }
    if (recoverable(packet, opts)) {
      const id = packetId();
      packet.data.push(id);
      this.keep(id, packet.data, opts.rooms, opts.except ?? new Set());
    }
    return super.broadcast(packet, opts);
  }

  /** Another worker's broadcast: kept too, for this worker's clients that come back. */
  override onMessage(message: ClusterMessage, offset?: string): void {
    if (message.type === MessageType.BROADCAST && message.data.requestId === undefined) {
      const { packet, opts } = message.data as {
        packet: Packet;
        opts: { rooms: Room[]; except: Room[]; flags?: { volatile?: boolean } };
      };
      const id = packet.data.at(-1);
      if (packet.type === EVENT && packet.id === undefined && typeof id === 'string')
        this.keep(id, packet.data, new Set(opts.rooms), new Set(opts.except));
    }
    super.onMessage(message, offset);
  }

  override persistSession(session: SessionToPersist): void {
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

  private keep(id: string, data: unknown[], rooms: Set<Room>, except: Set<Room>): void {
    // Nobody here to come back (no client, no session waiting): nothing to keep it for.
    if (this.sids.size === 0 && this.sessions.size === 0) return;
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
