/**
 * The lines on screen, out of however many are held: each is read from the store and parsed
 * (ANSI, timestamp) only while it is visible. Unwrapped lines all have one height, so the rows
 * on screen follow from the scroll offset alone; wrapped or expanded lines have their own, and
 * TanStack Virtual measures them. (TanStack recomputes every row's position whenever the count
 * changes: at a million lines and a batch every 100 ms that is a long task each time, so the
 * fixed-height case, the usual one, does without it.) Following keeps the end in view;
 * scrolling up pauses it, and a button counts the lines that came meanwhile and jumps back.
 * Near the top older lines load; in history, near the bottom newer ones.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { HeldLines, SessionState } from '../api/held-lines.js';
import type { TimestampMode } from '../hooks/use-viewer-options.js';
import { MARKER, markedLevel, STDERR } from '../lib/parse.js';
import { useExpanded } from '../hooks/use-expanded.js';
import { LogLine } from './LogLine.js';
import styles from './logs.module.css';

/** One unwrapped line's height (px): 1,000,000 lines stay under every browser's height limit. */
export const ROW_HEIGHT = 17;
const NEAR_EDGE_PX = 400;
/** Rows rendered beyond the screen's, each way. */
const OVERSCAN = 8;
const estimateSize = () => ROW_HEIGHT;

export function LogLines({
  session,
  state,
  revision,
  containerRef,
  sources,
  tags = sources,
  timestamps,
  wrap,
  mark,
  following,
  setFollowing,
}: {
  session: HeldLines;
  state: SessionState;
  revision: number;
  /** The container whose log this is (its lines' time links go there). */
  containerRef: string;
  /** Merged logs: the containers, by name, that lines' sources index; each line is tagged. */
  sources?: readonly string[];
  /** The tags shown for them (shorter than the names, say), in the same order. */
  tags?: readonly string[];
  timestamps: TimestampMode;
  wrap: boolean;
  mark: string;
  following: boolean;
  setFollowing: (follow: boolean) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [expanded, toggle] = useExpanded();
  const count = session.shownCount;
  const measured = wrap || expanded.size > 0;
  // The virtualizer re-renders this list itself when it scrolls.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: measured ? count : 0,
    getScrollElement: () => scroller.current,
    estimateSize,
    overscan: OVERSCAN,
  });
  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, wrap, expanded]);

  // Where the user was, kept across lines prepended or dropped: the first row on screen.
  const anchor = useRef<{ seq: number; offset: number } | null>(null);
  const epoch = useRef(session.store.epoch);
  const programmatic = useRef(-1);
  const lastTop = useRef(0);
  const [pausedAt, setPausedAt] = useState<number | null>(null);
  // The scroll offset and height the fixed-height rows are computed from.
  const [view, setView] = useState({ top: 0, height: 1000 });
  useEffect(() => {
    const element = scroller.current;
    if (element === null) return;
    const observer = new ResizeObserver(() =>
      setView({ top: element.scrollTop, height: element.clientHeight }),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const scrollTo = (top: number) => {
    const element = scroller.current;
    if (element === null) return;
    programmatic.current = Math.round(top);
    element.scrollTop = top;
  };

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element === null) return;
    if (following) {
      scrollTo(element.scrollHeight);
      return;
    }
    if (epoch.current !== session.store.epoch && anchor.current !== null) {
      // Lines were prepended: keep the same line at the same place.
      const index = session.indexOfSeq(anchor.current.seq);
      scrollTo(index * ROW_HEIGHT + anchor.current.offset);
    }
    epoch.current = session.store.epoch;
  }, [revision, following, session, count]);

  // A jump: scroll to its line, centred.
  const target = state.target;
  useLayoutEffect(() => {
    if (target === null) return;
    setFollowing(false);
    const index = session.indexOfSeq(target.seq);
    if (index >= count) return;
    if (measured) virtualizer.scrollToIndex(index, { align: 'center' });
    else {
      const height = scroller.current?.clientHeight ?? 0;
      scrollTo(Math.max(0, index * ROW_HEIGHT - height / 2 + ROW_HEIGHT / 2));
    }
    // Filtered views grow over a few frames: jump again as lines come in (revision).
  }, [target, session, virtualizer, count, setFollowing, measured]);

  const onScroll = () => {
    const element = scroller.current;
    if (element === null) return;
    const top = element.scrollTop;
    if (!measured) setView({ top, height: element.clientHeight });
    const atBottom = element.scrollHeight - top - element.clientHeight < 4;
    const wasProgrammatic = Math.abs(top - programmatic.current) <= 1 || atBottom;
    if (following && top < lastTop.current && !wasProgrammatic) pause();
    else if (!following && atBottom && state.mode === 'live') setFollowing(true);
    lastTop.current = top;
    const first = Math.floor(top / ROW_HEIGHT);
    anchor.current =
      first < session.shownCount
        ? { seq: session.seqAt(first), offset: top - first * ROW_HEIGHT }
        : null;
    if (top < NEAR_EDGE_PX && !state.atStart && state.loading === null) void session.loadOlder();
    if (
      state.mode === 'history' &&
      element.scrollHeight - top - element.clientHeight < NEAR_EDGE_PX
    )
      void session.loadNewer();
  };

  const pause = () => {
    setPausedAt(session.store.endSeq);
    setFollowing(false);
  };

  const newLines =
    !following && state.mode === 'live' && pausedAt !== null
      ? Math.max(0, session.store.endSeq - pausedAt)
      : 0;

  const items: Array<{ index: number; start: number; key: number | string | bigint }> = measured
    ? virtualizer.getVirtualItems()
    : fixedRows(count, view.top, view.height);
  return (
    <div className={styles.linesWrap}>
      <div
        ref={scroller}
        className={styles.lines}
        data-wrap={wrap}
        role="region"
        aria-label="Log lines"
        aria-busy={state.loading !== null}
        tabIndex={0}
        onScroll={onScroll}
        onWheel={(event) => {
          if (event.deltaY < 0 && following) pause();
        }}
        onKeyDown={(event) => {
          if (['ArrowUp', 'PageUp', 'Home'].includes(event.key) && following) pause();
        }}
      >
        <div
          className={styles.spacer}
          style={{ height: measured ? virtualizer.getTotalSize() : count * ROW_HEIGHT }}
        >
          {items.map((item) => {
            const seq = session.seqAt(item.index);
            const line = session.store.line(seq);
            if (line === undefined) return null;
            const flags = line.flags;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={measured ? virtualizer.measureElement : undefined}
                className={styles.row}
                style={{
                  transform: `translateY(${item.start}px)`,
                  ...(measured ? {} : { height: ROW_HEIGHT }),
                }}
                data-level={markedLevel(flags)}
                data-stderr={(flags & STDERR) !== 0 || undefined}
                data-marker={(flags & MARKER) !== 0 || undefined}
                data-target={target?.seq === seq || undefined}
              >
                <LogLine
                  seq={seq}
                  raw={line.raw}
                  time={line.time}
                  flags={line.flags}
                  containerRef={sources?.[line.source] ?? containerRef}
                  source={sources === undefined ? undefined : line.source}
                  tag={tags?.[line.source]}
                  timestamps={timestamps}
                  mark={mark}
                  expanded={expanded.has(seq)}
                  onToggle={toggle}
                />
              </div>
            );
          })}
        </div>
        {count === 0 && state.loading === null ? (
          <p className={styles.empty}>
            {session.filtered !== undefined
              ? session.filterComplete
                ? 'No loaded line matches the filter. Search the whole log to look further back.'
                : 'Filtering…'
              : 'No log lines yet. New lines appear here as the container writes them.'}
          </p>
        ) : null}
      </div>
      {newLines > 0 || (!following && state.mode === 'live') ? (
        <button
          type="button"
          className={`button small primary ${styles.newLines}`}
          onClick={() => {
            setPausedAt(null);
            setFollowing(true);
            scrollTo(scroller.current?.scrollHeight ?? 0);
          }}
        >
          {newLines > 0 ? `${newLines.toLocaleString()} new lines ↓` : 'Follow ↓'}
        </button>
      ) : null}
    </div>
  );
}

/** The unwrapped rows on screen (and a few beyond), from the scroll offset. */
function fixedRows(count: number, top: number, height: number) {
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  const rows = [];
  for (let index = first; index < last; index++)
    rows.push({ index, start: index * ROW_HEIGHT, key: index });
  return rows;
}
