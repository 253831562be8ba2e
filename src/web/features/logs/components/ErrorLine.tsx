/** An error that stays where it happened, with the request id to find it in the server's logs. */
import { CopyButton } from '../../../components/CopyButton.js';
import styles from './logs.module.css';

export function ErrorLine({ error }: { error: { message: string; requestId: string | null } }) {
  return (
    <p className={styles.error} role="alert">
      {error.message}
      {error.requestId !== null ? (
        <>
          {' '}
          <span className="mono">request {error.requestId}</span>
          <CopyButton value={error.requestId} label="Copy the request id" />
        </>
      ) : null}
    </p>
  );
}
