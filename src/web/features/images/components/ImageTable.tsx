/**
 * The virtual image table: only the rows on screen are in the page, each measured, so a row
 * with several tags or an error line can grow.
 */
import { memo } from 'react';
import type { Image } from '../../../../shared/containers.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { Icon } from '../../../components/Icon.js';
import { OutcomeLine } from '../../../components/OutcomeLine.js';
import {
  placeProps,
  useVirtualTable,
  VirtualTable,
  type Column,
  type Place,
} from '../../../components/VirtualTable.js';
import table from '../../../components/table.module.css';
import { formatBytes } from '../../../lib/bytes.js';
import { shortDuration } from '../../../lib/format.js';
import { useOutcome } from '../../../lib/outcomes.js';
import { useNow } from '../../../lib/use-now.js';
import { imageOutcomeKey } from '../api/delete-image.js';
import type { ViewOptionsState } from '../hooks/use-view-options.js';
import { imageName, shortId, type ImageRow as Row, type SortKey } from '../lib/view.js';
import styles from './images.module.css';

const COLUMNS: Array<Column<SortKey>> = [
  { label: 'Tags', sortKey: 'tag' },
  { label: 'ID', className: table.wideOnly },
  { label: 'Size', sortKey: 'size', className: styles.numeric },
  { label: 'Created', sortKey: 'created', className: table.wideOnly },
  { label: 'Containers', sortKey: 'containers', className: styles.numeric },
];
const WITH_ACTIONS: Array<Column<SortKey>> = [...COLUMNS, { label: 'Actions', labelHidden: true }];

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
  const now = useNow(60_000);
  const state = useVirtualTable({
    rows,
    rowKey: (row) => row.image.id,
    estimateSize: () => 48,
  });
  const rowClass = `${table.row} ${onDelete ? styles.columnsWithActions : styles.columns}`;
  return (
    <VirtualTable
      state={state}
      label="Images"
      columns={onDelete ? WITH_ACTIONS : COLUMNS}
      sorting={view}
      rowClass={rowClass}
      renderRow={(row, place) => (
        <ImageRow className={rowClass} place={place} row={row} now={now} onDelete={onDelete} />
      )}
    />
  );
}

const ImageRow = memo(function ImageRow({
  className,
  place,
  row: { image, usage },
  now,
  onDelete,
}: {
  className: string;
  place: Place;
  row: Row;
  now: number;
  onDelete: ((image: Image) => void) | undefined;
}) {
  const outcomeKey = imageOutcomeKey(image.id);
  const outcome = useOutcome(outcomeKey);
  const name = imageName(image);
  const id = shortId(image.id);
  const created = new Date(image.created);
  return (
    <div
      role="row"
      aria-busy={outcome?.state === 'pending'}
      className={`${table.virtual} ${className}`}
      {...placeProps(place)}
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
        <span className={`${styles.narrowOnly} ${table.muted} mono`}>{id}</span>
      </div>
      <div role="cell" className={`${styles.id} ${table.wideOnly}`}>
        <code title={image.id}>{id}</code>
        <CopyButton value={image.id} label={`Copy the id of ${name}`} className={table.copy} />
      </div>
      <div role="cell" className={styles.numeric}>
        {formatBytes(image.size_bytes)}
      </div>
      <div role="cell" className={table.wideOnly}>
        <time dateTime={image.created} title={created.toLocaleString()}>
          {shortDuration(now - created.getTime())} ago
        </time>
      </div>
      <div role="cell" className={styles.numeric}>
        {usage.total === 0 ? (
          <span className={table.muted}>none</span>
        ) : (
          <span title={usage.users.map((user) => user.name).join(', ') || undefined}>
            {usage.running} running of {usage.total}
          </span>
        )}
      </div>
      {onDelete && (
        <div role="cell" className={table.actions}>
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
        <div role="cell" className={table.outcomeCell}>
          <OutcomeLine outcomeKey={outcomeKey} wrap />
        </div>
      )}
    </div>
  );
});
