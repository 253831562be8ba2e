/**
 * Prune that removes exactly what was previewed: the preview reads the engine and lists what
 * its own prune would take (prune-rules.ts); confirm takes those items back, reads the engine
 * again before each kind, and removes an item only if the same rules still pick it, one by
 * one and without force, so an item that changed meanwhile (a container started, an image now
 * used) is kept and reported as skipped.
 */
import type Docker from 'dockerode';
import {
  pruneItemTypes,
  type PruneConfirm,
  type PruneConfirmRequest,
  type PruneItemResult,
  type PruneItemType,
  type PruneKind,
  type PrunePreview,
} from '../../shared/prune.js';
import { fromDockerError } from './errors.js';
import {
  childrenFirst,
  judge,
  previewOf,
  PRUNE_ORDER,
  pruneItems,
  STOPPED_STATES,
  type PruneContainer,
  type PruneImage,
  type PruneNetwork,
  type PruneSnapshot,
  type PruneVolume,
} from './prune-rules.js';

/** At most this many engine reads at once (inspects of stopped containers and of networks). */
const CONCURRENCY = 8;

async function mapLimit<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

const statusOf = (err: unknown) => (err as { statusCode?: number }).statusCode;

/** An inspect that answers undefined for what went away since it was listed. */
async function unlessGone<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

/** The engine's time as ISO 8601; null for none (Go's zero time: never happened). */
const isoOrNull = (value: string | undefined) => {
  if (value === undefined || value === '' || value.startsWith('0001-')) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

async function readContainers(docker: Docker, details: boolean): Promise<PruneContainer[]> {
  const listed = await docker.listContainers({ all: true });
  const containers = listed.map((c): PruneContainer => ({
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
    state: c.State,
    imageId: c.ImageID,
    volumes: (c.Mounts ?? []).filter((m) => m.Type === 'volume').map((m) => m.Name ?? ''),
    created: new Date(c.Created * 1000).toISOString(),
    sizeRw: null,
    exitCode: null,
    finishedAt: null,
  }));
  if (!details) return containers;
  // Sizes and exit times only for the stopped ones: the engine walks each layer to size it.
  const sized = await docker.listContainers({
    all: true,
    size: true,
    filters: { status: [...STOPPED_STATES] },
  });
  const sizes = new Map(sized.map((c) => [c.Id, (c as { SizeRw?: number }).SizeRw ?? 0]));
  const stopped = containers.filter((c) => STOPPED_STATES.includes(c.state));
  const gone = new Set<string>();
  await mapLimit(stopped, async (container) => {
    const info = await unlessGone(docker.getContainer(container.id).inspect());
    if (info === undefined) gone.add(container.id);
    container.sizeRw = sizes.get(container.id) ?? null;
    container.exitCode = info?.State.ExitCode ?? null;
    container.finishedAt = isoOrNull(info?.State.FinishedAt);
  });
  return containers.filter((c) => !gone.has(c.id));
}

async function readImages(docker: Docker): Promise<PruneImage[]> {
  // all: intermediate images too, so that what is built on what is known.
  const images = await docker.listImages({ all: true });
  return images.map((i) => ({
    id: i.Id,
    tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    digests: (i.RepoDigests ?? []).filter((d) => d !== '<none>@<none>'),
    parentId: i.ParentId ?? '',
    size: i.Size,
    created: new Date(i.Created * 1000).toISOString(),
  }));
}

interface EngineVolume {
  Name: string;
  Driver: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  CreatedAt?: string;
}

async function readVolumes(docker: Docker): Promise<PruneVolume[]> {
  const { Volumes } = (await docker.listVolumes()) as { Volumes?: EngineVolume[] | null };
  // Sizes come only from the disk usage report: `type=volume` (API 1.42+) has the engine size
  // only volumes; older engines ignore it and size everything.
  const usage = await new Promise<{
    Volumes?: Array<EngineVolume & { UsageData?: { Size?: number } }>;
  }>((resolve, reject) =>
    docker.modem.dial(
      {
        path: '/system/df?',
        method: 'GET',
        options: { type: 'volume' },
        statusCodes: { 200: true, 500: 'server error' },
      },
      (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as never)),
    ),
  );
  const sizes = new Map((usage.Volumes ?? []).map((v) => [v.Name, v.UsageData?.Size ?? -1]));
  return (Volumes ?? []).map((v) => {
    const size = sizes.get(v.Name) ?? -1;
    return {
      name: v.Name,
      driver: v.Driver,
      labels: v.Labels ?? {},
      options: v.Options ?? {},
      created: isoOrNull(v.CreatedAt),
      size: size >= 0 ? size : null,
    };
  });
}

async function readNetworks(docker: Docker): Promise<PruneNetwork[]> {
  const listed = await docker.listNetworks();
  const networks = await mapLimit(listed, async (n): Promise<PruneNetwork | undefined> => {
    // Only an inspect lists a network's endpoints.
    const info = await unlessGone(docker.getNetwork(n.Id).inspect());
    if (info === undefined) return undefined;
    const endpoints = Object.entries(
      (info as { Containers?: Record<string, { Name?: string }> | null }).Containers ?? {},
    ).map(([id, endpoint]) => endpoint.Name || id.slice(0, 12));
    return {
      id: n.Id,
      name: n.Name,
      scope: n.Scope,
      configOnly: (n as { ConfigOnly?: boolean }).ConfigOnly === true,
      endpoints,
      created: isoOrNull(n.Created),
    };
  });
  return networks.filter((n) => n !== undefined);
}

/** Reads what the rules for these item types need (containers always: they use the rest). */
export async function readSnapshot(
  docker: Docker,
  types: readonly PruneItemType[],
): Promise<PruneSnapshot> {
  const want = (type: PruneItemType) => types.includes(type);
  const [version, containers, images, volumes, networks] = await Promise.all([
    want('volume') ? docker.version() : undefined,
    readContainers(docker, want('container')),
    want('image') ? readImages(docker) : [],
    want('volume') ? readVolumes(docker) : [],
    want('network') ? readNetworks(docker) : [],
  ]);
  return { apiVersion: version?.ApiVersion ?? '', containers, images, volumes, networks };
}

/** What a prune of `kind` would remove now, item by item. */
export async function previewPrune(
  docker: Docker,
  kind: PruneKind,
  all: boolean,
): Promise<PrunePreview> {
  const types = pruneItemTypes(kind);
  const snapshot = await readSnapshot(docker, types);
  return previewOf(kind, all, pruneItems(snapshot, types, all));
}

/** An item the engine kept for a reason found while removing it: reported as skipped. */
class Kept extends Error {}

/** How a removal the engine refused ended. */
function refused(err: unknown): Pick<PruneItemResult, 'outcome' | 'message'> {
  if (err instanceof Kept) return { outcome: 'skipped', message: err.message };
  const { message } = fromDockerError(err);
  const status = statusOf(err);
  if (status === 404) return { outcome: 'skipped', message: 'it no longer exists' };
  // In use by now: the engine refuses to remove it without force, which is never used here.
  if (status === 409 || status === 403)
    return { outcome: 'skipped', message: `in use: ${message}` };
  return { outcome: 'failed', message };
}

/**
 * Removes an image as the engine's prune does: reference by reference, the image going with
 * its last one, or by id when it has none. A reference is removed only while it still names
 * this image. Answers the ids the engine deleted (intermediate images under it go too).
 */
async function removeImage(docker: Docker, image: PruneImage): Promise<string[]> {
  const refs: string[] = [];
  // Every reference is checked before any is removed, so a moved tag leaves the image whole.
  for (const ref of [...image.tags, ...image.digests]) {
    const current = await unlessGone(docker.getImage(ref).inspect());
    if (current === undefined) continue;
    if (current.Id !== image.id) throw new Kept(`${ref} now names another image`);
    refs.push(ref);
  }
  const answers: Array<{ Deleted?: string }> = [];
  for (const ref of refs) {
    answers.push(...((await docker.getImage(ref).remove()) as Array<{ Deleted?: string }>));
  }
  if (refs.length === 0) {
    answers.push(...((await docker.getImage(image.id).remove()) as Array<{ Deleted?: string }>));
  }
  const deleted = answers.flatMap((a) => (a.Deleted ? [a.Deleted] : []));
  if (!deleted.includes(image.id)) throw new Kept('the engine untagged it but kept the image');
  return deleted;
}

/**
 * Removes exactly the items given, each only if the engine's prune rules still pick it when
 * its turn comes (the engine is read again before each kind), without force. `onStep` hears of
 * each item as it is done.
 */
export async function confirmPrune(
  docker: Docker,
  kind: PruneKind,
  request: Required<PruneConfirmRequest>,
  onStep: (step: string) => void,
): Promise<PruneConfirm> {
  const results: PruneItemResult[] = [];
  for (const type of PRUNE_ORDER) {
    let ids = request.items.filter((i) => i.type === type).map((i) => i.id);
    if (ids.length === 0) continue;
    let snapshot: PruneSnapshot;
    try {
      snapshot = await readSnapshot(docker, [type]);
    } catch (err) {
      // Nothing of this kind can be checked, so none is removed; each is still reported.
      const { message } = fromDockerError(err);
      for (const id of ids) {
        results.push({ type, id, name: id, outcome: 'failed', message, size_bytes: null });
        onStep(`failed ${type} ${id}: ${message}`);
      }
      continue;
    }
    if (type === 'image') ids = childrenFirst(ids, snapshot);
    for (const id of ids) {
      const verdict = judge(type, id, snapshot, request.all);
      const base = verdict.prunable
        ? { type, id, name: verdict.item.name, size_bytes: verdict.item.size_bytes }
        : { type, id, name: nameIn(snapshot, type, id), size_bytes: null };
      let ending: Pick<PruneItemResult, 'outcome' | 'message'>;
      if (!verdict.prunable) {
        ending = { outcome: 'skipped', message: verdict.reason };
      } else {
        try {
          const gone = await remove(docker, snapshot, type, id);
          // Later items are judged without what went (an image whose children went may go).
          snapshot.images = snapshot.images.filter((i) => !gone.includes(i.id));
          ending = { outcome: 'removed', message: null };
        } catch (err) {
          ending = refused(err);
        }
      }
      const result: PruneItemResult = { ...base, ...ending };
      results.push(result);
      onStep(
        `${result.outcome} ${type} ${result.name}${result.message ? `: ${result.message}` : ''}`,
      );
    }
  }
  const count = (outcome: PruneItemResult['outcome']) =>
    results.filter((r) => r.outcome === outcome).length;
  return {
    kind,
    all: request.all,
    results,
    removed: count('removed'),
    skipped: count('skipped'),
    failed: count('failed'),
    space_reclaimed: results
      .filter((r) => r.outcome === 'removed')
      .reduce((sum, r) => sum + (r.size_bytes ?? 0), 0),
  };
}

/** Removes one item without force; answers the image ids that went with it. */
async function remove(
  docker: Docker,
  snapshot: PruneSnapshot,
  type: PruneItemType,
  id: string,
): Promise<string[]> {
  switch (type) {
    case 'container':
      await docker.getContainer(id).remove();
      return [];
    case 'network':
      await docker.getNetwork(id).remove();
      return [];
    case 'volume':
      await docker.getVolume(id).remove();
      return [];
    case 'image':
      return removeImage(
        docker,
        snapshot.images.find((i) => i.id === id)!,
      );
  }
}

function nameIn(snapshot: PruneSnapshot, type: PruneItemType, id: string): string {
  switch (type) {
    case 'container':
      return snapshot.containers.find((c) => c.id === id)?.name ?? id.slice(0, 12);
    case 'network':
      return snapshot.networks.find((n) => n.id === id)?.name ?? id.slice(0, 12);
    case 'image':
      return snapshot.images.find((i) => i.id === id)?.tags[0] ?? id;
    case 'volume':
      return id;
  }
}
