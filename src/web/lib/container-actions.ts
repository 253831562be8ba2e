/** Which actions a container offers in its state, and what each says before and after. */
import type { Container, ContainerAction, ProjectAction } from '../../shared/containers.js';

const BY_STATE: Record<Container['state'], readonly ContainerAction[]> = {
  running: ['stop', 'restart', 'pause', 'kill', 'rebuild', 'delete'],
  paused: ['unpause', 'stop', 'kill', 'delete'],
  restarting: ['stop', 'kill', 'delete'],
  stopped: ['start', 'restart', 'rebuild', 'delete'],
};

/** The actions that apply to a container now, the main one first. */
export function actionsFor(container: Pick<Container, 'state'>): readonly ContainerAction[] {
  return BY_STATE[container.state];
}

export const ACTION_LABELS: Record<ContainerAction, { verb: string; doing: string; done: string }> =
  {
    start: { verb: 'Start', doing: 'Starting', done: 'Started' },
    stop: { verb: 'Stop', doing: 'Stopping', done: 'Stopped' },
    restart: { verb: 'Restart', doing: 'Restarting', done: 'Restarted' },
    kill: { verb: 'Kill', doing: 'Killing', done: 'Killed' },
    pause: { verb: 'Pause', doing: 'Pausing', done: 'Paused' },
    unpause: { verb: 'Unpause', doing: 'Unpausing', done: 'Unpaused' },
    rebuild: { verb: 'Rebuild', doing: 'Rebuilding', done: 'Rebuilt' },
    delete: { verb: 'Delete', doing: 'Deleting', done: 'Deleted' },
  };

/** Actions that lose something (a process's state, the container itself): confirmed first. */
export const DESTRUCTIVE: ReadonlySet<ContainerAction> = new Set(['kill', 'rebuild', 'delete']);

/** What a confirmation says will happen, in words. */
export function consequence(container: Container, action: ContainerAction): string {
  const running = container.state !== 'stopped';
  switch (action) {
    case 'delete':
      return running
        ? `${container.name} is ${container.state}: it will be killed, then removed. Its volumes are kept.`
        : `${container.name} will be removed. Its volumes are kept; its logs go with it.`;
    case 'kill':
      return `${container.name} gets SIGKILL at once: its processes cannot clean up.`;
    case 'rebuild':
      return `${container.name} will be re-created from ${container.image} with the same name, networks, mounts and labels${running ? '; it stops meanwhile' : ''}. Changes made inside it are lost; if the new one fails, the old one is put back.`;
    default:
      return '';
  }
}

export const PROJECT_ACTION_LABELS: Record<ProjectAction, string> = {
  start: 'Start all',
  stop: 'Stop all',
  restart: 'Restart all',
};
