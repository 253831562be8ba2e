/** A compose project's containers, from the live list. Pure. */
import { CONTAINER_STATES, type Container } from '../../../../shared/containers.js';

export interface ProjectView {
  containers: Container[];
  counts: Record<Container['state'], number>;
}

/** The containers labelled with the project (the raw label), by service then name. */
export function projectView(all: readonly Container[], project: string): ProjectView {
  const containers = all
    .filter((c) => c.project === project)
    .sort(
      (a, b) => (a.service ?? '').localeCompare(b.service ?? '') || a.name.localeCompare(b.name),
    );
  const counts = Object.fromEntries(CONTAINER_STATES.map((s) => [s, 0])) as ProjectView['counts'];
  for (const c of containers) counts[c.state] += 1;
  return { containers, counts };
}

/** A container's name without its project's prefix ("shop-web-1" in shop: "web-1"). */
export function shortName(name: string, project: string): string {
  for (const separator of ['-', '_'])
    if (name.startsWith(project + separator) && name.length > project.length + 1)
      return name.slice(project.length + 1);
  return name;
}
