/**
 * Prune with a preview: pick what to prune, see each item that would go (what, size, why) and
 * the total, then remove exactly those items and see what became of each. Admins only.
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { PruneConfirm, PrunePreview } from '../../../../shared/prune.js';
import { ConfirmDialog, type Confirmation } from '../../../components/ConfirmDialog.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { Icon } from '../../../components/Icon.js';
import { Spinner } from '../../../components/Spinner.js';
import { formatBytes } from '../../../lib/bytes.js';
import { useCan } from '../../../lib/session.js';
import { usePersistentState } from '../../../lib/storage.js';
import { clearPruneRun, confirmPrune, previewQuery, usePruneRun } from '../api/prune.js';
import { CHOICES, choiceById, countByType, type PruneChoice } from '../lib/choices.js';
import { PruneItems, ResultItems } from './PruneItems.js';
import styles from './prune.module.css';

export function PrunePage() {
  const isAdmin = useCan('admin');
  if (!isAdmin)
    return (
      <section className="empty-page">
        <h1>Prune is for admins</h1>
        <p>Removing containers, images, volumes and networks needs the admin role.</p>
      </section>
    );
  return <AdminPrunePage />;
}

function AdminPrunePage() {
  const [choiceId, setChoiceId] = usePersistentState('prune.choice', CHOICES[0]!.id, (v) =>
    CHOICES.some((choice) => choice.id === v),
  );
  const choice = choiceById(choiceId);
  const run = usePruneRun();
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const name = useId();
  const running = run?.state === 'running';

  return (
    <section className={styles.page} aria-labelledby="prune-title">
      <header className={styles.header}>
        <h1 id="prune-title">Prune</h1>
        <p className={styles.summary}>
          First a preview of each item that would go; confirming removes exactly those, nothing that
          appeared since.
        </p>
      </header>
      <fieldset className={styles.choices} disabled={running}>
        <legend className={styles.legend}>What to prune</legend>
        {CHOICES.map((option) => (
          <label key={option.id} className={styles.choice}>
            <input
              type="radio"
              name={name}
              value={option.id}
              aria-labelledby={`${name}-${option.id}`}
              aria-describedby={`${name}-${option.id}-hint`}
              checked={option.id === choice.id}
              onChange={() => {
                clearPruneRun();
                setChoiceId(option.id);
              }}
            />
            <span className={styles.choiceText}>
              <span id={`${name}-${option.id}`} className={styles.choiceLabel}>
                {option.label}
              </span>
              <span id={`${name}-${option.id}-hint`} className={styles.choiceHint}>
                {option.hint}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      {run !== null && run.choiceId === choice.id ? (
        <RunReport choice={choice} />
      ) : (
        <Preview choice={choice} confirm={setConfirmation} />
      )}
      <ConfirmDialog request={confirmation} onClose={() => setConfirmation(null)} />
    </section>
  );
}

function Preview({
  choice,
  confirm,
}: {
  choice: PruneChoice;
  confirm: (request: Confirmation) => void;
}) {
  const preview = useQuery(previewQuery(choice));
  const data: PrunePreview | undefined = preview.data?.data;
  const ask = (data: PrunePreview) => {
    const what = countByType(data.items);
    confirm({
      title: `Remove ${what}?`,
      body: `Removes exactly the ${data.items.length} item${data.items.length === 1 ? '' : 's'} listed (${formatBytes(data.total.size_bytes)}), each checked again first: one that changed since the preview (a container started, an image now used) is kept and reported as skipped. Anything that appeared since is not touched.`,
      confirm: `Remove ${what}`,
      onConfirm: () => void confirmPrune(choice, data),
    });
  };

  return (
    <div className={styles.section} aria-busy={preview.isFetching}>
      <div className={styles.sectionHead}>
        <h2>Preview: {choice.label.toLowerCase()}</h2>
        <button
          type="button"
          className="button small"
          disabled={preview.isFetching}
          onClick={() => void preview.refetch()}
        >
          <Icon name="restart" size={14} />
          {preview.isFetching ? 'Reading…' : 'Preview again'}
        </button>
      </div>
      {preview.isError ? (
        <div className={styles.error} role="alert">
          <Icon name="alert" size={14} />
          <span>The preview failed: {preview.error.message}</span>
        </div>
      ) : data === undefined ? (
        <p className={styles.muted}>Reading what the engine holds…</p>
      ) : data.items.length === 0 ? (
        <div className={styles.empty} role="status">
          <Icon name="check" size={20} />
          <h3>Nothing to prune</h3>
          <p>{choice.nothing}</p>
        </div>
      ) : (
        <>
          <p className={styles.total} role="status">
            Would remove <strong>{countByType(data.items)}</strong>, freeing{' '}
            <strong>{formatBytes(data.total.size_bytes)}</strong>
            {choice.kind !== 'containers' && ' (layers shared between images count once each)'}
          </p>
          <PruneItems items={data.items} />
          <div className={styles.actions}>
            <button type="button" className="button danger" onClick={() => ask(data)}>
              <Icon name="delete" size={14} />
              Remove {data.items.length} item{data.items.length === 1 ? '' : 's'}…
            </button>
          </div>
        </>
      )}
    </div>
  );
}

function RunReport({ choice }: { choice: PruneChoice }) {
  const run = usePruneRun();
  if (run === null) return null;
  return (
    <div className={styles.section}>
      <div className={styles.sectionHead}>
        <h2>Pruning: {choice.label.toLowerCase()}</h2>
        {run.state !== 'running' && (
          <button type="button" className="button small" onClick={clearPruneRun}>
            <Icon name="restart" size={14} />
            Preview again
          </button>
        )}
      </div>
      {run.state === 'running' ? (
        <p className={styles.progress} role="status">
          <Spinner />
          Removing: {run.step}
        </p>
      ) : run.state === 'error' ? (
        <>
          <div className={styles.error} role="alert">
            <Icon name="alert" size={14} />
            <span>The prune failed: {run.message}</span>
            {run.requestId && <RequestId id={run.requestId} />}
          </div>
          {run.partial && <Report reply={run.partial} requestIds={run.requestIds} />}
        </>
      ) : (
        <Report reply={run.reply} requestIds={run.requestIds} />
      )}
    </div>
  );
}

function Report({ reply, requestIds }: { reply: PruneConfirm; requestIds: string[] }) {
  return (
    <>
      <p
        className={`${styles.total} ${reply.failed > 0 ? styles.totalFailed : ''}`}
        role={reply.failed > 0 ? 'alert' : 'status'}
      >
        <strong>{reply.removed} removed</strong>, {reply.skipped} skipped, {reply.failed} failed;{' '}
        {formatBytes(reply.space_reclaimed)} freed
        {requestIds.map((id) => (
          <RequestId key={id} id={id} />
        ))}
      </p>
      {reply.results.length > 0 && <ResultItems results={reply.results} />}
    </>
  );
}

function RequestId({ id }: { id: string }) {
  return (
    <span className={styles.requestId}>
      request <code>{id.slice(0, 8)}</code>
      <CopyButton value={id} label="Copy the request id" />
    </span>
  );
}
