/**
 * Live stats: one engine stats stream per watched container, shared by its watchers and
 * stopped as soon as the last one leaves, so the engine computes stats only while somebody
 * looks. A stream the engine ends (the container stopped) is opened again when the container
 * runs again, for the watchers still there.
 */
import type { Logger } from 'pino';
import type { ContainerStats } from '../../shared/stats.js';
import type { ContainerState, LiveSources } from '../engine/ports.js';
import { EngineError } from '../engine/errors.js';

export interface StatsWatcher {
  id: string;
  sample(stats: ContainerStats): void;
  stopped(message: string): void;
}

interface Watched {
  id: string;
  watchers: Map<string, StatsWatcher>;
  stream: { stop: () => void } | undefined;
  opening: Promise<void> | undefined;
}

export class StatsStreams {
  private readonly watched = new Map<string, Watched>();
  private readonly unsubscribeModel: () => void;

  constructor(
    private readonly engine: ContainerState & LiveSources,
    private readonly log: Logger,
  ) {
    this.unsubscribeModel = engine.containers.subscribe((change) => {
      const watched = this.watched.get(change.container.id);
      if (watched === undefined || watched.stream !== undefined) return;
      if (change.kind === 'upsert' && change.container.state === 'running')
        setImmediate(() => void this.openStream(watched).catch(() => {}));
    });
  }

  /** Engine stats streams open now (for tests and metrics). */
  get open(): number {
    let open = 0;
    for (const watched of this.watched.values()) if (watched.stream !== undefined) open += 1;
    return open;
  }

  close(): void {
    this.unsubscribeModel();
    for (const watched of this.watched.values()) watched.stream?.stop();
    this.watched.clear();
  }

  /** Resolves with the container's id once the engine stream is open. */
  async watch(ref: string, watcher: StatsWatcher): Promise<string> {
    const container = this.engine.containers.find(ref);
    this.engine.ensureConnected();
    if (container === undefined) throw new EngineError('not_found', `No such container: ${ref}`);
    let watched = this.watched.get(container.id);
    if (watched === undefined) {
      watched = { id: container.id, watchers: new Map(), stream: undefined, opening: undefined };
      this.watched.set(container.id, watched);
    }
    watched.watchers.set(watcher.id, watcher);
    try {
      if (watched.stream === undefined && container.state === 'running')
        await this.openStream(watched);
    } catch (err) {
      this.unwatch(container.id, watcher.id);
      throw err;
    }
    if (container.state !== 'running')
      watcher.stopped('Stats paused: the container is not running');
    return container.id;
  }

  unwatch(ref: string, watcherId: string): boolean {
    const id = this.engine.containers.find(ref)?.id ?? ref;
    const watched = this.watched.get(id);
    if (watched === undefined || !watched.watchers.delete(watcherId)) return false;
    if (watched.watchers.size === 0) {
      this.watched.delete(id);
      watched.stream?.stop();
      watched.stream = undefined;
    }
    return true;
  }

  dropWatcher(watcherId: string): void {
    for (const id of [...this.watched.keys()]) this.unwatch(id, watcherId);
  }

  private openStream(watched: Watched): Promise<void> {
    watched.opening ??= (async () => {
      const handle = await this.engine.followStats(watched.id, (stats) => {
        for (const watcher of watched.watchers.values()) watcher.sample(stats);
      });
      if (this.watched.get(watched.id) !== watched) {
        handle.stop(); // every watcher left while it opened
        return;
      }
      watched.stream = handle;
      void handle.ended.then(() => {
        if (watched.stream !== handle) return; // stopped by the last watcher
        watched.stream = undefined;
        this.log.debug(`stats stream of ${watched.id.slice(0, 12)} ended`);
        for (const watcher of watched.watchers.values())
          watcher.stopped('Stats paused: the container stopped; they resume when it runs');
      });
    })().finally(() => (watched.opening = undefined));
    return watched.opening;
  }
}
