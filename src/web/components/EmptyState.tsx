/**
 * What a list page shows instead of its table: loading, an error, nothing there yet (and how
 * to change that), or nothing matching the filter (and a way to clear it).
 */
import type { AriaRole, ReactNode } from 'react';
import styles from './table.module.css';

export function EmptyState({
  title,
  role,
  busy,
  children,
}: {
  title?: string;
  role?: AriaRole;
  busy?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={styles.empty} role={role} aria-busy={busy}>
      {title !== undefined && <h2>{title}</h2>}
      {children}
    </div>
  );
}

export function NoMatch({
  what,
  text,
  narrowedTo,
  onClear,
}: {
  /** "container": "No container matches". */
  what: string;
  /** The filter's text. */
  text: string;
  /** What else narrows the list, in words (" in state running"), or ''. */
  narrowedTo: string;
  onClear: () => void;
}) {
  return (
    <EmptyState title={`No ${what} matches`}>
      <p>
        Nothing matches the filter{text ? ` "${text}"` : ''}
        {narrowedTo}.{' '}
        <button type="button" className="button small" onClick={onClear}>
          Clear the filter
        </button>
      </p>
    </EmptyState>
  );
}
