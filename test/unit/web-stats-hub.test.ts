/**
 * The page's stats hub: one stream request per container however many parts of the page watch
 * it, given back a moment after the last leaves, asked for again after a reconnection that lost
 * the session. The socket is a fake that records what the hub sends and delivers what it is told.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContainerStats } from '../../src/shared/stats.js';
import { StatsHub } from '../../src/web/lib/stats-hub.js';

class FakeSocket {
  connected = true;
  recovered = false;
  readonly sent: string[] = [];
  private readonly handlers = new Map<string, Array<(payload: never) => void>>();

  on(event: string, handler: (payload: never) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }

  emit(event: string, payload: { container_id: string }): this {
    this.sent.push(`${event} ${payload.container_id}`);
    return this;
  }

  deliver(event: string, payload?: unknown): void {
    for (const handler of this.handlers.get(event) ?? []) handler(payload as never);
  }
}

const stats = (cpu: number): ContainerStats => ({
  cpu_percent: cpu,
  online_cpus: 1,
  memory: { usage_bytes: 1, limit_bytes: 2, percent: 50 },
  network: { rx_bytes: 0, tx_bytes: 0 },
  block_io: { read_bytes: 0, write_bytes: 0 },
  pids: 1,
  read: '2026-11-30T05:00:00Z',
});

let socket: FakeSocket;
let hub: StatsHub;

beforeEach(() => {
  vi.useFakeTimers();
  socket = new FakeSocket();
  hub = new StatsHub(socket);
});

afterEach(() => vi.useRealTimers());

describe('the stats hub', () => {
  it('asks once for a container however many watch it, and gives it back after the last', () => {
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = hub.watch('c1', { sample: first });
    const stopSecond = hub.watch('c1', { sample: second });
    expect(socket.sent).toEqual(['start_stats_stream c1']);

    socket.deliver('stats_update', { container_id: 'c1', stats: stats(5) });
    expect(first).toHaveBeenCalledWith(stats(5));
    expect(second).toHaveBeenCalledWith(stats(5));
    expect(hub.latest('c1')).toEqual(stats(5));

    stopFirst();
    stopSecond();
    expect(socket.sent).toHaveLength(1); // it lingers a moment
    vi.advanceTimersByTime(1000);
    expect(socket.sent).toEqual(['start_stats_stream c1', 'stop_stats_stream c1']);
    expect(hub.latest('c1')).toBeUndefined();
  });

  it('keeps the stream of a row that leaves and comes back within the moment', () => {
    const stop = hub.watch('c1', { sample: () => {} });
    stop();
    vi.advanceTimersByTime(500);
    const stopAgain = hub.watch('c1', { sample: () => {} });
    vi.advanceTimersByTime(5000);
    expect(socket.sent).toEqual(['start_stats_stream c1']);
    stopAgain();
    vi.advanceTimersByTime(1000);
    expect(socket.sent).toEqual(['start_stats_stream c1', 'stop_stats_stream c1']);
  });

  it('tells readers of each sample without asking for a stream itself', () => {
    const reader = vi.fn();
    const stopReading = hub.read('c1', reader);
    expect(socket.sent).toEqual([]);
    const stop = hub.watch('c1', { sample: () => {} });
    socket.deliver('stats_update', { container_id: 'c1', stats: stats(1) });
    expect(reader).toHaveBeenCalledTimes(1);
    stop();
    vi.advanceTimersByTime(1000);
    expect(reader).toHaveBeenCalledTimes(2); // the sample is gone with the stream
    stopReading();
  });

  it('passes a pause on (the container stopped) and forgets the last sample', () => {
    const paused = vi.fn();
    hub.watch('c1', { sample: () => {}, paused });
    socket.deliver('stats_update', { container_id: 'c1', stats: stats(1) });
    socket.deliver('stats_stream_stopped', { container_id: 'c1', message: 'container stopped' });
    expect(paused).toHaveBeenCalledWith('container stopped');
    expect(hub.latest('c1')).toBeUndefined();
  });

  it('asks again for every watched stream after a reconnection without its session', () => {
    hub.watch('c1', { sample: () => {} });
    hub.watch('c2', { sample: () => {} });
    socket.sent.length = 0;
    socket.recovered = true;
    socket.deliver('connect');
    expect(socket.sent).toEqual([]); // the server resumed them itself
    socket.recovered = false;
    socket.deliver('connect');
    expect(socket.sent).toEqual(['start_stats_stream c1', 'start_stats_stream c2']);
  });

  it('waits for the connection before asking', () => {
    socket.connected = false;
    hub.watch('c1', { sample: () => {} });
    expect(socket.sent).toEqual([]);
    socket.connected = true;
    socket.deliver('connect');
    expect(socket.sent).toEqual(['start_stats_stream c1']);
  });
});
