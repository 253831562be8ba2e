/**
 * The head of every page about one container: its name, live state (uptime or exit code),
 * image and id, the actions the user's role may run (the list's own action code, so progress
 * and results show in both places), and the tabs: Overview, Logs, and Terminal for admins.
 */
import { useState } from 'react';
import { Link } from 'wouter';
import type { Container } from '../../../../shared/containers.js';
import { ActionIcon } from '../../../components/ActionIcon.js';
import { ConfirmDialog, type Confirmation } from '../../../components/ConfirmDialog.js';
import { StateDot, StateText } from '../../../components/ContainerState.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { OutcomeLine } from '../../../components/OutcomeLine.js';
import { useContainerActions } from '../../../components/use-container-actions.js';
import { ACTION_LABELS, DESTRUCTIVE } from '../../../lib/container-actions.js';
import { useCan, useSession } from '../../../lib/session.js';
import { useNow } from '../../../lib/use-now.js';
import type { ContainerLookup } from '../hooks/use-container.js';
import { containerPath, type ContainerTab } from '../lib/tabs.js';
import styles from './container.module.css';

export function ContainerHeader({
  containerRef,
  lookup,
  tab,
}: {
  /** The name or id the address holds. */
  containerRef: string;
  lookup: ContainerLookup;
  tab: ContainerTab;
}) {
  const isAdmin = useCan('admin');
  // The tabs link by name once the container is known, whatever the address held.
  const linkRef = lookup.status === 'found' ? lookup.container.name : containerRef;

  return (
    <header className={styles.header}>
      <nav aria-label="Breadcrumb" className={styles.breadcrumb}>
        <Link href="/">Containers</Link>
        <span aria-hidden="true"> / </span>
      </nav>
      {lookup.status === 'found' ? (
        <Summary container={lookup.container} />
      ) : (
        <div className={styles.titleRow}>
          <h1 id="container-title" className={styles.title}>
            {containerRef}
          </h1>
          <p className={styles.lookup} role={lookup.status === 'loading' ? undefined : 'status'}>
            {lookup.status === 'loading'
              ? 'Loading…'
              : lookup.status === 'error'
                ? `The containers could not be loaded: ${lookup.message}`
                : lookup.deleted
                  ? 'This container was deleted.'
                  : 'No container of this name or id on this engine.'}{' '}
            {lookup.status !== 'loading' && <Link href="/">Back to the containers</Link>}
          </p>
        </div>
      )}
      <nav aria-label="Container pages" className={styles.tabs}>
        <TabLink containerRef={linkRef} tab="overview" current={tab} label="Overview" />
        <TabLink containerRef={linkRef} tab="logs" current={tab} label="Logs" />
        {isAdmin && (
          <TabLink containerRef={linkRef} tab="terminal" current={tab} label="Terminal" />
        )}
      </nav>
    </header>
  );
}

function TabLink({
  containerRef,
  tab,
  current,
  label,
}: {
  containerRef: string;
  tab: ContainerTab;
  current: ContainerTab;
  label: string;
}) {
  return (
    <Link
      href={containerPath(containerRef, tab)}
      className={styles.tab}
      aria-current={tab === current ? 'page' : undefined}
    >
      {label}
    </Link>
  );
}

function Summary({ container }: { container: Container }) {
  const session = useSession();
  const now = useNow(5_000);
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const { allowed, run, busy } = useContainerActions(
    container,
    session?.role ?? 'viewer',
    setConfirmation,
  );

  return (
    <>
      <div className={styles.titleRow}>
        <h1 id="container-title" className={styles.title}>
          <StateDot state={container.state} />
          <span className={styles.name}>{container.name}</span>
        </h1>
        <CopyButton value={container.name} label={`Copy the name ${container.name}`} />
        {allowed.length > 0 && (
          <div className={styles.actions} role="group" aria-label="Actions">
            {allowed.map((action) => (
              <button
                key={action}
                type="button"
                className={`button small ${action === 'delete' ? styles.dangerButton : ''}`}
                disabled={busy}
                aria-label={`${ACTION_LABELS[action].verb} ${container.name}`}
                onClick={() => run(action)}
              >
                <ActionIcon action={action} size={14} />
                {ACTION_LABELS[action].verb}
                {DESTRUCTIVE.has(action) ? '…' : ''}
              </button>
            ))}
          </div>
        )}
      </div>
      <p className={styles.facts}>
        <span className={styles.state}>
          <StateText container={container} now={now} />
        </span>
        <span className={styles.fact}>
          <span className={styles.factLabel}>image</span>
          <code title={container.image}>{container.image}</code>
          <CopyButton value={container.image} label="Copy the image name" />
        </span>
        <span className={styles.fact}>
          <span className={styles.factLabel}>id</span>
          <code title={container.id}>{container.id.slice(0, 12)}</code>
          <CopyButton value={container.id} label="Copy the container id" />
        </span>
        {container.project && (
          <span className={styles.fact}>
            <span className={styles.factLabel}>project</span>
            {container.project}
            {container.service ? ` / ${container.service}` : ''}
          </span>
        )}
      </p>
      <OutcomeLine outcomeKey={container.name} />
      <ConfirmDialog request={confirmation} onClose={() => setConfirmation(null)} />
    </>
  );
}
