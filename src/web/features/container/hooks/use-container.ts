/**
 * The container a page is about, from the live list (so its state changes as it does), found by
 * name, id or id prefix; and whether it went away while the page was open.
 */
import { useState } from 'react';
import type { Container } from '../../../../shared/containers.js';
import { useContainers } from '../../../lib/containers.js';

export type ContainerLookup =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'found'; container: Container }
  /** Not on this engine; `deleted` when it was while the page was open. */
  | { status: 'missing'; deleted: boolean };

export function findContainer(list: readonly Container[], ref: string): Container | undefined {
  return (
    list.find((c) => c.name === ref || c.id === ref) ??
    (ref.length >= 4 ? list.find((c) => c.id.startsWith(ref)) : undefined)
  );
}

export function useContainer(ref: string): ContainerLookup {
  const containers = useContainers();
  const container = containers.data ? findContainer(containers.data, ref) : undefined;
  // The last ref this page found: missing after that means deleted while it was open.
  const [found, setFound] = useState<string | null>(null);
  if (container && found !== ref) setFound(ref);

  if (containers.isError) return { status: 'error', message: containers.error.message };
  if (!containers.data) return { status: 'loading' };
  if (container) return { status: 'found', container };
  return { status: 'missing', deleted: found === ref };
}
