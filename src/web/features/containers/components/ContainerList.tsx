/**
 * The virtual table: group headers and container rows in one list, only those on screen in
 * the page (TanStack Virtual), each measured so a row with an outcome line can grow.
 */
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { Role } from '../../../../shared/auth.js';
import type { Confirmation } from '../../../components/ConfirmDialog.js';
import type { ViewOptionsState } from '../hooks/use-view-options.js';
import { useVisibleStats } from '../hooks/use-visible-stats.js';
import type { Row, SortKey } from '../lib/view.js';
import { ContainerRow } from './ContainerRow.js';
import { GroupHeader } from './GroupHeader.js';
import styles from './containers.module.css';

const COLUMNS: Array<{ key: SortKey | null; label: string; className?: string }> = [
  { key: 'name', label: 'Name' },
  { key: 'state', label: 'State', className: styles.stateHead },
  { key: 'image', label: 'Image', className: styles.wideOnly },
  { key: null, label: 'Ports', className: styles.wideOnly },
  { key: null, label: 'CPU', className: `${styles.wideOnly} ${styles.figureHead}` },
  { key: null, label: 'Memory', className: `${styles.wideOnly} ${styles.figureHead}` },
  { key: null, label: 'Actions', className: styles.actionsHead },
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

/** The current time, every `everyMs`: uptimes tick without a render per second. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
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
  const scroller = useRef<HTMLDivElement>(null);
  const now = useNow(15_000);
  const narrow = useMediaQuery('(max-width: 720px)');
  // No React Compiler here: the virtualizer re-renders this list itself when it scrolls.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (rows[index]!.kind === 'group' ? 40 : narrow ? 52 : 44),
    getItemKey: (index) => {
      const row = rows[index]!;
      return row.kind === 'group' ? `group:${row.group.key}` : row.container.id;
    },
    overscan: 12,
  });
  // Read the items first: that is what brings the virtualizer's range up to the scroll.
  const items = virtualizer.getVirtualItems();
  // Narrow screens have no CPU and memory columns: no stream for them.
  useVisibleStats(narrow ? '' : runningOnScreen(rows, virtualizer));

  return (
    <div ref={scroller} className={styles.scroller}>
      <div
        role="table"
        aria-label="Containers"
        aria-rowcount={rows.length + 1}
        className={styles.table}
      >
        <div role="rowgroup" className={styles.head}>
          <div role="row" aria-rowindex={1} className={`${styles.row} ${styles.headRow}`}>
            {COLUMNS.map((column) => {
              const sorted = column.key !== null && view.sort.key === column.key;
              return (
                <div
                  key={column.label}
                  role="columnheader"
                  className={column.className}
                  aria-sort={
                    sorted ? (view.sort.descending ? 'descending' : 'ascending') : undefined
                  }
                >
                  {column.key === null ? (
                    <span className={column.label === 'Actions' ? 'visually-hidden' : undefined}>
                      {column.label}
                    </span>
                  ) : (
                    <button
                      type="button"
                      className={styles.sortButton}
                      onClick={() => view.sortBy(column.key!)}
                    >
                      {column.label}
                      <span aria-hidden="true" className={styles.sortMark}>
                        {sorted ? (view.sort.descending ? '↓' : '↑') : ''}
                      </span>
                    </button>
                  )}
                </div>
              );
            })}
          </div>
        </div>
        <div role="rowgroup" className={styles.body} style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index]!;
            const place = {
              ref: virtualizer.measureElement,
              index: item.index,
              start: item.start,
            };
            return row.kind === 'group' ? (
              <GroupHeader
                key={item.key}
                place={place}
                group={row.group}
                collapsed={row.collapsed}
                onToggle={() => view.toggleGroup(row.group.key)}
                role={role}
                confirm={confirm}
              />
            ) : (
              <ContainerRow
                key={item.key}
                place={place}
                container={row.container}
                role={role}
                now={now}
                confirm={confirm}
              />
            );
          })}
        </div>
      </div>
    </div>
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
