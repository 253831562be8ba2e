/**
 * The one Socket.IO connection of the page, typed with the shared events. It proves who it is
 * with the session cookie (same origin), so it opens after login and closes at logout.
 * Features subscribe to its events; its connection state feeds the banner.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';

export type DwiSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type SocketStatus =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'disconnected'; reason: string }
  | { state: 'unauthorized' };

type Listener = (status: SocketStatus) => void;

export class LiveConnection {
  readonly socket: DwiSocket;
  private current: SocketStatus = { state: 'connecting' };
  private readonly listeners = new Set<Listener>();

  constructor() {
    // Websocket first: long-polling would be a second path through proxies for no gain here.
    this.socket = io({
      path: '/socket.io',
      transports: ['websocket', 'polling'],
      autoConnect: false,
    });
    this.socket.on('connect', () => this.set({ state: 'connected' }));
    this.socket.on('disconnect', (reason) => this.set({ state: 'disconnected', reason }));
    this.socket.on('connect_error', (err) => {
      // The handshake was refused for its credentials: retrying will not mend it.
      if (/unauthorized/i.test(err.message)) this.set({ state: 'unauthorized' });
      else this.set({ state: 'disconnected', reason: err.message });
    });
    this.socket.io.on('reconnect_attempt', () => {
      if (this.current.state !== 'disconnected') this.set({ state: 'connecting' });
    });
  }

  get status(): SocketStatus {
    return this.current;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  open(): void {
    this.socket.connect();
  }

  close(): void {
    this.socket.disconnect();
  }

  private set(status: SocketStatus): void {
    this.current = status;
    for (const listener of this.listeners) listener(status);
  }
}
