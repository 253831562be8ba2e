/**
 * The viewer's controls: follow, the filter over loaded lines and search on the server first;
 * then the view (timestamps, wrap, stream, level), jump to a time, downloads and full screen,
 * which on a narrow screen fold behind a "View" button so the toolbar stays one row.
 */
import { useId, useState, type RefObject } from 'react';
import { pathOf } from '../../../lib/api.js';
import { API } from '../../../../shared/api.js';
import { Icon } from '../../../components/Icon.js';
import type { LogSession } from '../api/log-session.js';
import type { TimestampMode, ViewerOptions } from '../hooks/use-viewer-options.js';
import { MARKER, splitLine } from '../lib/parse.js';
import { fromInputValue, toInputValue, unixSeconds } from '../lib/time.js';
import type { LevelFilter } from '../lib/view.js';
import { FilterInput, FollowButton, StreamChoice, WrapButton } from './ViewerControls.js';
import styles from './logs.module.css';

/** The download route's address for these options. */
function downloadUrl(containerId: string, query: Record<string, string | undefined>): string {
  const path = pathOf(API.downloadContainerLogs.path, { id: containerId });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined) search.set(name, value);
  return search.size > 0 ? `${path}?${search}` : path;
}

/** The newest held line's time (ms, to the second), for the jump's starting value. */
function newestTime(session: LogSession): number | undefined {
  const { store } = session;
  for (let seq = store.endSeq - 1; seq >= store.firstSeq && seq > store.endSeq - 100; seq--) {
    const line = store.line(seq)!;
    if ((line.flags & MARKER) === 0 && !Number.isNaN(line.time))
      return Math.floor(line.time / 1000) * 1000;
  }
  return undefined;
}

export function LogToolbar({
  containerId,
  session,
  options,
  following,
  setFollowing,
  searching,
  setSearching,
  fullscreen,
  toggleFullscreen,
  filterInput,
}: {
  containerId: string;
  session: LogSession;
  options: ViewerOptions;
  following: boolean;
  setFollowing: (follow: boolean) => void;
  searching: boolean;
  setSearching: (open: boolean) => void;
  fullscreen: boolean;
  toggleFullscreen: () => void;
  filterInput: RefObject<HTMLInputElement | null>;
}) {
  const utc = options.timestamps === 'utc';
  const [viewOpen, setViewOpen] = useState(false);
  const moreId = useId();
  // The jump's moment, kept as an instant (not the input's text) so switching between local and
  // UTC shows the same moment in the other zone. Until the user picks one it is the newest
  // line's time.
  const [picked, setPicked] = useState<number | null>(null);
  /** An incomplete value being typed, shown as it is. */
  const [draft, setDraft] = useState<string | null>(null);
  const [openedAt] = useState(() => Math.floor(Date.now() / 1000) * 1000);
  const jumpMs = picked ?? newestTime(session) ?? openedAt;

  const store = session.store;
  const stamp = (seq: number) => unixSeconds(splitLine(store.line(seq)?.raw ?? '').timestamp);
  const oldest = store.length > 0 ? stamp(store.firstSeq) : undefined;
  const newest = store.length > 0 ? stamp(store.endSeq - 1) : undefined;
  const shownUrl = downloadUrl(containerId, {
    q: options.filter === '' ? undefined : options.filter,
    since: oldest,
    until: newest,
    ...(options.stream === 'stdout' ? { stderr: 'false' } : {}),
    ...(options.stream === 'stderr' ? { stdout: 'false' } : {}),
  });

  return (
    <div className={styles.toolbar}>
      <FollowButton following={following} setFollowing={setFollowing} shortcutKey="f" />
      <FilterInput
        label="Filter loaded lines"
        placeholder="Filter lines (/)"
        value={options.filter}
        onChange={options.setFilter}
        inputRef={filterInput}
      />
      <button
        type="button"
        className="button small"
        aria-pressed={searching}
        onClick={() => setSearching(!searching)}
        title="Search the whole log on the server (Ctrl+F)"
      >
        Search log
      </button>
      <button
        type="button"
        className={`button small ${styles.moreToggle}`}
        aria-expanded={viewOpen}
        aria-controls={moreId}
        onClick={() => setViewOpen(!viewOpen)}
      >
        View
        <Icon name="expand" />
      </button>
      <div
        id={moreId}
        className={styles.more}
        data-open={viewOpen || undefined}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && viewOpen) setViewOpen(false);
        }}
      >
        <label className={styles.field}>
          <span>Timestamps</span>
          <select
            className="input"
            value={options.timestamps}
            onChange={(event) => options.setTimestamps(event.target.value as TimestampMode)}
          >
            <option value="local">Local</option>
            <option value="utc">UTC</option>
            <option value="off">Off</option>
          </select>
        </label>
        <WrapButton options={options} shortcutKey="w" />
        <StreamChoice options={options} />
        <label className={styles.field}>
          <span>Level</span>
          <select
            className="input"
            value={options.level}
            onChange={(event) => options.setLevel(event.target.value as LevelFilter)}
          >
            <option value="all">All</option>
            <option value="warn">Warnings and errors</option>
            <option value="error">Errors</option>
          </select>
        </label>
        <form
          className={styles.jump}
          onSubmit={(event) => {
            event.preventDefault();
            if (draft !== null) return;
            setFollowing(false);
            void session.jumpToTime(jumpMs);
          }}
        >
          <label className={styles.field}>
            <span>Jump to {utc ? 'UTC' : 'local'} time</span>
            <input
              type="datetime-local"
              step={1}
              className="input"
              value={draft ?? toInputValue(jumpMs, utc)}
              onChange={(event) => {
                const ms = fromInputValue(event.target.value, utc);
                if (Number.isNaN(ms)) return setDraft(event.target.value);
                setPicked(ms);
                setDraft(null);
              }}
            />
          </label>
          <button type="submit" className="button small">
            Go
          </button>
        </form>
        <a className="button small" href={downloadUrl(containerId, {})} download>
          Download all
        </a>
        <a
          className="button small"
          href={shownUrl}
          download
          title="The lines of the loaded time range that the filters keep"
        >
          Download shown
        </a>
        <button
          type="button"
          className="button small"
          aria-pressed={fullscreen}
          onClick={toggleFullscreen}
        >
          Full screen
        </button>
      </div>
    </div>
  );
}
