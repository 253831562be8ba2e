/** What the prune page offers: each choice is a kind of the API, images in two flavours. */
import type { PruneItem, PruneKind } from '../../../../shared/prune.js';

export interface PruneChoice {
  id: string;
  kind: PruneKind;
  /** Images: every unused one, not only dangling ones. */
  all: boolean;
  label: string;
  /** What the choice takes, in a line. */
  hint: string;
  /** What the empty preview says. */
  nothing: string;
}

export const CHOICES: readonly PruneChoice[] = [
  {
    id: 'containers',
    kind: 'containers',
    all: false,
    label: 'Stopped containers',
    hint: 'Containers that are not running: exited, created or dead.',
    nothing: 'No stopped container: every container is running.',
  },
  {
    id: 'images-dangling',
    kind: 'images',
    all: false,
    label: 'Dangling images',
    hint: 'Images without a tag that no container uses.',
    nothing: 'No dangling image.',
  },
  {
    id: 'images-unused',
    kind: 'images',
    all: true,
    label: 'Unused images',
    hint: 'Every image no container uses, tagged or not.',
    nothing: 'Every image is used by a container.',
  },
  {
    id: 'volumes',
    kind: 'volumes',
    all: false,
    label: 'Unused volumes',
    hint: 'Anonymous volumes no container uses (as docker volume prune).',
    nothing: 'No unused anonymous volume.',
  },
  {
    id: 'networks',
    kind: 'networks',
    all: false,
    label: 'Unused networks',
    hint: 'Networks no container is connected to (the built-in ones stay).',
    nothing: 'No unused network.',
  },
  {
    id: 'all',
    kind: 'all',
    all: false,
    label: 'All of these',
    hint: 'Stopped containers, unused networks, dangling images and unused volumes.',
    nothing: 'Nothing to prune anywhere.',
  },
];

export const choiceById = (id: string): PruneChoice =>
  CHOICES.find((choice) => choice.id === id) ?? CHOICES[0]!;

const TYPE_WORDS: Record<PruneItem['type'], [one: string, many: string]> = {
  container: ['container', 'containers'],
  image: ['image', 'images'],
  volume: ['volume', 'volumes'],
  network: ['network', 'networks'],
};

/** "3 containers and 1 image": the items counted by type. */
export function countByType(items: ReadonlyArray<Pick<PruneItem, 'type'>>): string {
  const counts = new Map<PruneItem['type'], number>();
  for (const item of items) counts.set(item.type, (counts.get(item.type) ?? 0) + 1);
  const parts = [...counts].map(
    ([type, count]) => `${count} ${TYPE_WORDS[type][count === 1 ? 0 : 1]}`,
  );
  if (parts.length <= 1) return parts[0] ?? 'nothing';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Splits the items into requests of at most `max` (the server's limit per confirm). */
export function batches<T>(items: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += max) out.push(items.slice(at, at + max));
  return out;
}
