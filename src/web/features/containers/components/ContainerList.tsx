/**
 * The virtual table: group headers and container rows in one list, only those on screen in
 * the page, each measured so a row with an outcome line can grow.
 */
import type { Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useState } from 'react';
import type { Role } from '../../../../shared/auth.js';
import type { Confirmation } from '../../../components/ConfirmDialog.js';
import { useVirtualTable, VirtualTable, type Column } from '../../../components/VirtualTable.js';
import table from '../../../components/table.module.css';
import { useNow } from '../../../lib/use-now.js';
import type { ViewOptionsState } from '../hooks/use-view-options.js';
import { useVisibleStats } from '../hooks/use-visible-stats.js';
import type { Row, SortKey } from '../lib/view.js';
import { ContainerRow } from './ContainerRow.js';
import { GroupHeader } from './GroupHeader.js';
import styles from './containers.module.css';

const COLUMNS: Array<Column<SortKey>> = [
  { label: 'Name', sortKey: 'name' },
  { label: 'State', sortKey: 'state', className: styles.stateHead },
  { label: 'Image', sortKey: 'image', className: table.wideOnly },
  { label: 'Ports', className: table.wideOnly },
  { label: 'CPU', className: `${table.wideOnly} ${styles.figureHead}` },
  { label: 'Memory', className: `${table.wideOnly} ${styles.figureHead}` },
  { label: 'Actions', labelHidden: true, className: styles.actionsHead },
];

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => matchMedia(query).matches);
  useEffect(() => {
    const list = matchMedia(query);
    const change = () => setMatches(list.matches);
    list.addEventListener('change', change);
    return () => list.removeEventListener('change', change);
  }, [query]);
  return matches;
}

export function ContainerList({
  rows,
  view,
  role,
  confirm,
}: {
  rows: readonly Row[];
  view: ViewOptionsState;
  role: Role;
  confirm: (request: Confirmation) => void;
}) {
  const now = useNow(15_000);
  const narrow = useMediaQuery('(max-width: 720px)');
  const state = useVirtualTable({
    rows,
    rowKey: (row) => (row.kind === 'group' ? `group:${row.group.key}` : row.container.id),
    estimateSize: (row) => (row.kind === 'group' ? 40 : narrow ? 52 : 44),
  });
  // Narrow screens have no CPU and memory columns: no stream for them.
  useVisibleStats(narrow ? '' : runningOnScreen(rows, state.virtualizer));

  return (
    <VirtualTable
      state={state}
      label="Containers"
      columns={COLUMNS}
      sorting={view}
      rowClass={`${table.row} ${styles.columns}`}
      renderRow={(row, place) =>
        row.kind === 'group' ? (
          <GroupHeader
            place={place}
            group={row.group}
            collapsed={row.collapsed}
            onToggle={() => view.toggleGroup(row.group.key)}
            role={role}
            confirm={confirm}
          />
        ) : (
          <ContainerRow
            place={place}
            container={row.container}
            role={role}
            now={now}
            confirm={confirm}
          />
        )
      }
    />
  );
}

/** The running containers in view (not the overscan), as one string: it changes when they do. */
function runningOnScreen(rows: readonly Row[], virtualizer: Virtualizer<HTMLDivElement, Element>) {
  const range = virtualizer.range;
  if (range === null) return '';
  const ids: string[] = [];
  for (const row of rows.slice(range.startIndex, range.endIndex + 1))
    if (row.kind === 'container' && row.container.state === 'running') ids.push(row.container.id);
  return ids.join(' ');
}
