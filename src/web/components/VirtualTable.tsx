/**
 * A virtual table (ARIA table roles on a CSS grid): a sticky header whose sortable columns are
 * buttons, and a body with only the rows on screen in the page (TanStack Virtual), each row
 * measured so one that wraps or shows an outcome line can grow. `useVirtualTable` holds the
 * scrolling state; `VirtualTable` draws it, each row by the caller's `renderRow` placed with
 * `placeProps`.
 */
import { useVirtualizer, type VirtualItem, type Virtualizer } from '@tanstack/react-virtual';
import { Fragment, useRef, type ReactNode, type RefObject } from 'react';
import defaultStyles from './table.module.css';

export interface Column<K extends string = string> {
  label: string;
  /** The column sorts by this key when its header is clicked. */
  sortKey?: K;
  /** Its header is for screen readers only (the actions column). */
  labelHidden?: boolean;
  className?: string;
}

export interface Sorting<K extends string> {
  sort: { key: K; descending: boolean };
  /** The same key again flips the direction. */
  sortBy: (key: K) => void;
}

/** Where a row of the virtual body sits. */
export interface Place {
  ref: (element: HTMLElement | null) => void;
  index: number;
  start: number;
}

/** The props that put a row element in its place: measured, numbered after the header. */
export function placeProps(place: Place) {
  return {
    ref: place.ref,
    'data-index': place.index,
    'aria-rowindex': place.index + 2,
    style: { transform: `translateY(${place.start}px)` },
  };
}

export interface VirtualTableState<T> {
  rows: readonly T[];
  scroller: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  /** The rows drawn now (those on screen and the overscan). */
  items: VirtualItem[];
}

export function useVirtualTable<T>({
  rows,
  rowKey,
  estimateSize,
  overscan = 12,
}: {
  rows: readonly T[];
  rowKey: (row: T) => string;
  estimateSize: (row: T) => number;
  overscan?: number;
}): VirtualTableState<T> {
  const scroller = useRef<HTMLDivElement>(null);
  // No React Compiler here: the virtualizer re-renders this list itself when it scrolls.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => estimateSize(rows[index]!),
    getItemKey: (index) => rowKey(rows[index]!),
    overscan,
  });
  // Read the items first: that is what brings the virtualizer's range up to the scroll.
  const items = virtualizer.getVirtualItems();
  return { rows, scroller, virtualizer, items };
}

/** The class names a table is drawn with: by default the list pages' (table.module.css). */
export interface TableClasses {
  scroller?: string;
  table?: string;
  head?: string;
  headRow?: string;
  body?: string;
}

export function VirtualTable<T, K extends string = never>({
  state: { rows, scroller, virtualizer, items },
  label,
  columns,
  sorting,
  rowClass,
  classes = defaultStyles,
  renderRow,
}: {
  state: VirtualTableState<T>;
  label: string;
  columns: ReadonlyArray<Column<K>>;
  sorting?: Sorting<K>;
  /** The classes of every row, the header's too (the grid and its columns). */
  rowClass: string;
  classes?: TableClasses;
  renderRow: (row: T, place: Place) => ReactNode;
}) {
  return (
    <div ref={scroller} className={classes.scroller}>
      <div
        role="table"
        aria-label={label}
        aria-rowcount={rows.length + 1}
        className={classes.table}
      >
        <div role="rowgroup" className={classes.head}>
          <div role="row" aria-rowindex={1} className={`${rowClass} ${classes.headRow ?? ''}`}>
            {columns.map((column) => (
              <ColumnHeader key={column.label} column={column} sorting={sorting} />
            ))}
          </div>
        </div>
        <div
          role="rowgroup"
          className={classes.body}
          style={{ height: virtualizer.getTotalSize() }}
        >
          {items.map((item) => (
            <Fragment key={item.key}>
              {renderRow(rows[item.index]!, {
                ref: virtualizer.measureElement,
                index: item.index,
                start: item.start,
              })}
            </Fragment>
          ))}
        </div>
      </div>
    </div>
  );
}

function ColumnHeader<K extends string>({
  column,
  sorting,
}: {
  column: Column<K>;
  sorting: Sorting<K> | undefined;
}) {
  const sortKey = sorting === undefined ? undefined : column.sortKey;
  const sorted = sortKey !== undefined && sorting!.sort.key === sortKey;
  const descending = sorting?.sort.descending ?? false;
  return (
    <div
      role="columnheader"
      className={column.className}
      aria-sort={sorted ? (descending ? 'descending' : 'ascending') : undefined}
    >
      {sortKey === undefined ? (
        <span className={column.labelHidden ? 'visually-hidden' : undefined}>{column.label}</span>
      ) : (
        <button
          type="button"
          className={defaultStyles.sortButton}
          onClick={() => sorting!.sortBy(sortKey)}
        >
          {column.label}
          <span aria-hidden="true" className={defaultStyles.sortMark}>
            {sorted ? (descending ? '↓' : '↑') : ''}
          </span>
        </button>
      )}
    </div>
  );
}
