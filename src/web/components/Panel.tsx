/**
 * The frame a page's panel shares (the admin tabs, the timeline, the crash reports): a titled
 * section, what a read gives (its error with a retry, a loading line, then the data) and the
 * table the data goes in.
 */
import type { FormEvent, ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useSocketStatus } from '../lib/live.js';
import { InputField } from './Field.js';
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

/** A filter form: its fields, then Apply and (with `onClear`) Clear. */
export function FilterForm({
  label,
  onApply,
  onClear,
  clearable = false,
  children,
}: {
  label: string;
  onApply: () => void;
  onClear?: () => void;
  /** Whether Clear would change anything. */
  clearable?: boolean;
  /** The fields. */
  children: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply();
  };
  return (
    <form className={styles.filters} onSubmit={submit} aria-label={label}>
      {children}
      <div className={styles.filterButtons}>
        <button type="submit" className="button primary">
          Apply
        </button>
        {onClear && (
          <button type="button" className="button" disabled={!clearable} onClick={onClear}>
            Clear
          </button>
        )}
      </div>
    </form>
  );
}

/** A filter's time range: From and Until, in the browser's local time (datetime-local values). */
export function TimeRangeFields({
  since,
  until,
  onChange,
}: {
  since: string;
  until: string;
  onChange: (field: 'since' | 'until', value: string) => void;
}) {
  return (
    <>
      <InputField
        label="From"
        type="datetime-local"
        value={since}
        onChange={(value) => onChange('since', value)}
      />
      <InputField
        label="Until"
        type="datetime-local"
        value={until}
        onChange={(value) => onChange('until', value)}
      />
    </>
  );
}

/** A read in pages, newest first (TanStack Query's infinite query). */
interface PagedRead extends Read<unknown> {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/** Pages of rows: their table, or `empty` when there are none, and a button for older ones. */
export function PagedTable({
  pages,
  count,
  loading,
  empty,
  label,
  columns,
  older,
  children,
}: {
  pages: PagedRead;
  /** How many rows the pages hold. */
  count: number;
  loading: string;
  empty: ReactNode;
  label: string;
  columns: readonly DataColumn[];
  /** The words of the button that loads older rows ("Load older events"). */
  older: string;
  /** The rows. */
  children: ReactNode;
}) {
  return (
    <Loaded read={pages} loading={loading}>
      {() =>
        count === 0 ? (
          <p className={styles.hint}>{empty}</p>
        ) : (
          <>
            <DataTable label={label} columns={columns}>
              {children}
            </DataTable>
            {pages.hasNextPage && (
              <button
                type="button"
                className="button"
                disabled={pages.isFetchingNextPage}
                onClick={() => void pages.fetchNextPage()}
              >
                {pages.isFetchingNextPage ? 'Loading…' : older}
              </button>
            )}
          </>
        )
      }
    </Loaded>
  );
}

/** Beside a live panel's title: what arrives by itself while the socket is up, or that it is not. */
export function LiveNote({ children }: { children: string }) {
  const socket = useSocketStatus();
  const live = socket.state === 'connected';
  return (
    <span className={styles.live} data-live={live}>
      {live ? children : 'Not live: reconnecting…'}
    </span>
  );
}
