/**
 * The home page: every container, grouped by compose project (standalone last), live, with
 * filter, state chips, sorting, per-container and per-project actions.
 */
import { useDeferredValue, useMemo, useState } from 'react';
import { CONTAINER_STATES, type Container } from '../../../../shared/containers.js';
import { ConfirmDialog, type Confirmation } from '../../../components/ConfirmDialog.js';
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
        <div className={table.empty} role="alert">
          <h2>The containers could not be loaded</h2>
          <p>{containers.error.message}</p>
        </div>
      ) : containers.isPending ? (
        <div className={table.empty} aria-busy="true">
          Loading containers…
        </div>
      ) : containers.data.length === 0 ? (
        <div className={table.empty}>
          <h2>No containers on this engine yet</h2>
          <p>
            Start one, and it shows up here at once: <code>docker run -d --name web nginx</code>
          </p>
        </div>
      ) : rows.length === 0 ? (
        <div className={table.empty}>
          <h2>No container matches</h2>
          <p>
            Nothing matches the filter
            {view.text ? ` "${view.text}"` : ''}
            {view.states.length > 0 ? ` in state ${view.states.join(' or ')}` : ''}.{' '}
            <button
              type="button"
              className="button small"
              onClick={() => {
                view.setText('');
                view.clearStates();
              }}
            >
              Clear the filter
            </button>
          </p>
        </div>
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
