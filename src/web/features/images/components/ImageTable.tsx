/**
 * The virtual image table: only the rows on screen are in the page (TanStack Virtual), each
 * measured, so a row with several tags or an error line can grow.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState } from 'react';
import type { Image } from '../../../../shared/containers.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { Icon } from '../../../components/Icon.js';
import { formatBytes } from '../../../lib/bytes.js';
import { shortDuration } from '../../../lib/format.js';
import type { ViewOptionsState } from '../hooks/use-view-options.js';
import { useOutcome } from '../hooks/outcomes.js';
import { imageName, shortId, type ImageRow as Row, type SortKey } from '../lib/view.js';
import { OutcomeLine } from './OutcomeLine.js';
import styles from './images.module.css';

const COLUMNS: Array<{ key: SortKey | null; label: string; className?: string }> = [
  { key: 'tag', label: 'Tags' },
  { key: null, label: 'ID', className: styles.wideOnly },
  { key: 'size', label: 'Size', className: styles.numeric },
  { key: 'created', label: 'Created', className: styles.wideOnly },
  { key: 'containers', label: 'Containers', className: styles.numeric },
];

/** The current time, every `everyMs`: ages tick without a render per second. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function ImageTable({
  rows,
  view,
  onDelete,
}: {
  rows: readonly Row[];
  view: ViewOptionsState;
  /** Only for roles that may delete. */
  onDelete: ((image: Image) => void) | undefined;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const now = useNow(60_000);
  // No React Compiler here: the virtualizer re-renders this list itself when it scrolls.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 48,
    getItemKey: (index) => rows[index]!.image.id,
    overscan: 12,
  });
  const columns = onDelete ? [...COLUMNS, { key: null, label: 'Actions' }] : COLUMNS;
  const rowClass = `${styles.row} ${onDelete ? styles.withActions : ''}`;

  return (
    <div ref={scroller} className={styles.scroller}>
      <div
        role="table"
        aria-label="Images"
        aria-rowcount={rows.length + 1}
        className={styles.table}
      >
        <div role="rowgroup" className={styles.head}>
          <div role="row" aria-rowindex={1} className={`${rowClass} ${styles.headRow}`}>
            {columns.map((column) => {
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
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            return (
              <ImageRow
                key={item.key}
                className={rowClass}
                measure={virtualizer.measureElement}
                index={item.index}
                start={item.start}
                row={row}
                now={now}
                onDelete={onDelete}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

const ImageRow = memo(function ImageRow({
  className,
  measure,
  index,
  start,
  row: { image, usage },
  now,
  onDelete,
}: {
  className: string;
  measure: (element: HTMLElement | null) => void;
  index: number;
  start: number;
  row: Row;
  now: number;
  onDelete: ((image: Image) => void) | undefined;
}) {
  const outcome = useOutcome(image.id);
  const name = imageName(image);
  const id = shortId(image.id);
  const created = new Date(image.created);
  return (
    <div
      role="row"
      ref={measure}
      data-index={index}
      aria-rowindex={index + 2}
      aria-busy={outcome?.state === 'pending'}
      className={`${styles.virtual} ${className}`}
      style={{ transform: `translateY(${start}px)` }}
    >
      <div role="cell" className={styles.tags}>
        {image.dangling ? (
          <span className={styles.dangling} title="No tag: docker image prune removes it">
            dangling
          </span>
        ) : (
          image.tags.map((tag) => (
            <span key={tag} className={styles.tag} title={tag}>
              {tag}
            </span>
          ))
        )}
        {/* At 390 px the id column folds away: it follows the tags. */}
        <span className={`${styles.narrowOnly} ${styles.muted} mono`}>{id}</span>
      </div>
      <div role="cell" className={`${styles.id} ${styles.wideOnly}`}>
        <code title={image.id}>{id}</code>
        <CopyButton value={image.id} label={`Copy the id of ${name}`} className={styles.copy} />
      </div>
      <div role="cell" className={styles.numeric}>
        {formatBytes(image.size_bytes)}
      </div>
      <div role="cell" className={styles.wideOnly}>
        <time dateTime={image.created} title={created.toLocaleString()}>
          {shortDuration(now - created.getTime())} ago
        </time>
      </div>
      <div role="cell" className={styles.numeric}>
        {usage.total === 0 ? (
          <span className={styles.muted}>none</span>
        ) : (
          <span title={usage.users.map((user) => user.name).join(', ') || undefined}>
            {usage.running} running of {usage.total}
          </span>
        )}
      </div>
      {onDelete && (
        <div role="cell" className={styles.actions}>
          <button
            type="button"
            className="icon-button danger"
            aria-label={`Delete ${name}`}
            title="Delete…"
            disabled={outcome?.state === 'pending'}
            onClick={() => onDelete(image)}
          >
            <Icon name="delete" />
          </button>
        </div>
      )}
      {outcome && (
        <div role="cell" className={styles.outcomeCell}>
          <OutcomeLine outcomeKey={image.id} />
        </div>
      )}
    </div>
  );
});
