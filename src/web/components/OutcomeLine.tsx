/** The last action's progress, result or error, with its request id, until dismissed. */
import { CopyButton } from './CopyButton.js';
import { Icon } from './Icon.js';
import { Spinner } from './Spinner.js';
import { clockTime } from '../lib/format.js';
import { dismissOutcome, useOutcome } from '../lib/outcomes.js';
import styles from './outcome.module.css';

export function OutcomeLine({
  outcomeKey,
  compact = false,
  wrap = false,
}: {
  outcomeKey: string;
  /** In a line of other things (a group's header): it takes a line of its own. */
  compact?: boolean;
  /** The message wraps, rather than being cut short with its whole text in a tooltip. */
  wrap?: boolean;
}) {
  const outcome = useOutcome(outcomeKey);
  if (outcome === undefined) return null;
  return (
    <div
      className={`${styles.outcome} ${compact ? styles.outcomeCompact : ''} ${wrap ? styles.outcomeWrap : ''}`}
      data-outcome={outcome.state}
      role={outcome.state === 'error' ? 'alert' : 'status'}
    >
      {outcome.state === 'pending' ? (
        <Spinner />
      ) : (
        <Icon name={outcome.state === 'success' ? 'check' : 'alert'} size={14} />
      )}
      <span className={styles.outcomeMessage} title={wrap ? undefined : outcome.message}>
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
