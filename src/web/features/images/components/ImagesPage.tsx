/**
 * The images of the engine: tags (dangling ones said so), short id, size, age, and the
 * containers using each (live), filtered and sorted; admins may delete, after a confirmation
 * that says what goes.
 */
import { useDeferredValue, useMemo, useState } from 'react';
import type { Image } from '../../../../shared/containers.js';
import { EmptyState, NoMatch } from '../../../components/EmptyState.js';
import { Chip, Chips, FilterToolbar } from '../../../components/FilterToolbar.js';
import { Icon } from '../../../components/Icon.js';
import { OutcomeLine } from '../../../components/OutcomeLine.js';
import table from '../../../components/table.module.css';
import { formatBytes } from '../../../lib/bytes.js';
import { clockTime } from '../../../lib/format.js';
import { useCan } from '../../../lib/session.js';
import { LAST_DELETE } from '../api/delete-image.js';
import { useImages } from '../api/get-images.js';
import { useImageUsage } from '../api/usage.js';
import { useViewOptions } from '../hooks/use-view-options.js';
import { imageRows, USES, type Usage } from '../lib/view.js';
import { DeleteImageDialog } from './DeleteImageDialog.js';
import { ImageTable } from './ImageTable.js';
import styles from './images.module.css';

export function ImagesPage() {
  const images = useImages();
  const liveUsage = useImageUsage();
  const canDelete = useCan('admin');
  const view = useViewOptions();
  const text = useDeferredValue(view.text);
  // Until the socket has sent the containers, the server's counts stand in.
  const usage = useMemo(
    () => liveUsage ?? serverUsage(images.data ?? []),
    [liveUsage, images.data],
  );
  const rows = useMemo(
    () => imageRows(images.data ?? [], usage, { text, uses: view.uses, sort: view.sort }),
    [images.data, usage, text, view.uses, view.sort],
  );
  const [deleting, setDeleting] = useState<Image | null>(null);
  const totalSize = useMemo(
    () => (images.data ?? []).reduce((sum, image) => sum + image.size_bytes, 0),
    [images.data],
  );
  const dangling = images.data?.filter((image) => image.dangling).length ?? 0;

  return (
    <section className={table.page} aria-labelledby="images-title">
      <header className={table.header}>
        <h1 id="images-title">Images</h1>
        {images.data && (
          <p className={table.summary}>
            {images.data.length} image{images.data.length === 1 ? '' : 's'} ·{' '}
            {formatBytes(totalSize)}
            {dangling > 0 && ` · ${dangling} dangling`}
          </p>
        )}
      </header>
      <FilterToolbar
        label="Filter images"
        placeholder="Filter by tag or id…"
        text={view.text}
        onText={view.setText}
      >
        <Chips label="Show images">
          {USES.map((use) => (
            <Chip key={use} pressed={view.uses.includes(use)} onToggle={() => view.toggleUse(use)}>
              {use}
            </Chip>
          ))}
        </Chips>
        <span className={styles.freshness}>
          {images.dataUpdatedAt > 0 && (
            <span className={table.muted}>
              read {clockTime(new Date(images.dataUpdatedAt).toISOString())}
            </span>
          )}
          <button
            type="button"
            className="button small"
            disabled={images.isFetching}
            onClick={() => void images.refetch()}
          >
            <Icon name="restart" size={14} />
            {images.isFetching ? 'Reading…' : 'Read again'}
          </button>
        </span>
      </FilterToolbar>
      <div className={styles.resultLine}>
        <OutcomeLine outcomeKey={LAST_DELETE} wrap />
      </div>
      {images.isError ? (
        <EmptyState title="The images could not be read" role="alert">
          <p>{images.error.message}</p>
        </EmptyState>
      ) : images.isPending ? (
        <EmptyState busy>Reading the images…</EmptyState>
      ) : images.data.length === 0 ? (
        <EmptyState title="No images on this engine">
          <p>
            Pull, build or import one and read again: <code>docker pull nginx</code>
          </p>
        </EmptyState>
      ) : rows.length === 0 ? (
        <NoMatch
          what="image"
          text={view.text}
          narrowedTo={view.uses.length > 0 ? ` among the ${view.uses.join(' or ')} images` : ''}
          onClear={() => {
            view.setText('');
            view.clearUses();
          }}
        />
      ) : (
        <ImageTable rows={rows} view={view} onDelete={canDelete ? setDeleting : undefined} />
      )}
      {canDelete && (
        <DeleteImageDialog
          image={deleting}
          usage={deleting ? (usage.get(deleting.id) ?? null) : null}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

/** The counts the server sent with the list, without names. */
function serverUsage(images: readonly Image[]): Map<string, Usage> {
  return new Map(
    images.map((image) => [
      image.id,
      { total: image.containers, running: image.running_containers, users: [] },
    ]),
  );
}
