/** One container: state, name, image, ports, its actions, and the outcome of the last one. */
import { memo } from 'react';
import { Link } from 'wouter';
import type { Role } from '../../../../shared/auth.js';
import type { Container } from '../../../../shared/containers.js';
import type { Confirmation } from '../../../components/ConfirmDialog.js';
import { StateDot, StateText } from '../../../components/ContainerState.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { OutcomeLine } from '../../../components/OutcomeLine.js';
import { useContainerActions } from '../../../components/use-container-actions.js';
import { placeProps, type Place } from '../../../components/VirtualTable.js';
import table from '../../../components/table.module.css';
import { RowActions } from './RowActions.js';
import { StatsCells } from './StatsCells.js';
import styles from './containers.module.css';

export const ContainerRow = memo(function ContainerRow({
  place,
  container,
  role,
  now,
  confirm,
}: {
  place: Place;
  container: Container;
  role: Role;
  now: number;
  confirm: (request: Confirmation) => void;
}) {
  const { allowed, run, outcome, busy } = useContainerActions(container, role, confirm);

  return (
    <div
      role="row"
      className={`${table.virtual} ${table.row} ${styles.columns}`}
      data-state={container.state}
      aria-busy={busy}
      {...placeProps(place)}
    >
      <div role="cell" className={styles.nameCell}>
        <StateDot state={container.state} />
        <Link
          href={`/containers/${encodeURIComponent(container.name)}`}
          className={styles.name}
          title={`Open ${container.name}`}
        >
          {container.name}
        </Link>
        {container.service && <span className={styles.service}>{container.service}</span>}
        <CopyButton
          value={container.name}
          label={`Copy the name ${container.name}`}
          className={`${table.copy} ${styles.copyName}`}
        />
      </div>
      <div role="cell" className={styles.stateCell}>
        <StateText container={container} now={now} />
      </div>
      <div role="cell" className={`${styles.image} ${table.wideOnly}`} title={container.image}>
        {container.image}
      </div>
      <div role="cell" className={`${styles.ports} ${table.wideOnly}`}>
        <Ports ports={container.ports} />
      </div>
      <StatsCells id={container.id} running={container.state === 'running'} />
      <div role="cell" className={`${table.actions} ${styles.actions}`}>
        <RowActions name={container.name} actions={allowed} busy={busy} onAction={run} />
      </div>
      {outcome && (
        <div role="cell" className={table.outcomeCell}>
          <OutcomeLine outcomeKey={container.name} />
        </div>
      )}
    </div>
  );
});

/** "18080->80/tcp, 53->53/udp": TCP ports as links to this host. */
function Ports({ ports }: { ports: string }) {
  if (ports === '') return <span className={table.muted}>–</span>;
  return (
    <>
      {ports.split(', ').map((port, index) => {
        const [published, target] = port.split('->');
        const tcp = target?.endsWith('/tcp');
        return (
          <span key={port}>
            {index > 0 && ' '}
            {tcp ? (
              <a
                href={`${location.protocol}//${location.hostname}:${published}`}
                target="_blank"
                rel="noreferrer"
                title={`Open port ${published}`}
              >
                {published}
              </a>
            ) : (
              published
            )}
            <span className={table.muted}>→{target}</span>
          </span>
        );
      })}
    </>
  );
}
