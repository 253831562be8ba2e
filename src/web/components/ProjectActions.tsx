/**
 * A compose project's bulk actions (start, stop, restart), as its group in the list and its
 * page offer them: stop and restart reach every container, so they are confirmed first.
 */
import { PROJECT_ACTIONS, type ProjectAction } from '../../shared/containers.js';
import { PROJECT_ACTION_LABELS } from '../lib/container-actions.js';
import { runProjectAction } from '../lib/run-action.js';
import type { Confirmation } from './ConfirmDialog.js';

export function ProjectActions({
  project,
  containers,
  confirm,
  className,
}: {
  project: string;
  /** How many containers the project has: the confirmation says it. */
  containers: number;
  confirm: (request: Confirmation) => void;
  className?: string;
}) {
  const run = (action: ProjectAction) => {
    if (action === 'start') return void runProjectAction(project, action);
    confirm({
      title: `${PROJECT_ACTION_LABELS[action]} of ${project}?`,
      body: `${action === 'stop' ? 'Stops' : 'Restarts'} all ${containers} containers of the compose project ${project}, one by one. Each result is reported here.`,
      confirm: PROJECT_ACTION_LABELS[action],
      onConfirm: () => void runProjectAction(project, action),
    });
  };
  return (
    <span className={className}>
      {PROJECT_ACTIONS.map((action) => (
        <button
          key={action}
          type="button"
          className="button small"
          aria-label={`${PROJECT_ACTION_LABELS[action]} of ${project}`}
          onClick={() => run(action)}
        >
          {PROJECT_ACTION_LABELS[action]}
        </button>
      ))}
    </span>
  );
}
