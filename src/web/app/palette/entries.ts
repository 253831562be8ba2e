/**
 * What the command palette offers for a search: pages, containers, projects, and the actions
 * of the few containers the search names. Pure, so it is tested without a browser.
 */
import { allows, type Role } from '../../../shared/auth.js';
import {
  CONTAINER_ACTION_ROLES,
  type Container,
  type ContainerAction,
} from '../../../shared/containers.js';

/** Containers whose actions are offered at once; more would bury the rest of the list. */
export const MAX_ACTION_TARGETS = 5;

/** Actions the palette runs at once: none of them loses anything (kill, rebuild and delete
 * ask first, on the container's row or page). */
const QUICK_ACTIONS: Record<Container['state'], readonly ContainerAction[]> = {
  running: ['restart', 'stop', 'pause'],
  paused: ['unpause', 'stop'],
  restarting: ['stop'],
  stopped: ['start', 'restart'],
};

export interface ActionEntry {
  container: Container;
  action: ContainerAction;
}

/** The containers a search names, best first: names starting with it, then containing it. */
export function namedBy(containers: readonly Container[], search: string): Container[] {
  const text = search.trim().toLowerCase();
  if (text.length < 2) return [];
  const starts = containers.filter((c) => c.name.toLowerCase().startsWith(text));
  const contains = containers.filter(
    (c) => !c.name.toLowerCase().startsWith(text) && c.name.toLowerCase().includes(text),
  );
  return [...starts, ...contains].slice(0, MAX_ACTION_TARGETS);
}

/** The quick actions the role may run on the containers a search names. */
export function actionEntries(
  containers: readonly Container[],
  search: string,
  role: Role,
): ActionEntry[] {
  return namedBy(containers, search).flatMap((container) =>
    QUICK_ACTIONS[container.state]
      .filter((action) => allows(role, CONTAINER_ACTION_ROLES[action]))
      .map((action) => ({ container, action })),
  );
}

/** A compose project's page (by its raw label). */
export const projectPath = (project: string): string => `/projects/${encodeURIComponent(project)}`;

/** Compose projects of the containers, by name. */
export function projectsOf(containers: readonly Container[]): string[] {
  const names = new Set<string>();
  for (const container of containers) if (container.project) names.add(container.project);
  return [...names].sort();
}
