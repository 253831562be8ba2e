/** A container's state in words, and the list after a socket event: pure, for every page. */
import type { Container } from '../../shared/containers.js';
import { shortDuration } from './format.js';

/** The list after a socket event: a container added, replaced, or (state "deleted") removed. */
export function applyChange(
  list: readonly Container[] | undefined,
  change: Container | (Omit<Container, 'state'> & { state: 'deleted' }),
): Container[] | undefined {
  if (list === undefined) return undefined;
  const index = list.findIndex((c) => c.id === change.id);
  if (change.state === 'deleted') return index === -1 ? [...list] : list.toSpliced(index, 1);
  const container = change as Container;
  return index === -1 ? [...list, container] : list.with(index, container);
}

/** "up 5 min", "exited (3) · 2 h ago", "created". */
export function stateDetail(container: Container, now: number): string {
  const since = (iso: string | null) => (iso ? shortDuration(now - Date.parse(iso)) : null);
  if (container.state === 'running' || container.state === 'paused') {
    const up = since(container.started_at);
    return up ? `up ${up}` : '';
  }
  if (container.status === 'exited' || container.status === 'dead') {
    const ago = since(container.finished_at);
    const code = container.exit_code === null ? '' : ` (${container.exit_code})`;
    return `${container.status}${code}${ago ? ` · ${ago} ago` : ''}`;
  }
  return container.status;
}
