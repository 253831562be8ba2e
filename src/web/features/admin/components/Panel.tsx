/**
 * The frame every admin tab shares: a titled section, what a read gives (its error with a
 * retry, a loading line, then the data) and the table the data goes in.
 */
import type { ReactNode } from 'react';
import { errorNotice, NoticeLine } from './Notice.js';
import styles from './admin.module.css';

export function Panel({
  id,
  title,
  aside,
  children,
}: {
  /** Names the heading's id (`<id>-title`), which labels the section. */
  id: string;
  title: string;
  /** Beside the title: the tab's main button, or its live state. */
  aside?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-title`} className={styles.panel}>
      <div className={styles.panelHeader}>
        <h2 id={`${id}-title`}>{title}</h2>
        {aside}
      </div>
      {children}
    </section>
  );
}

/** What a query (plain or paged) gives the panel. */
interface Read<T> {
  data: T | undefined;
  isError: boolean;
  error: Error | null;
  refetch: () => unknown;
}

/** The read's error (dismissing it reads again), a loading line until it has data, then the data. */
export function Loaded<T>({
  read,
  loading,
  children,
}: {
  read: Read<T>;
  loading: string;
  children: (data: T) => ReactNode;
}) {
  if (read.isError)
    return <NoticeLine notice={errorNotice(read.error)} onDismiss={() => void read.refetch()} />;
  if (read.data === undefined) return <p aria-busy="true">{loading}</p>;
  return children(read.data);
}

/** A column: its header's text; `wide` ones fold away on a narrow screen. */
export type AdminColumn = string | AdminHeader;

interface AdminHeader {
  label: string;
  wide?: boolean;
  labelHidden?: boolean;
}

/** The last column, of a row's buttons: named for screen readers only. */
export const ACTIONS_COLUMN: AdminColumn = { label: 'Actions', labelHidden: true };

export function AdminTable({
  label,
  columns,
  children,
}: {
  label?: string;
  columns: readonly AdminColumn[];
  /** The rows. */
  children: ReactNode;
}) {
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => {
              const header: AdminHeader = typeof column === 'string' ? { label: column } : column;
              return (
                <th
                  key={header.label}
                  scope="col"
                  className={header.wide ? styles.wide : undefined}
                >
                  {header.labelHidden ? (
                    <span className="visually-hidden">{header.label}</span>
                  ) : (
                    header.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
