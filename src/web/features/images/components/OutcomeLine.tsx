/** A delete's progress, result or error, with its request id, until dismissed. */
import { CopyButton } from '../../../components/CopyButton.js';
import { Icon } from '../../../components/Icon.js';
import { clockTime } from '../../../lib/format.js';
import { setOutcome, useOutcome } from '../hooks/outcomes.js';
import styles from './images.module.css';

export function OutcomeLine({ outcomeKey }: { outcomeKey: string }) {
  const outcome = useOutcome(outcomeKey);
  if (outcome === undefined) return null;
  return (
    <div
      className={styles.outcome}
      data-outcome={outcome.state}
      role={outcome.state === 'error' ? 'alert' : 'status'}
    >
      {outcome.state === 'pending' ? (
        <span className={styles.spinner} aria-hidden="true" />
      ) : (
        <Icon name={outcome.state === 'success' ? 'check' : 'alert'} size={14} />
      )}
      <span className={styles.outcomeMessage}>{outcome.message}</span>
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
          onClick={() => setOutcome(outcomeKey, undefined)}
        >
          <Icon name="close" size={14} />
        </button>
      )}
    </div>
  );
}
