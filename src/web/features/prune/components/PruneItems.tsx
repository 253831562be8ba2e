/**
 * The preview's items (what, why, size, age) and the confirm's report (what became of each),
 * as virtual tables: a prune can list thousands of items, and only those on screen are in the
 * page, each row measured so a long reason can wrap.
 */
import { useState, type ReactNode } from 'react';
import type { PruneItem, PruneItemResult } from '../../../../shared/prune.js';
import {
  placeProps,
  useVirtualTable,
  VirtualTable,
  type Column,
} from '../../../components/VirtualTable.js';
import table from '../../../components/table.module.css';
import { formatBytes } from '../../../lib/bytes.js';
import { shortDuration } from '../../../lib/format.js';
import styles from './prune.module.css';

const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

/** Volumes are named by their id: only the others have an id worth showing beside the name. */
const showsId = (item: { type: string; id: string; name: string }) =>
  item.type !== 'volume' && !item.name.startsWith(shortId(item.id));

/** The table of a prune's items: each row's cells, and a data- attribute for its outcome. */
function ItemTable<T>({
  label,
  columns,
  items,
  rowKey,
  rowData,
  cells,
  gridClass,
}: {
  label: string;
  columns: readonly Column[];
  items: readonly T[];
  rowKey: (item: T) => string;
  /** A data- attribute for the row (the outcome), for styles and tests. */
  rowData?: (item: T) => string;
  cells: (item: T) => ReactNode;
  gridClass: string | undefined;
}) {
  const state = useVirtualTable({ rows: items, rowKey, estimateSize: () => 36, overscan: 10 });
  const rowClass = `${styles.tableRow} ${gridClass}`;
  return (
    <VirtualTable
      state={state}
      label={label}
      columns={columns}
      rowClass={rowClass}
      classes={TABLE_CLASSES}
      renderRow={(item, place) => (
        <div
          role="row"
          data-outcome={rowData?.(item)}
          className={`${rowClass} ${table.virtual}`}
          {...placeProps(place)}
        >
          {cells(item)}
        </div>
      )}
    />
  );
}

const TABLE_CLASSES = {
  scroller: styles.tableWrap,
  head: styles.tableHead,
  body: table.body,
};

function What({ item }: { item: { type: string; id: string; name: string; tags?: string[] } }) {
  const name = item.tags && item.tags.length > 0 ? item.tags.join(', ') : item.name;
  return (
    <div role="cell" className={styles.what}>
      <span className={styles.type}>{item.type}</span> <span className={styles.name}>{name}</span>
      {showsId(item) && <code className={styles.muted}> {shortId(item.id)}</code>}
    </div>
  );
}

function Size({ bytes }: { bytes: number | null }) {
  return (
    <div role="cell" className={styles.numeric}>
      {bytes === null ? <span className={styles.muted}>–</span> : formatBytes(bytes)}
    </div>
  );
}

function When({ item, now }: { item: PruneItem; now: number }) {
  const at = item.finished_at ?? item.created;
  if (at === null) return <span className={styles.muted}>–</span>;
  const code = item.exit_code === null ? '' : ` (${item.exit_code})`;
  const words = item.finished_at ? `exited${code}` : 'created';
  return (
    <time dateTime={at} title={new Date(at).toLocaleString()}>
      {words} {shortDuration(now - Date.parse(at))} ago
    </time>
  );
}

const PREVIEW_COLUMNS: Column[] = [
  { label: 'Item' },
  { label: 'Why' },
  { label: 'Size', className: styles.numeric },
  { label: 'When', className: styles.wideOnly },
];

const RESULT_COLUMNS: Column[] = [
  { label: 'Item' },
  { label: 'Outcome' },
  { label: 'Size', className: styles.numeric },
];

const keyOf = (item: { type: string; id: string }) => `${item.type}/${item.id}`;

export function PruneItems({ items }: { items: readonly PruneItem[] }) {
  // The time the preview was shown: ages as of then.
  const [now] = useState(Date.now);
  return (
    <ItemTable
      label="Would be removed"
      columns={PREVIEW_COLUMNS}
      items={items}
      rowKey={keyOf}
      gridClass={styles.previewGrid}
      cells={(item) => (
        <>
          <What item={item} />
          <div role="cell">
            <span className={styles.reason} data-reason={item.reason}>
              {item.reason}
            </span>{' '}
            <span className={styles.why}>{item.why}</span>
          </div>
          <Size bytes={item.size_bytes} />
          <div role="cell" className={styles.wideOnly}>
            <When item={item} now={now} />
          </div>
        </>
      )}
    />
  );
}

export function ResultItems({ results }: { results: readonly PruneItemResult[] }) {
  return (
    <ItemTable
      label="What became of each item"
      columns={RESULT_COLUMNS}
      items={results}
      rowKey={keyOf}
      rowData={(result) => result.outcome}
      gridClass={styles.resultGrid}
      cells={(result) => (
        <>
          <What item={result} />
          <div role="cell">
            <span className={styles.outcome} data-outcome={result.outcome}>
              {result.outcome}
            </span>
            {result.message && <span className={styles.why}> {result.message}</span>}
          </div>
          <Size bytes={result.size_bytes} />
        </>
      )}
    />
  );
}
