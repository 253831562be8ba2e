/**
 * A unix-socket proxy in front of the test engine: the test can cut its connections, hold
 * requests back, and see which requests dwi has open on the engine (the request line each
 * connection sent last).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../support/dwi.js';

const REQUEST_LINE = /(?:^|\r\n)(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1\.[01]\r\n/g;

export class EngineProxy {
  readonly path = join(tempDir('dwi-proxy-'), 'docker.sock');
  private readonly open = new Map<Socket, string>();
  private server: Server | undefined;
  private dropping: RegExp | undefined;
  private dropsLeft = 0;
  private holding: { pattern: RegExp; ms: number } | undefined;
  /** Request lines dropped by dropNext, in order. */
  readonly dropped: string[] = [];

  async start(target: string): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(target);
      this.open.set(client, '');
      client.on('data', (chunk: Buffer) => {
        let holdMs = 0;
        for (const match of chunk.toString('latin1').matchAll(REQUEST_LINE)) {
          const line = `${match[1]} ${match[2]}`;
          this.open.set(client, line);
          if (this.holding?.pattern.test(line)) holdMs = this.holding.ms;
          if (this.dropping?.test(line)) {
            this.dropsLeft -= 1;
            if (this.dropsLeft === 0) this.dropping = undefined;
            this.dropped.push(line);
            upstream.destroy();
            client.destroy();
            return;
          }
        }
        if (holdMs === 0) {
          upstream.write(chunk);
          return;
        }
        client.pause();
        setTimeout(() => {
          upstream.write(chunk);
          client.resume();
        }, holdMs);
      });
      client.once('end', () => upstream.end());
      client.once('close', () => this.open.delete(client));
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.path, resolve));
  }

  /** Connections still open whose last request matches, e.g. /stats/. */
  openRequests(pattern: RegExp): string[] {
    return [...this.open.values()].filter((line) => pattern.test(line));
  }

  /** Drops the connections of the next `count` requests that match, before the engine sees them. */
  dropNext(pattern: RegExp, count = 1): void {
    this.dropping = pattern;
    this.dropsLeft = count;
  }

  /** Holds every request that matches for `ms` before the engine sees it. */
  hold(pattern: RegExp, ms: number): void {
    this.holding = { pattern, ms };
  }

  /** Drops every connection through the proxy, the event stream among them. */
  cut(): number {
    const count = this.open.size;
    for (const socket of this.open.keys()) socket.destroy();
    return count;
  }

  close(): void {
    this.cut();
    this.server?.close();
  }
}
