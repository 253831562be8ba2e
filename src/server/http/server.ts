import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { FastifyServerFactory } from 'fastify';

export interface ConnectionOptions {
  tls?: { cert: Buffer; key: Buffer };
  keepAliveMs: number;
  /** Most connections held at once (worker_connections); more are closed at once. */
  maxConnections: number;
  /** How long a TLS handshake, or a request's headers past keep-alive, may take (header_timeout). */
  handshakeTimeoutMs: number;
}

/**
 * A worker's HTTP(S) server. It never listens: the primary accepts connections and hands each
 * one over (see supervisor/router.ts). Owns keep-alive and the graceful close; the app knows
 * nothing of sockets.
 */
export class HttpConnections {
  private server: Server | undefined;
  private readonly connections = new Set<Socket>();
  private draining = false;
  /** Whether idle keep-alive connections may be closed now: only when the whole server stops. */
  private idleMayClose = false;
  private onConnectionClosed: () => void = () => {};

  constructor(private readonly options: ConnectionOptions) {}

  /** For Fastify's serverFactory. */
  readonly factory: FastifyServerFactory = (handler) => {
    const listener = handler as RequestListener;
    const { tls, keepAliveMs, handshakeTimeoutMs } = this.options;
    const options = {
      keepAliveTimeout: keepAliveMs,
      // Headers must be allowed longer than keep-alive, or a slow reused connection is cut;
      // past that, a request's headers get header_timeout, as the first bytes did in the primary.
      headersTimeout: keepAliveMs + handshakeTimeoutMs,
      // Checked every second, not every 30 s: a trickling client holds a connection no longer.
      connectionsCheckingInterval: 1000,
    };
    const server = tls
      ? (createHttpsServer(
          { ...options, cert: tls.cert, key: tls.key, handshakeTimeout: handshakeTimeoutMs },
          listener,
        ) as unknown as Server)
      : createHttpServer(options, listener);
    // Node enforces headersTimeout and requestTimeout, and closeIdleConnections() finds idle
    // connections, only once its server tracks connections, which starts when it listens:
    // this one never listens (the primary hands it connections), so it is told it does.
    server.emit('listening');
    // Socket.IO's close() closes this server, and Node's close() closes idle keep-alive
    // connections with it: a retiring worker lets them run out by keep-alive instead (close()),
    // or a client's next request could meet a socket closed under it.
    const closeIdleConnections = server.closeIdleConnections.bind(server);
    server.closeIdleConnections = () => {
      if (this.idleMayClose) closeIdleConnections();
    };
    this.server = server;
    return server;
  };

  /** The server the app runs on, for what attaches beside it (Socket.IO). */
  get httpServer(): Server {
    if (this.server === undefined) throw new Error('the app was not built with this factory yet');
    return this.server;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Serves a connection the primary accepted; it arrives paused, unread. */
  accept(socket: Socket, head?: Buffer): void {
    if (this.server === undefined)
      throw new Error('accept() before the app was built with this factory');
    if (this.connections.size >= this.options.maxConnections) {
      socket.destroy();
      return;
    }
    // Set here: a server's own accept would do it, but this socket was accepted elsewhere.
    socket.setNoDelay(true);
    this.connections.add(socket);
    socket.once('close', () => {
      this.connections.delete(socket);
      this.onConnectionClosed();
    });
    this.server.emit('connection', socket);
    // Bytes the primary read to route the connection go to the parser first, and at once: the
    // HTTP parser reads the socket's handle directly, so a chunk put back into the stream
    // (unshift) could reach it after newer bytes.
    if (head !== undefined) socket.emit('data', head);
    socket.resume();
  }

  /**
   * Lets in-flight requests finish (their answers close the connection) and after `timeoutMs`
   * closes whatever is still open. Idle keep-alive connections are closed at once only when
   * `closeIdle` (the whole server is stopping); when a worker is retired they run out by
   * keep-alive, so no client's next request meets a socket closed under it.
   */
  async close({ timeoutMs, closeIdle }: { timeoutMs: number; closeIdle: boolean }): Promise<void> {
    this.draining = true;
    if (closeIdle) {
      this.idleMayClose = true;
      this.server?.closeIdleConnections();
    }
    if (this.connections.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.onConnectionClosed = () => {
          if (this.connections.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
    }
    for (const socket of this.connections) socket.destroy();
  }
}
