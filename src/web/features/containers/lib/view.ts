/**
 * What the container list shows, as pure functions: filtered by text and state, sorted,
 * grouped by compose project (standalone last), flattened into rows for the virtual list.
 */
import {
  CONTAINER_STATES,
  type Container,
  type ContainerState,
} from '../../../../shared/containers.js';

export const SORT_KEYS = ['name', 'state', 'image', 'created'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface Sort {
  key: SortKey;
  descending: boolean;
}

export interface ViewOptions {
  text: string;
  /** States shown; empty: all. */
  states: readonly ContainerState[];
  sort: Sort;
}

/** The key of a group in the collapsed list; standalone containers have their own. */
export const STANDALONE_KEY = '\u0000standalone';

export interface Group {
  key: string;
  /** The compose project label; null for standalone containers. */
  project: string | null;
  /** The group's containers that pass the filter, sorted. */
  containers: Container[];
  /** Every container of the group by state, filter or not. */
  counts: Record<ContainerState, number>;
  total: number;
}

export type Row =
  { kind: 'group'; group: Group; collapsed: boolean } | { kind: 'container'; container: Container };

const STATE_ORDER: Record<ContainerState, number> = {
  running: 0,
  restarting: 1,
  paused: 2,
  stopped: 3,
};

const byName = (a: Container, b: Container) => a.name.localeCompare(b.name);

const COMPARE: Record<SortKey, (a: Container, b: Container) => number> = {
  name: byName,
  state: (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || byName(a, b),
  image: (a, b) => a.image.localeCompare(b.image) || byName(a, b),
  created: (a, b) => a.created.localeCompare(b.created) || byName(a, b),
};

/** Whether a container matches the filter words: each word in its name, image, project, service or id. */
export function matches(container: Container, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const haystack = [
    container.name,
    container.image,
    container.project ?? '',
    container.service ?? '',
    container.id.slice(0, 12),
  ]
    .join('\n')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export function filterWords(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

const emptyCounts = (): Record<ContainerState, number> =>
  Object.fromEntries(CONTAINER_STATES.map((state) => [state, 0])) as Record<ContainerState, number>;

export function buildGroups(containers: readonly Container[], options: ViewOptions): Group[] {
  const words = filterWords(options.text);
  const states = new Set(options.states);
  const groups = new Map<string, Group>();
  for (const container of containers) {
    const key = container.project ?? STANDALONE_KEY;
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, project: container.project, containers: [], counts: emptyCounts(), total: 0 };
      groups.set(key, group);
    }
    group.counts[container.state] += 1;
    group.total += 1;
    if ((states.size === 0 || states.has(container.state)) && matches(container, words))
      group.containers.push(container);
  }
  const compare = COMPARE[options.sort.key];
  const direction = options.sort.descending ? -1 : 1;
  const shown = [...groups.values()].filter((group) => group.containers.length > 0);
  for (const group of shown) group.containers.sort((a, b) => direction * compare(a, b));
  return shown.sort((a, b) =>
    a.project === null ? 1 : b.project === null ? -1 : a.project.localeCompare(b.project),
  );
}

/** Group headers and their rows, collapsed groups without rows. */
export function flatten(groups: readonly Group[], collapsed: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  for (const group of groups) {
    const isCollapsed = collapsed.has(group.key);
    rows.push({ kind: 'group', group, collapsed: isCollapsed });
    if (!isCollapsed)
      for (const container of group.containers) rows.push({ kind: 'container', container });
  }
  return rows;
}
