/**
 * Live stats over the page's one socket. The server keeps one engine stream per container for
 * all its watchers; this keeps one request per container for the page: the stream is asked for
 * (start_stats_stream) when the first part of the page watches a container and given back
 * (stop_stats_stream) when the last one leaves. A socket that reconnects without its session
 * (not recovered) asks again for every stream still watched.
 */
import type { Ack, StatsUpdate, StreamRequest, StreamStopped } from '../../shared/events.js';
import type { ContainerStats } from '../../shared/stats.js';

/** What the hub needs of the page's socket (lib/socket.ts's typed socket). */
export interface StatsSocket {
  readonly connected: boolean;
  readonly recovered: boolean;
  on(event: 'stats_update', listener: (payload: StatsUpdate) => void): unknown;
  on(event: 'stats_stream_stopped', listener: (payload: StreamStopped) => void): unknown;
  on(event: 'connect', listener: () => void): unknown;
  emit(event: 'start_stats_stream', payload: StreamRequest, ack: Ack): unknown;
  emit(event: 'stop_stats_stream', payload: StreamRequest): unknown;
}

export interface StatsListener {
  sample(stats: ContainerStats): void;
  /** The stream paused (the container stopped) or was refused; samples resume by themselves. */
  paused?(message: string): void;
}

interface Entry {
  /** Parts of the page that asked for the stream. */
  watchers: Set<StatsListener>;
  /** Parts that only read what arrives (list cells), without asking for a stream. */
  readers: Set<() => void>;
  latest: ContainerStats | undefined;
  /** Set while the last watcher has left and the stream is about to be given back. */
  stopping: ReturnType<typeof setTimeout> | undefined;
}

const LINGER_MS = 1000;

export class StatsHub {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly socket: StatsSocket) {
    socket.on('stats_update', ({ container_id, stats }) => {
      const entry = this.entries.get(container_id);
      if (entry === undefined) return;
      entry.latest = stats;
      for (const watcher of entry.watchers) watcher.sample(stats);
      for (const reader of entry.readers) reader();
    });
    socket.on('stats_stream_stopped', ({ container_id, message }) => {
      const entry = this.entries.get(container_id);
      if (entry === undefined) return;
      entry.latest = undefined;
      for (const watcher of entry.watchers) watcher.paused?.(message);
      for (const reader of entry.readers) reader();
    });
    socket.on('connect', () => {
      if (socket.recovered) return;
      for (const [id, entry] of this.entries)
        if (entry.watchers.size > 0 || entry.stopping !== undefined) this.start(id, entry);
    });
  }

  /** Watches a container's stats (by full id) until the returned function is called. */
  watch(id: string, listener: StatsListener): () => void {
    const entry = this.entry(id);
    entry.watchers.add(listener);
    if (entry.stopping !== undefined) {
      clearTimeout(entry.stopping); // back before the stream was given up: it goes on
      entry.stopping = undefined;
    } else if (entry.watchers.size === 1 && this.socket.connected) this.start(id, entry);
    return () => {
      if (!entry.watchers.delete(listener) || entry.watchers.size > 0) return;
      // A row scrolled away and back, a page left for its other tab: the stream lingers a
      // moment rather than being stopped and asked for again.
      entry.stopping = setTimeout(() => {
        entry.stopping = undefined;
        entry.latest = undefined;
        if (this.socket.connected) this.socket.emit('stop_stats_stream', { container_id: id });
        for (const reader of entry.readers) reader();
        this.forget(id, entry);
      }, LINGER_MS);
    };
  }

  /** The last sample of a watched container; undefined while none (or the stream paused). */
  latest(id: string): ContainerStats | undefined {
    return this.entries.get(id)?.latest;
  }

  /** Calls `onChange` when the latest sample of `id` changes; asks for no stream. */
  read(id: string, onChange: () => void): () => void {
    const entry = this.entry(id);
    entry.readers.add(onChange);
    return () => {
      entry.readers.delete(onChange);
      this.forget(id, entry);
    };
  }

  private start(id: string, entry: Entry): void {
    this.socket.emit('start_stats_stream', { container_id: id }, (reply) => {
      if (reply.status === 'error')
        for (const watcher of entry.watchers) watcher.paused?.(reply.error);
    });
  }

  private entry(id: string): Entry {
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = { watchers: new Set(), readers: new Set(), latest: undefined, stopping: undefined };
      this.entries.set(id, entry);
    }
    return entry;
  }

  private forget(id: string, entry: Entry): void {
    const idle = entry.watchers.size === 0 && entry.stopping === undefined;
    if (idle && entry.readers.size === 0 && this.entries.get(id) === entry) this.entries.delete(id);
  }
}
