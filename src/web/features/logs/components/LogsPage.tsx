/**
 * The log viewer page, /containers/:id/logs: a header naming the container, the toolbar, the
 * server search, the state of what is held (live or a window in history), and the lines.
 * `?at=<timestamp>` opens the log at that line (the timestamps are links of that form).
 */
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { call } from '../../../lib/api.js';
import { useLogSession } from '../hooks/use-log-session.js';
import { useViewerOptions } from '../hooks/use-viewer-options.js';
import { LogLines } from './LogLines.js';
import { LogToolbar } from './LogToolbar.js';
import { SearchPanel } from './SearchPanel.js';
import { StatusLine } from './StatusLine.js';
import styles from './logs.module.css';

export function LogsPage({ params }: { params: { id: string } }) {
  const containerId = decodeURIComponent(params.id);
  const inspect = useQuery({
    queryKey: ['container-inspect', containerId],
    queryFn: ({ signal }) => call('inspectContainer', { params: { id: containerId }, signal }),
    staleTime: Infinity,
    retry: false,
  });
  const rawName = inspect.data?.Name;
  const name = typeof rawName === 'string' ? rawName.replace(/^\//, '') : containerId;

  const { session, state, revision } = useLogSession(containerId);
  const options = useViewerOptions();
  const [following, setFollowing] = useState(true);
  const [searching, setSearching] = useState(false);
  const [fullscreen, setFullscreen] = useState<'off' | 'native' | 'fallback'>('off');
  const page = useRef<HTMLElement>(null);
  const filterInput = useRef<HTMLInputElement>(null);

  // Open at a linked line, or at the live end.
  const at = new URLSearchParams(useSearch()).get('at');
  const [path, navigate] = useLocation();
  const [openedAt, setOpenedAt] = useState<string | null | undefined>(undefined);
  if (openedAt !== at) {
    setOpenedAt(at);
    setFollowing(at === null);
  }
  useEffect(() => {
    if (at !== null) void session.jumpTo(at);
    else void session.startLive();
  }, [session, at]);

  const { filter, level, stream } = options;
  useEffect(
    () => session.setFilter({ text: filter, level, stream }),
    [session, filter, level, stream],
  );

  useEffect(() => {
    const onChange = () => {
      if (document.fullscreenElement === null) setFullscreen((f) => (f === 'native' ? 'off' : f));
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const toggleFullscreen = useCallback(async () => {
    if (fullscreen === 'native') return void (await document.exitFullscreen());
    if (fullscreen === 'fallback') return setFullscreen('off');
    try {
      if (page.current?.requestFullscreen === undefined) throw new Error('no Fullscreen API');
      await page.current.requestFullscreen();
      setFullscreen('native');
    } catch {
      // Refused (an iframe, an old browser): the page fills the window instead.
      setFullscreen('fallback');
    }
  }, [fullscreen]);

  // Keys: f follow, w wrap, T timestamps, / filter, Ctrl/Cmd+F search; none while typing.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key === 'f') {
        event.preventDefault();
        setSearching(true);
        return;
      }
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable]') !== null) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'f') setFollowing((f) => !f);
      else if (event.key === 'w') options.setWrap((w) => !w);
      else if (event.key === 'T')
        options.setTimestamps((t) => (t === 'off' ? 'local' : t === 'local' ? 'utc' : 'off'));
      else if (event.key === '/') {
        event.preventDefault();
        filterInput.current?.focus();
      } else if (event.key === 'Escape' && fullscreen === 'fallback') setFullscreen('off');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [options, fullscreen]);

  const held = session.store.length;
  const shown = session.shownCount;
  const summary = [
    state.mode === 'live' ? (following ? 'Live, following' : 'Live, paused') : 'History',
    session.filtered !== undefined
      ? `${shown.toLocaleString()} of ${held.toLocaleString()} loaded lines match${session.filterComplete ? '' : ' (filtering…)'}`
      : `${held.toLocaleString()} lines loaded`,
    ...(state.atStart ? ['from the start of the log'] : []),
  ].join(' · ');
  return (
    <section
      ref={page}
      className={styles.page}
      data-fullscreen={fullscreen !== 'off' || undefined}
      aria-labelledby="logs-title"
    >
      {/* The container's frame (header, tabs) is above: this title is for screen readers. */}
      <h2 id="logs-title" className="visually-hidden">
        Logs of {name}
      </h2>
      <LogToolbar
        containerId={containerId}
        session={session}
        options={options}
        following={following}
        setFollowing={setFollowing}
        searching={searching}
        setSearching={setSearching}
        fullscreen={fullscreen !== 'off'}
        toggleFullscreen={() => void toggleFullscreen()}
        filterInput={filterInput}
      />
      {searching ? (
        <SearchPanel
          containerId={containerId}
          utc={options.timestamps === 'utc'}
          onJump={(match) => void session.jumpTo(match.timestamp, match.line)}
          onClose={() => setSearching(false)}
        />
      ) : null}
      <StatusLine state={state} summary={summary}>
        {state.mode === 'history' ? (
          <button
            type="button"
            className="button small"
            onClick={() => {
              setFollowing(true);
              // Without ?at the page is live again (the effect above starts it).
              if (at !== null) navigate(path, { replace: true });
              else void session.startLive();
            }}
          >
            Back to live
          </button>
        ) : null}
      </StatusLine>
      <LogLines
        session={session}
        state={state}
        revision={revision}
        containerRef={containerId}
        timestamps={options.timestamps}
        wrap={options.wrap}
        mark={filter}
        following={following}
        setFollowing={setFollowing}
      />
    </section>
  );
}
