/** A compose project's header row: collapse, name, counts by state, bulk actions. */
import { memo } from 'react';
import { Link } from 'wouter';
import { allows, type Role } from '../../../../shared/auth.js';
import {
  CONTAINER_STATES,
  PROJECT_ACTIONS,
  type ProjectAction,
} from '../../../../shared/containers.js';
import type { Confirmation } from '../../../components/ConfirmDialog.js';
import { StateDot } from '../../../components/ContainerState.js';
import { Icon } from '../../../components/Icon.js';
import { OutcomeLine } from '../../../components/OutcomeLine.js';
import { placeProps, type Place } from '../../../components/VirtualTable.js';
import table from '../../../components/table.module.css';
import { projectKey, runProjectAction } from '../../../lib/run-action.js';
import { PROJECT_ACTION_LABELS } from '../../../lib/container-actions.js';
import type { Group } from '../lib/view.js';
import styles from './containers.module.css';

export const GroupHeader = memo(function GroupHeader({
  place,
  group,
  collapsed,
  onToggle,
  role,
  confirm,
}: {
  place: Place;
  group: Group;
  collapsed: boolean;
  onToggle: () => void;
  role: Role;
  confirm: (request: Confirmation) => void;
}) {
  const title = group.project ?? 'Standalone containers';
  const project = group.project;
  const bulk = project !== null && allows(role, 'operator');
  const run = (action: ProjectAction) => {
    if (action === 'start') return void runProjectAction(project!, action);
    confirm({
      title: `${PROJECT_ACTION_LABELS[action]} of ${project}?`,
      body: `${action === 'stop' ? 'Stops' : 'Restarts'} all ${group.total} containers of the compose project ${project}, one by one. Each result is reported here.`,
      confirm: PROJECT_ACTION_LABELS[action],
      onConfirm: () => void runProjectAction(project!, action),
    });
  };
  return (
    <div role="row" className={`${table.virtual} ${styles.groupRow}`} {...placeProps(place)}>
      <div role="cell" className={styles.groupCell}>
        <button
          type="button"
          className={styles.groupToggle}
          aria-expanded={!collapsed}
          onClick={onToggle}
        >
          <Icon name="chevron" className={styles.chevron} />
          <span className={styles.groupName}>{title}</span>
        </button>
        <span className={styles.groupCounts}>
          {CONTAINER_STATES.filter((state) => group.counts[state] > 0).map((state) => (
            <span key={state} className={styles.groupCount}>
              <StateDot state={state} />
              {group.counts[state]} {state}
            </span>
          ))}
          {group.containers.length < group.total && (
            <span className={styles.groupCount}>
              ({group.containers.length} of {group.total} shown)
            </span>
          )}
        </span>
        {project !== null && (
          <Link
            href={`/projects/${encodeURIComponent(project)}`}
            className="button small"
            aria-label={`Project page of ${project}`}
          >
            Project page
          </Link>
        )}
        {bulk && (
          <span className={styles.bulk}>
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
        )}
        {project !== null && <OutcomeLine outcomeKey={projectKey(project)} compact />}
      </div>
    </div>
  );
});
