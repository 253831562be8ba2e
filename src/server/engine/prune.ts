/** The engine's own prune (the original's routes), and its dry run in the original's shape. */
import type Docker from 'dockerode';
import type { PruneResult } from '../../shared/api.js';
import { PRUNE_KINDS, type PruneKind, type PrunePreview } from '../../shared/prune.js';

export type { PruneKind, PruneResult };
export { PRUNE_KINDS };

export interface PruneOptions {
  /** Images: every unused image, not only dangling ones (docker image prune --all). */
  allImages: boolean;
}

function empty(): PruneResult {
  return {
    containers_deleted: [],
    images_deleted: [],
    volumes_deleted: [],
    networks_deleted: [],
    space_reclaimed: 0,
  };
}

function kindsOf(kind: PruneKind): Array<Exclude<PruneKind, 'all'>> {
  return kind === 'all' ? ['containers', 'networks', 'images', 'volumes'] : [kind];
}

/** The docker CLI command that does the same, for the original's `command` field. */
export function pruneCommand(kind: PruneKind, options: PruneOptions): string {
  const all = options.allImages ? ' --all' : '';
  switch (kind) {
    case 'containers':
      return 'docker container prune --force';
    case 'images':
      return `docker image prune --force${all}`;
    case 'volumes':
      return 'docker volume prune --force';
    case 'networks':
      return 'docker network prune --force';
    case 'all':
      return `docker system prune --force --volumes${all}`;
  }
}

/** Runs the prune. Containers go first so the images and networks they held can follow. */
export async function prune(
  docker: Docker,
  kind: PruneKind,
  options: PruneOptions,
  onStep: (step: string) => void = () => {},
): Promise<PruneResult> {
  const result = empty();
  for (const k of kindsOf(kind)) {
    switch (k) {
      case 'containers': {
        const r = await docker.pruneContainers();
        result.containers_deleted.push(...(r.ContainersDeleted ?? []));
        result.space_reclaimed += r.SpaceReclaimed ?? 0;
        break;
      }
      case 'images': {
        const r = await docker.pruneImages({
          filters: { dangling: [options.allImages ? 'false' : 'true'] },
        });
        for (const item of r.ImagesDeleted ?? [])
          result.images_deleted.push(item.Deleted ?? item.Untagged ?? '');
        result.space_reclaimed += r.SpaceReclaimed ?? 0;
        break;
      }
      case 'volumes': {
        const r = await docker.pruneVolumes();
        result.volumes_deleted.push(...(r.VolumesDeleted ?? []));
        result.space_reclaimed += r.SpaceReclaimed ?? 0;
        break;
      }
      case 'networks': {
        const r = await docker.pruneNetworks();
        result.networks_deleted.push(...(r.NetworksDeleted ?? []));
        break;
      }
    }
    onStep(`pruned ${k}`);
  }
  return result;
}

/** The preview in the original's result shape (what `?dry_run=true` answers). */
export function asPruneResult(preview: PrunePreview): PruneResult {
  const result = empty();
  const lists = {
    container: result.containers_deleted,
    image: result.images_deleted,
    volume: result.volumes_deleted,
    // The engine reports networks by name.
    network: result.networks_deleted,
  };
  for (const item of preview.items)
    lists[item.type].push(item.type === 'network' ? item.name : item.id);
  result.space_reclaimed = preview.total.size_bytes;
  return result;
}
