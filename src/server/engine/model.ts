import type { Container } from '../../shared/containers.js';

export type ModelChange =
  | { kind: 'upsert'; container: Container; previous: Container | undefined }
  | { kind: 'remove'; container: Container };

/**
 * The containers as the engine last told us: built by one list, kept current by events.
 * Subscribers hear of every real change (same object in, no event out).
 */
export class ContainerModel {
  private readonly byId = new Map<string, Container>();
  private readonly listeners = new Set<(change: ModelChange) => void>();

  list(): Container[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }

  /** By full id, unique id prefix (12+ chars as docker prints them, or any unique one), or name. */
  find(ref: string): Container | undefined {
    const exact = this.byId.get(ref);
    if (exact !== undefined) return exact;
    let hit: Container | undefined;
    for (const container of this.byId.values()) {
      if (container.name === ref) return container;
      if (container.id.startsWith(ref)) {
        if (hit !== undefined) return undefined; // ambiguous prefix
        hit = container;
      }
    }
    return hit;
  }

  subscribe(listener: (change: ModelChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  upsert(container: Container): void {
    const previous = this.byId.get(container.id);
    if (previous !== undefined && sameContainer(previous, container)) return;
    this.byId.set(container.id, container);
    this.emit({ kind: 'upsert', container, previous });
  }

  remove(id: string): void {
    const container = this.byId.get(id);
    if (container === undefined) return;
    this.byId.delete(id);
    this.emit({ kind: 'remove', container });
  }

  /** After a full list: whatever the list lacks is gone, the rest is upserted. */
  replaceAll(containers: Container[]): void {
    const seen = new Set(containers.map((c) => c.id));
    for (const id of [...this.byId.keys()]) if (!seen.has(id)) this.remove(id);
    for (const container of containers) this.upsert(container);
  }

  private emit(change: ModelChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

function sameContainer(a: Container, b: Container): boolean {
  return (
    a.status === b.status &&
    a.health === b.health &&
    a.name === b.name &&
    a.ports === b.ports &&
    a.image === b.image &&
    a.created === b.created &&
    a.exit_code === b.exit_code &&
    JSON.stringify(a.labels) === JSON.stringify(b.labels)
  );
}
