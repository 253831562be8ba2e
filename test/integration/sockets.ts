/** Real socket.io-client connections to a dwi under test, and what they receive. */
import { io, type Socket } from 'socket.io-client';
import { afterAll } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/shared/events.js';
import { TEST_TOKEN } from './harness.js';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

// Payloads are checked field by field in the tests; any keeps those checks readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Seen = Array<[string, any]>;

const opened = new Set<Client>();
afterAll(() => {
  for (const client of opened) client.disconnect();
});

export function connect(
  url: string,
  transports: Array<'websocket' | 'polling'> = ['websocket'],
): Client {
  const client: Client = io(url, {
    path: '/socket.io',
    auth: { token: TEST_TOKEN },
    transports,
    reconnection: false,
    forceNew: true,
  });
  opened.add(client);
  return client;
}

/** Everything a client receives, in order, as [event, payload]. */
export function record(client: Client): Seen {
  const seen: Seen = [];
  client.onAny((event: string, payload: unknown) => seen.push([event, payload]));
  return seen;
}

/** The log lines a client got for one container (log_update and log_batch alike), in order. */
export function logLines(seen: Seen, containerId: string): string[] {
  const lines: string[] = [];
  for (const [event, payload] of seen) {
    if (payload?.container_id !== containerId) continue;
    if (event === 'log_update') lines.push(...(payload.log as string).split('\n').slice(0, -1));
    if (event === 'log_batch') lines.push(...(payload.lines as string[]));
  }
  return lines;
}
