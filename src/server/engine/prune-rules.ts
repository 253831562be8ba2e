/**
 * The engine's own prune rules, as pure functions over what was read of it: the preview lists
 * what they pick, and confirm checks each item against them again before removing it. Each
 * rule cites the engine code it follows (moby, the Docker engine; Debian's docker.io 20.10 and
 * current releases agree on each unless said).
 */
import {
  MAX_PRUNE_ITEMS,
  type PruneItem,
  type PruneItemType,
  type PruneKind,
  type PrunePreview,
} from '../../shared/prune.js';

/** A container as the rules read it (the stopped-only fields are null for the others). */
export interface PruneContainer {
  id: string;
  name: string;
  /** The engine's State: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  imageId: string;
  /** Names of the volumes it mounts. */
  volumes: string[];
  created: string;
  sizeRw: number | null;
  exitCode: number | null;
  finishedAt: string | null;
}

export interface PruneImage {
  id: string;
  tags: string[];
  /** repo@sha256:... references: the engine removes them with the image. */
  digests: string[];
  parentId: string;
  size: number;
  created: string;
}

export interface PruneVolume {
  name: string;
  driver: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  created: string | null;
  size: number | null;
}

export interface PruneNetwork {
  id: string;
  name: string;
  scope: string;
  configOnly: boolean;
  /** Names of the containers with an endpoint on it. */
  endpoints: string[];
  created: string | null;
}

/** What was read of the engine; only the lists a prune's item types need are filled. */
export interface PruneSnapshot {
  /** The API version the engine speaks to dwi: volume prune's rule changed in 1.42. */
  apiVersion: string;
  containers: PruneContainer[];
  images: PruneImage[];
  volumes: PruneVolume[];
  networks: PruneNetwork[];
}

export type Verdict = { prunable: true; item: PruneItem } | { prunable: false; reason: string };

/** Set by the engine on the volumes it creates for anonymous mounts (moby volume/service). */
export const ANONYMOUS_VOLUME_LABEL = 'com.docker.volume.anonymous';

/** Networks the engine makes itself and never prunes (moby network.IsPredefined on Linux). */
const PREDEFINED_NETWORKS = new Set(['bridge', 'host', 'none']);

/** True when `version` ("1.41") is at least `wanted`. */
export function apiAtLeast(version: string, wanted: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [wantMajor = 0, wantMinor = 0] = wanted.split('.').map(Number);
  return major !== wantMajor ? major > wantMajor : minor >= wantMinor;
}

const item = (
  fields: Pick<PruneItem, 'type' | 'id' | 'name' | 'size_bytes' | 'reason' | 'why' | 'created'> &
    Partial<PruneItem>,
): PruneItem => ({ tags: [], exit_code: null, finished_at: null, ...fields });

const shortImageId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

function usersOf(containers: PruneContainer[], uses: (c: PruneContainer) => boolean): string {
  const names = containers.filter(uses).map((c) => `${c.name} (${c.state})`);
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/** The states of a container that is not running. */
export const STOPPED_STATES: readonly string[] = ['created', 'exited', 'dead'];

/**
 * moby daemon/prune.go ContainersPrune: every container that is not running, where running
 * (State.IsRunning) includes paused and restarting ones. One being removed is left to that
 * removal (the engine's own remove of it fails).
 */
export function judgeContainer(container: PruneContainer): Verdict {
  if (!STOPPED_STATES.includes(container.state)) {
    return { prunable: false, reason: `it is ${container.state}` };
  }
  const why =
    container.state === 'created'
      ? 'created, never started'
      : container.state === 'dead'
        ? 'dead (a removal of it failed)'
        : `exited (${container.exitCode ?? '?'})${container.finishedAt ? ` at ${container.finishedAt}` : ''}`;
  return {
    prunable: true,
    item: item({
      type: 'container',
      id: container.id,
      name: container.name,
      size_bytes: container.sizeRw,
      reason: 'stopped',
      why,
      created: container.created,
      exit_code: container.state === 'created' ? null : container.exitCode,
      finished_at: container.state === 'created' ? null : container.finishedAt,
    }),
  };
}

export interface ImageJudgement {
  /** Images: every unused one, not only dangling ones. */
  all: boolean;
  /** Containers removed before the images (a prune of all). */
  leavingContainers?: ReadonlySet<string>;
  /** Images removed with this one, which no longer hold it (with all only). */
  leavingImages?: ReadonlySet<string>;
}

/**
 * moby daemon/images/image_prune.go ImagesPrune (graph driver store):
 * - an image without any reference that others are built on is an intermediate layer: never
 *   pruned itself, the engine deletes it with the last image built on it;
 * - without all, only dangling images (no tag; digest references do not count) that no other
 *   image is built on (imageStore.Heads);
 * - with all, any other image; one that others are built on is only untagged while they stay,
 *   and goes when they go (so it counts as going when all of them do);
 * - each is deleted without force, which the engine refuses for an image a container uses,
 *   running or stopped (image_delete.go checkImageDeleteConflict), so those stay.
 * The containerd image store (daemon/containerd/image_prune.go) records no parent images, so
 * there only the rules on tags and use apply.
 */
export function judgeImage(
  image: PruneImage,
  snapshot: PruneSnapshot,
  { all, leavingContainers = new Set(), leavingImages = new Set() }: ImageJudgement,
): Verdict {
  const staying = snapshot.containers.filter((c) => !leavingContainers.has(c.id));
  const users = usersOf(staying, (c) => c.imageId === image.id);
  if (users !== '') return { prunable: false, reason: `container ${users} uses it` };
  const children = snapshot.images.filter((other) => other.parentId === image.id);
  if (isIntermediate(image, children)) {
    return {
      prunable: false,
      reason: 'it is an intermediate image: it goes with the images built on it',
    };
  }
  if (children.some((child) => !all || !leavingImages.has(child.id))) {
    return { prunable: false, reason: 'other images are built on it' };
  }
  const dangling = image.tags.length === 0;
  if (!all && !dangling) {
    return {
      prunable: false,
      reason: `it is tagged ${image.tags[0]} (tagged images go only with all=true)`,
    };
  }
  return {
    prunable: true,
    item: item({
      type: 'image',
      id: image.id,
      name: image.tags[0] ?? shortImageId(image.id),
      tags: image.tags,
      size_bytes: image.size,
      reason: dangling ? 'dangling' : 'unused',
      why: dangling ? 'dangling (no tag), and no container uses it' : 'no container uses it',
      created: image.created,
    }),
  };
}

/**
 * The images a prune would remove: with all, an image others are built on goes when all of
 * them do, so the picks are repeated until no more are added.
 */
function prunableImages(
  snapshot: PruneSnapshot,
  all: boolean,
  leavingContainers: ReadonlySet<string>,
): PruneItem[] {
  const leavingImages = new Set<string>();
  const picked: PruneItem[] = [];
  const staying = snapshot.containers.filter((c) => !leavingContainers.has(c.id));
  for (let added = true; added;) {
    added = false;
    for (const image of snapshot.images) {
      if (leavingImages.has(image.id)) continue;
      const verdict = judgeImage(image, snapshot, { all, leavingContainers, leavingImages });
      if (verdict.prunable) {
        leavingImages.add(image.id);
        picked.push(verdict.item);
        added = all;
      } else if (all && goesWithChildren(image, snapshot, staying, leavingImages)) {
        // Not an item of its own, but what it is built on may now go.
        leavingImages.add(image.id);
        added = true;
      }
    }
  }
  return picked;
}

/** An intermediate image whose children all go, and which no container uses, goes with them. */
function goesWithChildren(
  image: PruneImage,
  snapshot: PruneSnapshot,
  staying: PruneContainer[],
  leavingImages: ReadonlySet<string>,
): boolean {
  const children = snapshot.images.filter((other) => other.parentId === image.id);
  return (
    isIntermediate(image, children) &&
    children.every((child) => leavingImages.has(child.id)) &&
    !staying.some((c) => c.imageId === image.id)
  );
}

const isIntermediate = (image: PruneImage, children: PruneImage[]) =>
  children.length > 0 && image.tags.length === 0 && image.digests.length === 0;

/** Images built on others first: their removal is what lets the others go. */
export function childrenFirst(imageIds: string[], snapshot: PruneSnapshot): string[] {
  const parentOf = new Map(snapshot.images.map((i) => [i.id, i.parentId]));
  const depth = (id: string) => {
    let n = 0;
    for (let at = parentOf.get(id); at && n < snapshot.images.length; at = parentOf.get(at)) n++;
    return n;
  };
  return [...imageIds].sort((a, b) => depth(b) - depth(a));
}

/**
 * moby volume/service/service.go Prune: local-driver volumes without mount options that no
 * container references, running or stopped. From API 1.42 (Docker 23) only anonymous ones, the
 * volumes the engine labelled com.docker.volume.anonymous, unless the `all` filter is given
 * (api/server/router/volume postVolumesPrune adds it for older clients); dwi's prune does not
 * give it, so the engine's API version decides.
 */
export function judgeVolume(
  volume: PruneVolume,
  snapshot: PruneSnapshot,
  leaving: ReadonlySet<string> = new Set(),
): Verdict {
  if (volume.driver !== 'local') {
    return { prunable: false, reason: `its driver is ${volume.driver}, not local` };
  }
  if (Object.keys(volume.options).length > 0) {
    return { prunable: false, reason: 'it has mount options (prune leaves those)' };
  }
  const staying = snapshot.containers.filter((c) => !leaving.has(c.id));
  const users = usersOf(staying, (c) => c.volumes.includes(volume.name));
  if (users !== '') return { prunable: false, reason: `container ${users} uses it` };
  const anonymous = ANONYMOUS_VOLUME_LABEL in volume.labels;
  const anonymousOnly = apiAtLeast(snapshot.apiVersion, '1.42');
  if (anonymousOnly && !anonymous) {
    return {
      prunable: false,
      reason: `it is named (API ${snapshot.apiVersion} prunes only anonymous volumes)`,
    };
  }
  return {
    prunable: true,
    item: item({
      type: 'volume',
      id: volume.name,
      name: volume.name,
      size_bytes: volume.size,
      reason: 'unused',
      why: anonymous ? 'anonymous, and no container uses it' : 'no container uses it',
      created: volume.created,
    }),
  };
}

/**
 * moby daemon/prune.go localNetworksPrune: not config-only, not predefined (bridge, host,
 * none), and no endpoint (only running containers hold one: a network a stopped container is
 * attached to goes too). Swarm networks are pruned by the engine only on a swarm manager
 * (clusterNetworksPrune); dwi leaves them.
 */
export function judgeNetwork(network: PruneNetwork): Verdict {
  if (PREDEFINED_NETWORKS.has(network.name)) return { prunable: false, reason: 'it is built in' };
  if (network.scope === 'swarm') return { prunable: false, reason: 'it is a swarm network' };
  if (network.configOnly) return { prunable: false, reason: 'it is a config-only network' };
  if (network.endpoints.length > 0) {
    const shown = network.endpoints.slice(0, 3).join(', ');
    const more = network.endpoints.length > 3 ? ` and ${network.endpoints.length - 3} more` : '';
    return { prunable: false, reason: `container ${shown}${more} is connected` };
  }
  return {
    prunable: true,
    item: item({
      type: 'network',
      id: network.id,
      name: network.name,
      size_bytes: null,
      reason: 'unused',
      why: 'no container is connected',
      created: network.created,
    }),
  };
}

/** The order a prune runs in: containers first, so what only they used can follow. */
export const PRUNE_ORDER: readonly PruneItemType[] = ['container', 'network', 'image', 'volume'];

/**
 * The verdict on one item by type and id (what confirm is given), in a snapshot read after the
 * items before it were removed.
 */
export function judge(
  type: PruneItemType,
  id: string,
  snapshot: PruneSnapshot,
  all: boolean,
): Verdict {
  const gone: Verdict = { prunable: false, reason: 'it no longer exists' };
  switch (type) {
    case 'container': {
      const container = snapshot.containers.find((c) => c.id === id);
      return container === undefined ? gone : judgeContainer(container);
    }
    case 'image': {
      const image = snapshot.images.find((i) => i.id === id);
      return image === undefined ? gone : judgeImage(image, snapshot, { all });
    }
    case 'volume': {
      const volume = snapshot.volumes.find((v) => v.name === id);
      return volume === undefined ? gone : judgeVolume(volume, snapshot);
    }
    case 'network': {
      const network = snapshot.networks.find((n) => n.id === id);
      return network === undefined ? gone : judgeNetwork(network);
    }
  }
}

/** What a prune of these types would remove now, in the order it would. */
export function pruneItems(
  snapshot: PruneSnapshot,
  types: readonly PruneItemType[],
  all: boolean,
): PruneItem[] {
  const sorted = (items: PruneItem[]) => items.sort((a, b) => a.name.localeCompare(b.name));
  const picked = (verdicts: Verdict[]) =>
    sorted(verdicts.flatMap((v) => (v.prunable ? [v.item] : [])));
  const containers = types.includes('container')
    ? picked(snapshot.containers.map(judgeContainer))
    : [];
  // Containers go first, so an image or volume only they used goes as well.
  const leaving = new Set(containers.map((c) => c.id));
  const byType: Record<PruneItemType, () => PruneItem[]> = {
    container: () => containers,
    network: () => picked(snapshot.networks.map(judgeNetwork)),
    image: () => sorted(prunableImages(snapshot, all, leaving)),
    volume: () => picked(snapshot.volumes.map((v) => judgeVolume(v, snapshot, leaving))),
  };
  return PRUNE_ORDER.filter((type) => types.includes(type)).flatMap((type) => byType[type]());
}

export function previewOf(kind: PruneKind, all: boolean, items: PruneItem[]): PrunePreview {
  return {
    kind,
    all,
    items,
    total: {
      items: items.length,
      size_bytes: items.reduce((sum, i) => sum + (i.size_bytes ?? 0), 0),
    },
    max_items: MAX_PRUNE_ITEMS,
  };
}
