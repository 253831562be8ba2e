/** Container and project actions, with their progress and outcome kept on the row. */
import type { Container, ContainerAction, ProjectAction } from '../../shared/containers.js';
import { ApiFailure, callForReply } from './api.js';
import { dismissOutcome, outcomeOf, track } from './outcomes.js';
import { ACTION_LABELS } from './container-actions.js';

export const projectKey = (project: string) => `project:${project}`;

export async function runContainerAction(
  container: Container,
  action: ContainerAction,
): Promise<void> {
  await track(container.name, ACTION_LABELS[action].doing, async (progress) => {
    const { data, requestId } = await callForReply('runContainerAction', {
      params: { id: container.id, action },
      // Rebuild reports each step as it goes.
      ...(action === 'rebuild' ? { onProgress: progress } : {}),
    });
    return { message: data.message, requestId };
  });
  // A deleted container's row is gone; its result must not greet a new one of the same name.
  if (action === 'delete' && outcomeOf(container.name)?.state === 'success')
    dismissOutcome(container.name);
}

export function runProjectAction(project: string, action: ProjectAction): Promise<void> {
  const doing = { start: 'Starting', stop: 'Stopping', restart: 'Restarting' }[action];
  return track(projectKey(project), `${doing} ${project}`, async (progress) => {
    const { data, requestId } = await callForReply('runProjectAction', {
      params: { name: project, action },
      onProgress: progress,
    });
    const failed = data.results.filter((r) => !r.ok);
    if (failed.length > 0) {
      const detail = failed.map((r) => `${r.name}: ${r.message}`).join('; ');
      const message = `${data.failed} of ${data.results.length} failed: ${detail}`;
      throw new ApiFailure(message, 200, 'engine_error', requestId);
    }
    return { message: `${action}: ${data.succeeded} container(s) done`, requestId };
  });
}
