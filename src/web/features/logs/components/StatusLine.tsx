/**
 * Under a viewer's toolbar: what is shown (in the viewer's words) and what is loading, the
 * filter's error, the viewer's own button if any; then an error of the session's own.
 */
import type { ReactNode } from 'react';
import type { SessionState } from '../api/held-lines.js';
import { ErrorLine } from './ErrorLine.js';
import styles from './logs.module.css';

export function StatusLine({
  state,
  summary,
  children,
}: {
  state: SessionState;
  summary: string;
  children?: ReactNode;
}) {
  return (
    <>
      <div className={styles.status} role="status">
        <span>
          {summary}
          {state.loading !== null ? ` · loading ${state.loading}…` : ''}
        </span>
        {state.filterError !== null ? (
          <span className={styles.bad}>Filter: {state.filterError}</span>
        ) : null}
        {children}
      </div>
      {state.error !== null ? <ErrorLine error={state.error} /> : null}
    </>
  );
}
