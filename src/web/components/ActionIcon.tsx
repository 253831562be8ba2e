/** A container action's icon, the same in the list's rows and the container's header. */
import type { ContainerAction } from '../../shared/containers.js';
import { Icon, type IconName } from './Icon.js';

const ICONS: Record<ContainerAction, IconName> = {
  start: 'play',
  stop: 'stop',
  restart: 'restart',
  kill: 'kill',
  pause: 'pause',
  unpause: 'play',
  rebuild: 'rebuild',
  delete: 'delete',
};

export function ActionIcon({ action, size }: { action: ContainerAction; size?: number }) {
  return <Icon name={ICONS[action]} {...(size === undefined ? {} : { size })} />;
}
