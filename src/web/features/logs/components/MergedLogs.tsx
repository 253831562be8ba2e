/**
 * Several containers' logs as one (a compose project's), in time order, live, each line tagged
 * with its container: the viewer's store, worker and virtual list over a MergedLogSession.
 */
import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import { useLive } from '../../../lib/live.js';
import { MergedLogSession } from '../api/merged-session.js';
import { useRevision } from '../hooks/use-log-session.js';
import { useViewerOptions } from '../hooks/use-viewer-options.js';
import { LogLines } from './LogLines.js';
import { StatusLine } from './StatusLine.js';
import { FilterInput, FollowButton, StreamChoice, WrapButton } from './ViewerControls.js';
import styles from './logs.module.css';

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
        <FollowButton following={following} setFollowing={setFollowing} />
        <FilterInput
          label="Filter the merged lines"
          placeholder="Filter lines"
          value={filter}
          onChange={setFilter}
        />
        <StreamChoice options={options} />
        <WrapButton options={options} />
      </div>
      <StatusLine
        state={state}
        summary={`${following ? 'Live, following' : 'Live, paused'} · ${
          session.filtered !== undefined
            ? `${session.shownCount.toLocaleString()} of ${held.toLocaleString()} lines match`
            : `${held.toLocaleString()} lines of ${names.length} containers`
        }`}
      />
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
