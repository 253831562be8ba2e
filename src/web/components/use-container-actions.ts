/**
 * The actions a user may run on a container now, and running one: the destructive ones are
 * confirmed first. The list's rows and the container's header share it, so progress and
 * results show in both places.
 */
import { allows, type Role } from '../../shared/auth.js';
import {
  CONTAINER_ACTION_ROLES,
  type Container,
  type ContainerAction,
} from '../../shared/containers.js';
import { ACTION_LABELS, actionsFor, consequence, DESTRUCTIVE } from '../lib/container-actions.js';
import { useOutcome } from '../lib/outcomes.js';
import { runContainerAction } from '../lib/run-action.js';
import type { Confirmation } from './ConfirmDialog.js';

export function useContainerActions(
  container: Container,
  role: Role,
  confirm: (request: Confirmation) => void,
) {
  const outcome = useOutcome(container.name);
  const allowed = actionsFor(container).filter((action) =>
    allows(role, CONTAINER_ACTION_ROLES[action]),
  );
  const run = (action: ContainerAction) => {
    if (!DESTRUCTIVE.has(action)) return void runContainerAction(container, action);
    const { verb } = ACTION_LABELS[action];
    confirm({
      title: `${verb} ${container.name}?`,
      body: consequence(container, action),
      confirm: `${verb} ${container.name}`,
      onConfirm: () => void runContainerAction(container, action),
    });
  };
  return { allowed, run, outcome, busy: outcome?.state === 'pending' };
}
