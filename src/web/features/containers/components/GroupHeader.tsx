/** A compose project's header row: collapse, name, counts by state, bulk actions. */
import { memo } from 'react';
import { Link } from 'wouter';
import { allows, type Role } from '../../../../shared/auth.js';
import type { Confirmation } from '../../../components/ConfirmDialog.js';
import { StateCounts } from '../../../components/ContainerState.js';
import { CrashBadge } from '../../../components/CrashBadge.js';
import { Icon } from '../../../components/Icon.js';
import { OutcomeLine } from '../../../components/OutcomeLine.js';
import { ProjectActions } from '../../../components/ProjectActions.js';
import { placeProps, type Place } from '../../../components/VirtualTable.js';
import table from '../../../components/table.module.css';
import { projectKey } from '../../../lib/run-action.js';
import { useNow } from '../../../lib/use-now.js';
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
  const now = useNow(60_000);
  const title = group.project ?? 'Standalone containers';
  const project = group.project;
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
          <StateCounts counts={group.counts} />
          {project !== null && <CrashBadge of={{ project }} now={now} />}
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
        {project !== null && allows(role, 'operator') && (
          <ProjectActions
            project={project}
            containers={group.total}
            confirm={confirm}
            className={styles.bulk}
          />
        )}
        {project !== null && <OutcomeLine outcomeKey={projectKey(project)} compact />}
      </div>
    </div>
  );
});
