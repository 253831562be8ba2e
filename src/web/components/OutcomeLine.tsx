/** The last action's progress, result or error, with its request id, until dismissed. */
import { CopyButton } from './CopyButton.js';
import { Icon } from './Icon.js';
import { clockTime } from '../lib/format.js';
import { dismissOutcome, useOutcome } from '../lib/outcomes.js';
import styles from './outcome.module.css';

export function OutcomeLine({
  outcomeKey,
  compact = false,
}: {
  outcomeKey: string;
  compact?: boolean;
}) {
  const outcome = useOutcome(outcomeKey);
  if (outcome === undefined) return null;
  return (
    <div
      className={`${styles.outcome} ${compact ? styles.outcomeCompact : ''}`}
      data-outcome={outcome.state}
      role={outcome.state === 'error' ? 'alert' : 'status'}
    >
      {outcome.state === 'pending' ? (
        <span className={styles.spinner} aria-hidden="true" />
      ) : (
        <Icon name={outcome.state === 'success' ? 'check' : 'alert'} size={14} />
      )}
      <span className={styles.outcomeMessage} title={outcome.message}>
        {outcome.message}
      </span>
      {outcome.state !== 'pending' && (
        <span className={styles.outcomeMeta}>{clockTime(new Date(outcome.at).toISOString())}</span>
      )}
      {outcome.requestId && (
        <span className={styles.outcomeMeta}>
          request <code>{outcome.requestId.slice(0, 8)}</code>
          <CopyButton value={outcome.requestId} label="Copy the request id" />
        </span>
      )}
      {outcome.state !== 'pending' && (
        <button
          type="button"
          className="icon-button"
          aria-label="Dismiss"
          title="Dismiss"
          onClick={() => dismissOutcome(outcomeKey)}
        >
          <Icon name="close" size={14} />
        </button>
      )}
    </div>
  );
}
