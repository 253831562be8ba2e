/**
 * The frame a page's panel shares (the admin tabs, the timeline, the crash reports): a titled
 * section, what a read gives (its error with a retry, a loading line, then the data) and the
 * table the data goes in.
 */
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { errorNotice, NoticeLine } from './Notice.js';
import styles from './panel.module.css';

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
export type DataColumn = string | DataHeader;

interface DataHeader {
  label: string;
  wide?: boolean;
  labelHidden?: boolean;
}

/** The last column, of a row's buttons: named for screen readers only. */
export const ACTIONS_COLUMN: DataColumn = { label: 'Actions', labelHidden: true };

export function DataTable({
  label,
  columns,
  children,
}: {
  label?: string;
  columns: readonly DataColumn[];
  /** The rows. */
  children: ReactNode;
}) {
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => {
              const header: DataHeader = typeof column === 'string' ? { label: column } : column;
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

/** A page's heading and its tabs, a link each, the current one marked. */
export function TabbedHeader({
  title,
  label,
  tabs,
}: {
  title: string;
  /** Names the tabs' navigation ("Admin pages"). */
  label: string;
  tabs: ReadonlyArray<{ href: string; label: string }>;
}) {
  const [location] = useLocation();
  return (
    <header className={styles.header}>
      <h1>{title}</h1>
      <nav aria-label={label} className={styles.tabs}>
        {tabs.map((tab) => (
          <Link
            key={tab.href}
            href={tab.href}
            className={styles.tab}
            aria-current={location === tab.href ? 'page' : undefined}
          >
            {tab.label}
          </Link>
        ))}
      </nav>
    </header>
  );
}
