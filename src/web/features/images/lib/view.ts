/**
 * What the image table shows, as pure functions: which containers use each image (from the
 * live container list), the filter by words and by use, and the sort.
 */
import type { Image } from '../../../../shared/containers.js';

/** A container as the image page needs it: which image it runs, and whether it runs. */
export interface ImageUser {
  id: string;
  name: string;
  imageId: string;
  running: boolean;
}

export interface Usage {
  total: number;
  running: number;
  /** Names, running ones first. */
  users: ImageUser[];
}

export const USES = ['dangling', 'unused', 'in use'] as const;
export type Use = (typeof USES)[number];

export const SORT_KEYS = ['tag', 'size', 'created', 'containers'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface Sort {
  key: SortKey;
  descending: boolean;
}

export interface ImageRow {
  image: Image;
  usage: Usage;
}

/** The image's name for people: its first tag, else its short id. */
export const imageName = (image: Image) => image.tags[0] ?? shortId(image.id);

/** "sha256:0123456789abcdef..." -> "0123456789ab", as docker prints it. */
export const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

/** Users grouped by image id; an image nobody uses has no entry. */
export function usageByImage(users: Iterable<ImageUser>): Map<string, Usage> {
  const byImage = new Map<string, Usage>();
  for (const user of users) {
    let usage = byImage.get(user.imageId);
    if (usage === undefined)
      byImage.set(user.imageId, (usage = { total: 0, running: 0, users: [] }));
    usage.total += 1;
    if (user.running) usage.running += 1;
    usage.users.push(user);
  }
  for (const usage of byImage.values())
    usage.users.sort(
      (a, b) => Number(b.running) - Number(a.running) || a.name.localeCompare(b.name),
    );
  return byImage;
}

/** Whether an image passes the filter: every word in a tag or its id, and one of the uses. */
export function matches(row: ImageRow, words: readonly string[], uses: readonly Use[]): boolean {
  if (uses.length > 0 && !uses.some((use) => hasUse(row, use))) return false;
  const haystack = [...row.image.tags, row.image.id.replace(/^sha256:/, '')]
    .join(' ')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

function hasUse({ image, usage }: ImageRow, use: Use): boolean {
  if (use === 'dangling') return image.dangling;
  if (use === 'unused') return usage.total === 0;
  return usage.total > 0;
}

const byName = (a: ImageRow, b: ImageRow) =>
  Number(a.image.dangling) - Number(b.image.dangling) ||
  imageName(a.image).localeCompare(imageName(b.image));

const COMPARE: Record<SortKey, (a: ImageRow, b: ImageRow) => number> = {
  tag: byName,
  size: (a, b) => a.image.size_bytes - b.image.size_bytes || byName(a, b),
  created: (a, b) => a.image.created.localeCompare(b.image.created) || byName(a, b),
  containers: (a, b) =>
    a.usage.running - b.usage.running || a.usage.total - b.usage.total || byName(a, b),
};

const NO_USE: Usage = { total: 0, running: 0, users: [] };

/** The rows to show: each image with its users, filtered and sorted. */
export function imageRows(
  images: readonly Image[],
  usage: ReadonlyMap<string, Usage>,
  options: { text: string; uses: readonly Use[]; sort: Sort },
): ImageRow[] {
  const words = options.text.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = images
    .map((image) => ({ image, usage: usage.get(image.id) ?? NO_USE }))
    .filter((row) => matches(row, words, options.uses));
  const compare = COMPARE[options.sort.key];
  rows.sort(options.sort.descending ? (a, b) => compare(b, a) : compare);
  return rows;
}

/** What deleting an image does, given force or not: the confirmation's words and whether it can. */
export function deletion(
  image: Image,
  usage: Usage,
  force: boolean,
): { possible: boolean; needsForce: boolean; says: string[] } {
  const name = imageName(image);
  const stoppedCount = usage.total - usage.running;
  // Names when the live list has them, else the server's counts.
  const who = (running: boolean, count: number) => {
    const names = usage.users.filter((user) => user.running === running).map((u) => u.name);
    return names.length > 0 ? names.join(', ') : `${count} container${count === 1 ? '' : 's'}`;
  };
  if (usage.running > 0)
    return {
      possible: false,
      needsForce: false,
      says: [
        `Running containers use ${name} (${who(true, usage.running)}): the engine refuses to delete it, even with force. Stop and remove them first.`,
      ],
    };
  const needsForce = image.tags.length > 1 || stoppedCount > 0;
  const says = [
    image.tags.length === 0
      ? `Deletes the dangling image ${shortId(image.id)} (it has no tag), with its layers that no other image uses.`
      : `Removes the tag${image.tags.length > 1 ? 's' : ''} ${image.tags.join(', ')} and deletes the image ${shortId(image.id)}, with its layers that no other image uses.`,
  ];
  if (stoppedCount > 0)
    says.push(
      force
        ? `Stopped containers use it (${who(false, stoppedCount)}): with force it goes all the same. They stay, showing the image by its id, and cannot be recreated from it.`
        : `Stopped containers use it (${who(false, stoppedCount)}): the engine deletes it only with force.`,
    );
  else if (image.tags.length > 1 && !force)
    says.push(`It has ${image.tags.length} tags: the engine deletes it only with force.`);
  return { possible: !needsForce || force, needsForce, says };
}

/** "Untagged busybox:1; deleted 3 layers": what the engine says it did. */
export function describeRemoval(removed: ReadonlyArray<Record<string, string>>): string {
  const untagged = removed.flatMap((entry) => (entry.Untagged ? [entry.Untagged] : []));
  const deleted = removed.filter((entry) => entry.Deleted).length;
  const parts: string[] = [];
  if (untagged.length > 0) parts.push(`untagged ${untagged.join(', ')}`);
  if (deleted > 0) parts.push(`deleted ${deleted} layer${deleted === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join('; ') : 'nothing to remove';
}
