import { lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { formatBind, type BindAddress } from '../config/bind.js';

export class ListenError extends Error {}

/**
 * The primary's listening sockets, one per bind address. Connections arrive paused, so a
 * worker that gets one reads it from the first byte, and one that dies before taking it
 * leaves it whole for another.
 */
export class Listeners {
  private readonly servers = new Map<string, Server>();

  constructor(private readonly onConnection: (socket: Socket) => void) {}

  /** Listens on every address not yet open and closes those no longer wanted. */
  async set(binds: BindAddress[]): Promise<void> {
    const wanted = new Map(binds.map((b) => [formatBind(b), b]));
    const opened: string[] = [];
    try {
      for (const [key, bind] of wanted) {
        if (this.servers.has(key)) continue;
        this.servers.set(key, await this.listen(bind));
        opened.push(key);
      }
    } catch (err) {
      for (const key of opened) this.closeOne(key);
      throw err;
    }
    for (const key of [...this.servers.keys()]) if (!wanted.has(key)) this.closeOne(key);
  }

  close(): void {
    for (const key of [...this.servers.keys()]) this.closeOne(key);
  }

  private closeOne(key: string): void {
    this.servers.get(key)?.close();
    this.servers.delete(key);
  }

  private listen(bind: BindAddress): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = createServer({ pauseOnConnect: true, noDelay: true }, this.onConnection);
      server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(bind, err)));
      const done = () => {
        server.removeAllListeners('error');
        server.on('error', () => {}); // accept errors (EMFILE) are retried by libuv
        resolve(server);
      };
      if (bind.kind === 'unix') {
        removeStaleSocket(bind.path);
        server.listen(bind.path, done);
      } else server.listen({ host: bind.host, port: bind.port, backlog: 2048 }, done);
    });
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
      return new ListenError(`Cannot resolve the host of ${where}`);
    default:
      return new ListenError(`Cannot listen on ${where}: ${err.code ?? err.message}`);
  }
}

/** A socket file left by a server that died would make listen fail (gunicorn removes it too). */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // Nothing there.
  }
}
