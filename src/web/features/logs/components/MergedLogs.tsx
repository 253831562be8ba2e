/**
 * Several containers' logs as one (a compose project's), in time order, live, each line tagged
 * with its container: the viewer's store, worker and virtual list over a MergedLogSession.
 */
import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import { Icon } from '../../../components/Icon.js';
import { useLive } from '../../../lib/live.js';
import { MergedLogSession } from '../api/merged-session.js';
import { useRevision } from '../hooks/use-log-session.js';
import { useViewerOptions } from '../hooks/use-viewer-options.js';
import type { StreamFilter } from '../lib/view.js';
import { ErrorLine } from './ErrorLine.js';
import { LogLines } from './LogLines.js';
import styles from './logs.module.css';

const STREAMS: Array<{ value: StreamFilter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'stdout', label: 'stdout' },
  { value: 'stderr', label: 'stderr' },
];

export function MergedLogs({
  names,
  tags = names,
  title,
}: {
  names: readonly string[];
  /** What each line is tagged with, for each of `names`. */
  tags?: readonly string[];
  title: string;
}) {
  const live = useLive();
  const socket = live?.socket ?? null;
  const [session, setSession] = useState(() => new MergedLogSession(names, socket));
  if (session.names.join('\n') !== names.join('\n'))
    setSession(new MergedLogSession(names, socket));
  useEffect(() => {
    void session.start();
    return () => session.dispose();
  }, [session]);
  const state = useSyncExternalStore(session.subscribe, session.getState);
  const revision = useRevision(session);

  const options = useViewerOptions();
  const { stream } = options;
  // The text filter is this view's own: the single viewer's remembered one means another log.
  const [filter, setFilter] = useState('');
  useEffect(
    () => session.setFilter({ text: filter, level: 'all', stream }),
    [session, filter, stream],
  );
  const [following, setFollowing] = useState(true);
  const streamLabel = useId();
  const titleId = useId();

  const held = session.store.length;
  // Tags line up in a column as wide as the longest (at most 24 characters).
  const tagWidth = Math.min(24, Math.max(4, ...tags.map((tag) => tag.length)));
  return (
    <section
      className={`${styles.page} ${styles.merged}`}
      aria-labelledby={titleId}
      style={{ ['--tag-width' as string]: `${tagWidth}ch` }}
    >
      <h2 id={titleId} className={styles.mergedTitle}>
        {title}
      </h2>
      <div className={styles.toolbar}>
        <button
          type="button"
          className="button small"
          aria-pressed={following}
          onClick={() => setFollowing(!following)}
        >
          {following ? 'Following' : 'Follow'}
        </button>
        <div className={styles.filter}>
          <Icon name="search" className={styles.filterIcon} />
          <input
            type="search"
            className="input"
            aria-label="Filter the merged lines"
            placeholder="Filter lines"
            value={filter}
            maxLength={500}
            onChange={(event) => setFilter(event.target.value)}
          />
        </div>
        <div className={styles.field}>
          <span id={streamLabel}>Stream</span>
          <div className={styles.segmented} role="group" aria-labelledby={streamLabel}>
            {STREAMS.map(({ value, label }) => (
              <button
                key={value}
                type="button"
                className="button small"
                aria-pressed={stream === value}
                onClick={() => options.setStream(value)}
              >
                {label}
              </button>
            ))}
          </div>
        </div>
        <button
          type="button"
          className="button small"
          aria-pressed={options.wrap}
          onClick={() => options.setWrap(!options.wrap)}
        >
          Wrap
        </button>
      </div>
      <div className={styles.status} role="status">
        <span>
          {following ? 'Live, following' : 'Live, paused'}
          {' · '}
          {session.filtered !== undefined
            ? `${session.shownCount.toLocaleString()} of ${held.toLocaleString()} lines match`
            : `${held.toLocaleString()} lines of ${names.length} containers`}
          {state.loading !== null ? ` · loading ${state.loading}…` : ''}
        </span>
        {state.filterError !== null ? (
          <span className={styles.bad}>Filter: {state.filterError}</span>
        ) : null}
      </div>
      {state.error !== null ? <ErrorLine error={state.error} /> : null}
      <LogLines
        session={session}
        state={state}
        revision={revision}
        containerRef={names[0] ?? ''}
        sources={names}
        tags={tags}
        timestamps={options.timestamps}
        wrap={options.wrap}
        mark={filter}
        following={following}
        setFollowing={setFollowing}
      />
    </section>
  );
}
