import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Server as NetServer, type Socket } from 'node:net';
import type { FastifyServerFactory } from 'fastify';
import type { BindAddress } from '../config/bind.js';
import { formatBind } from '../config/bind.js';

export interface ListenerOptions {
  tls?: { cert: Buffer; key: Buffer };
  keepAliveMs: number;
}

export class ListenError extends Error {}

/**
 * The sockets of one worker: one HTTP(S) server per bind address, all serving the same app.
 * Owns listen, keep-alive and the graceful close; the app knows nothing of sockets.
 */
export class HttpListeners {
  readonly servers: Server[] = [];
  private handler: RequestListener | undefined;
  private readonly connections = new Set<Socket>();
  private draining = false;

  constructor(private readonly options: ListenerOptions) {}

  /** For Fastify's serverFactory: the app's handler, served by the first server. */
  readonly factory: FastifyServerFactory = (handler) => {
    this.handler = handler as RequestListener;
    return this.makeServer();
  };

  get isDraining(): boolean {
    return this.draining;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  /** Listens on every address; the first server is the app's own. */
  async listen(binds: BindAddress[]): Promise<void> {
    if (this.handler === undefined || this.servers.length === 0) {
      throw new Error('listen() before the app was built with this factory');
    }
    for (const [i, bind] of binds.entries()) {
      const server = i === 0 ? this.servers[0]! : this.makeServer();
      await new Promise<void>((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException) => reject(listenError(bind, err));
        server.once('error', onError);
        const done = () => {
          server.off('error', onError);
          resolve();
        };
        if (bind.kind === 'unix') server.listen(bind.path, done);
        else
          server.listen(
            { host: bind.host, port: bind.port, ipv6Only: bind.host === '::' ? false : undefined },
            done,
          );
      });
    }
  }

  /**
   * Stops accepting, lets in-flight requests finish (their answers close the connection),
   * and after `timeoutMs` closes whatever is still open. Idle keep-alive connections are
   * closed at once only when `closeIdle` (the whole server is stopping); when a worker is
   * retired they run out by keep-alive so no client's next request meets a closed socket.
   */
  async close({ timeoutMs, closeIdle }: { timeoutMs: number; closeIdle: boolean }): Promise<void> {
    this.draining = true;
    for (const server of this.servers) {
      // net.Server's close stops accepting without http.Server's immediate close of idle sockets.
      NetServer.prototype.close.call(server);
      if (closeIdle) server.closeIdleConnections();
    }
    if (this.connections.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        const check = () => {
          if (this.connections.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        };
        this.onConnectionClosed = check;
        check();
      });
    }
    for (const server of this.servers) server.closeAllConnections();
  }

  private onConnectionClosed: () => void = () => {};

  private makeServer(): Server {
    const handler = this.handler!;
    const server = this.options.tls
      ? (createHttpsServer(
          { cert: this.options.tls.cert, key: this.options.tls.key },
          handler,
        ) as unknown as Server)
      : createHttpServer(handler);
    server.keepAliveTimeout = this.options.keepAliveMs;
    // Headers must be allowed longer than keep-alive, or a slow reused connection is cut.
    server.headersTimeout = Math.max(60_000, this.options.keepAliveMs + 1000);
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => {
        this.connections.delete(socket);
        this.onConnectionClosed();
      });
    });
    this.servers.push(server);
    return server;
  }
}

function listenError(bind: BindAddress, err: NodeJS.ErrnoException): ListenError {
  const where = formatBind(bind);
  switch (err.code) {
    case 'EADDRINUSE':
      return new ListenError(`Connection in use: ${where}`);
    case 'EACCES':
      return new ListenError(`Permission denied to listen on ${where}`);
    case 'EADDRNOTAVAIL':
      return new ListenError(`Address not available on this host: ${where}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError(`Cannot resolve host of ${where}`);
    default:
      return new ListenError(`Cannot listen on ${where}: ${err.code ?? err.message}`);
  }
}
