/** Pruning, and its dry run: what would go and the space it would free. */
import type Docker from 'dockerode';
import type { PruneResult } from '../../shared/api.js';

export type { PruneResult };

export const PRUNE_KINDS = ['containers', 'images', 'volumes', 'networks', 'all'] as const;
export type PruneKind = (typeof PRUNE_KINDS)[number];

export interface PruneOptions {
  /** Images: every unused image, not only dangling ones (docker image prune --all). */
  allImages: boolean;
}

const BUILTIN_NETWORKS = new Set(['bridge', 'host', 'none']);

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

/** What prune would remove now, read without removing anything. */
export async function prunePreview(
  docker: Docker,
  kind: PruneKind,
  options: PruneOptions,
): Promise<PruneResult> {
  const result = empty();
  const kinds = kindsOf(kind);
  const containers = await docker.listContainers({ all: true, size: true });
  const stopped = containers.filter((c) => ['exited', 'created', 'dead'].includes(c.State));
  // With `all`, stopped containers go first, so what they alone use goes too.
  const remaining = kinds.includes('containers')
    ? containers.filter((c) => !stopped.includes(c))
    : containers;
  if (kinds.includes('containers')) {
    for (const c of stopped) {
      result.containers_deleted.push(c.Id);
      result.space_reclaimed += (c as { SizeRw?: number }).SizeRw ?? 0;
    }
  }
  if (kinds.includes('images')) {
    const used = new Set(remaining.map((c) => c.ImageID));
    const images = await docker.listImages({ all: false });
    for (const image of images) {
      const dangling = (image.RepoTags ?? []).every((t) => t === '<none>:<none>');
      if (used.has(image.Id) || (!options.allImages && !dangling)) continue;
      result.images_deleted.push(image.Id);
      result.space_reclaimed += image.Size;
    }
  }
  if (kinds.includes('volumes')) {
    const usedVolumes = new Set(
      remaining.flatMap((c) =>
        (c.Mounts ?? []).filter((m) => m.Type === 'volume').map((m) => m.Name ?? ''),
      ),
    );
    const df = (await docker.df()) as {
      Volumes?: Array<{ Name: string; UsageData?: { Size?: number } }>;
    };
    for (const volume of df.Volumes ?? []) {
      if (usedVolumes.has(volume.Name)) continue;
      result.volumes_deleted.push(volume.Name);
      result.space_reclaimed += Math.max(0, volume.UsageData?.Size ?? 0);
    }
  }
  if (kinds.includes('networks')) {
    const usedNetworks = new Set(
      remaining.flatMap((c) =>
        Object.values(c.NetworkSettings?.Networks ?? {}).map((n) => n.NetworkID),
      ),
    );
    for (const network of await docker.listNetworks()) {
      if (BUILTIN_NETWORKS.has(network.Name) || usedNetworks.has(network.Id)) continue;
      result.networks_deleted.push(network.Name);
    }
  }
  return result;
}
