/**
 * The tabs of a container's page and their addresses: /containers/<name> for the overview,
 * /containers/<name>/logs and /containers/<name>/terminal. A name or an id works in each; the
 * links use the name, which is how people share them. Pure, and small: the app's routes import
 * it without loading the container page.
 */
export const CONTAINER_TABS = ['overview', 'logs', 'terminal'] as const;

export type ContainerTab = (typeof CONTAINER_TABS)[number];

export function isContainerTab(value: string): value is ContainerTab {
  return (CONTAINER_TABS as readonly string[]).includes(value);
}

/** The page's path for a container and tab. */
export function containerPath(ref: string, tab: ContainerTab = 'overview'): string {
  const base = `/containers/${encodeURIComponent(ref)}`;
  return tab === 'overview' ? base : `${base}/${tab}`;
}
