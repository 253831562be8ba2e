/**
 * A compose project's page, /projects/:name: its containers (live state, image, a link to each
 * container's page, the actions the role allows, the project's bulk actions) and their merged
 * logs. The row actions and the merged logs come from other features, handed in by the app's
 * routes (a feature imports no other feature).
 */
import { useMemo, useState, type ComponentType } from 'react';
import { Link } from 'wouter';
import { allows } from '../../../../shared/auth.js';
import type { Container, ContainerAction } from '../../../../shared/containers.js';
import { ConfirmDialog, type Confirmation } from '../../../components/ConfirmDialog.js';
import { StateCounts, StateDot, StateText } from '../../../components/ContainerState.js';
import { CrashBadge } from '../../../components/CrashBadge.js';
import { useContainerActions } from '../../../components/use-container-actions.js';
import { OutcomeLine } from '../../../components/OutcomeLine.js';
import { ProjectActions } from '../../../components/ProjectActions.js';
import { useContainers } from '../../../lib/containers.js';
import { projectKey } from '../../../lib/run-action.js';
import { useSession } from '../../../lib/session.js';
import { useNow } from '../../../lib/use-now.js';
import { projectView, shortName } from '../lib/project.js';
import styles from './project.module.css';

export interface RowActionsProps {
  name: string;
  actions: readonly ContainerAction[];
  busy: boolean;
  onAction: (action: ContainerAction) => void;
}

export interface MergedLogsProps {
  names: readonly string[];
  tags?: readonly string[];
  title: string;
}

export function ProjectPage({
  name,
  Actions,
  Logs,
}: {
  name: string;
  Actions: ComponentType<RowActionsProps>;
  Logs: ComponentType<MergedLogsProps>;
}) {
  const list = useContainers();
  const session = useSession();
  const role = session?.role ?? 'viewer';
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const view = useMemo(() => projectView(list.data ?? [], name), [list.data, name]);
  const names = useMemo(() => view.containers.map((c) => c.name), [view.containers]);
  // The merged logs follow the set of containers, not their states.
  const namesKey = names.join('\n');
  const stableNames = useMemo(() => namesKey.split('\n').filter(Boolean), [namesKey]);
  // "shop-web-1" says no more than "web-1" on the project's own page.
  const tags = useMemo(() => stableNames.map((n) => shortName(n, name)), [stableNames, name]);
  // The clock the uptimes are read against, moved once a minute.
  const now = useNow(60_000);

  return (
    <section className={styles.page} aria-labelledby="project-title">
      <header className={styles.header}>
        <nav aria-label="Breadcrumb" className={styles.breadcrumb}>
          <Link href={`/?q=${encodeURIComponent(name)}`}>Containers</Link>
          <span aria-hidden="true"> / </span>
        </nav>
        <div className={styles.titleRow}>
          <h1 id="project-title" className={styles.title}>
            {name}
          </h1>
          <span className={styles.kind}>compose project</span>
          <span className={styles.counts}>
            <StateCounts counts={view.counts} />
          </span>
          <CrashBadge of={{ project: name }} now={now} />
          {allows(role, 'operator') && view.containers.length > 0 && (
            <ProjectActions
              project={name}
              containers={view.containers.length}
              confirm={setConfirmation}
              className={styles.bulk}
            />
          )}
        </div>
        <OutcomeLine outcomeKey={projectKey(name)} compact />
      </header>
      {list.isPending ? (
        <p className={styles.empty}>Loading…</p>
      ) : view.containers.length === 0 ? (
        <p className={styles.empty} role="status">
          No container carries the label com.docker.compose.project={name} on this engine.{' '}
          <Link href="/">Back to the containers</Link>
        </p>
      ) : (
        <>
          <table className={styles.table}>
            <caption className="visually-hidden">Containers of {name}</caption>
            <thead>
              <tr>
                <th scope="col">Container</th>
                <th scope="col">State</th>
                <th scope="col" className={styles.wideOnly}>
                  Image
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.containers.map((container) => (
                <ContainerRow
                  key={container.id}
                  container={container}
                  now={now}
                  role={role}
                  Actions={Actions}
                  confirm={setConfirmation}
                />
              ))}
            </tbody>
          </table>
          <Logs names={stableNames} tags={tags} title={`Logs of ${name}, merged`} />
        </>
      )}
      <ConfirmDialog request={confirmation} onClose={() => setConfirmation(null)} />
    </section>
  );
}

function ContainerRow({
  container,
  now,
  role,
  Actions,
  confirm,
}: {
  container: Container;
  now: number;
  role: Parameters<typeof allows>[0];
  Actions: ComponentType<RowActionsProps>;
  confirm: (request: Confirmation) => void;
}) {
  const { allowed, run, outcome, busy } = useContainerActions(container, role, confirm);
  return (
    <>
      <tr data-state={container.state}>
        <td>
          <span className={styles.nameCell}>
            <StateDot state={container.state} />
            <Link href={`/containers/${encodeURIComponent(container.name)}`}>{container.name}</Link>
            {container.service && <span className={styles.service}>{container.service}</span>}
          </span>
        </td>
        <td>
          <StateText container={container} now={now} />
        </td>
        <td className={`${styles.image} ${styles.wideOnly}`} title={container.image}>
          {container.image}
        </td>
        <td className={styles.actions}>
          <Actions name={container.name} actions={allowed} busy={busy} onAction={run} />
        </td>
      </tr>
      {outcome && (
        <tr>
          <td colSpan={4}>
            <OutcomeLine outcomeKey={container.name} />
          </td>
        </tr>
      )}
    </>
  );
}
