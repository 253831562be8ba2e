/**
 * The home page: every container, grouped by compose project (standalone last), live, with
 * filter, state chips, sorting, per-container and per-project actions.
 */
import { useDeferredValue, useMemo, useState } from 'react';
import { CONTAINER_STATES, type Container } from '../../../../shared/containers.js';
import { ConfirmDialog, type Confirmation } from '../../../components/ConfirmDialog.js';
import { EmptyState, NoMatch } from '../../../components/EmptyState.js';
import table from '../../../components/table.module.css';
import { useSession } from '../../../lib/session.js';
import { useContainers } from '../../../lib/containers.js';
import { useViewOptions } from '../hooks/use-view-options.js';
import { buildGroups, flatten } from '../lib/view.js';
import { ContainerList } from './ContainerList.js';
import { Toolbar } from './Toolbar.js';

export function ContainersPage() {
  const containers = useContainers();
  const session = useSession();
  const view = useViewOptions();
  // Typing stays responsive with thousands of rows: the list follows a moment later.
  const text = useDeferredValue(view.text);
  const groups = useMemo(
    () => buildGroups(containers.data ?? [], { text, states: view.states, sort: view.sort }),
    [containers.data, text, view.states, view.sort],
  );
  const rows = useMemo(() => flatten(groups, view.collapsed), [groups, view.collapsed]);
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const counts = useMemo(() => countStates(containers.data ?? []), [containers.data]);

  return (
    <section className={table.page} aria-labelledby="containers-title">
      <header className={table.header}>
        <h1 id="containers-title">Containers</h1>
        {containers.data && (
          <p className={table.summary} aria-live="polite">
            {containers.data.length} total
            {CONTAINER_STATES.filter((state) => counts[state] > 0).map((state) => (
              <span key={state}>
                {' · '}
                {counts[state]} {state}
              </span>
            ))}
          </p>
        )}
      </header>
      <Toolbar view={view} counts={counts} groups={groups} />
      {containers.isError ? (
        <EmptyState title="The containers could not be loaded" role="alert">
          <p>{containers.error.message}</p>
        </EmptyState>
      ) : containers.isPending ? (
        <EmptyState busy>Loading containers…</EmptyState>
      ) : containers.data.length === 0 ? (
        <EmptyState title="No containers on this engine yet">
          <p>
            Start one, and it shows up here at once: <code>docker run -d --name web nginx</code>
          </p>
        </EmptyState>
      ) : rows.length === 0 ? (
        <NoMatch
          what="container"
          text={view.text}
          narrowedTo={view.states.length > 0 ? ` in state ${view.states.join(' or ')}` : ''}
          onClear={() => {
            view.setText('');
            view.clearStates();
          }}
        />
      ) : (
        <ContainerList
          rows={rows}
          view={view}
          role={session?.role ?? 'viewer'}
          confirm={setConfirmation}
        />
      )}
      <ConfirmDialog request={confirmation} onClose={() => setConfirmation(null)} />
    </section>
  );
}

function countStates(containers: readonly Container[]) {
  const counts = { running: 0, paused: 0, restarting: 0, stopped: 0 };
  for (const container of containers) counts[container.state] += 1;
  return counts;
}
