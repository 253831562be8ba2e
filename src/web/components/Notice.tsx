/**
 * What an admin's change left behind, kept until dismissed: an error with its request id, a
 * result, or a secret shown this once (a generated password, a new token) with a copy button.
 */
import { CopyButton } from './CopyButton.js';
import { Icon } from './Icon.js';
import { ApiFailure } from '../lib/api.js';
import styles from './panel.module.css';

export type Notice =
  | { kind: 'error'; message: string; requestId: string | null }
  | { kind: 'done'; message: string }
  | { kind: 'secret'; message: string; label: string; secret: string };

export function errorNotice(err: unknown): Notice {
  return {
    kind: 'error',
    message: (err as Error).message,
    requestId: err instanceof ApiFailure ? err.requestId : null,
  };
}

export function NoticeLine({
  notice,
  onDismiss,
}: {
  notice: Notice | null;
  onDismiss: () => void;
}) {
  if (notice === null) return null;
  return (
    <div
      className={styles.notice}
      data-kind={notice.kind}
      role={notice.kind === 'error' ? 'alert' : 'status'}
    >
      <Icon name={notice.kind === 'error' ? 'alert' : 'check'} size={16} />
      <div className={styles.noticeText}>
        <p>{notice.message}</p>
        {notice.kind === 'secret' && (
          <p className={styles.secret}>
            <code aria-label={notice.label}>{notice.secret}</code>
            <CopyButton value={notice.secret} label={`Copy the ${notice.label.toLowerCase()}`} />
          </p>
        )}
        {notice.kind === 'error' && notice.requestId && (
          <p className={styles.meta}>
            request <code>{notice.requestId}</code>
            <CopyButton value={notice.requestId} label="Copy the request id" />
          </p>
        )}
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label="Dismiss"
        title="Dismiss"
        onClick={onDismiss}
      >
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}
