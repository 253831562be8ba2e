/**
 * The viewer's controls: follow, timestamps, wrap, level, the filter over loaded lines, search
 * on the server, jump to a time, downloads, full screen.
 */
import { useState, type RefObject } from 'react';
import { pathOf } from '../../../lib/api.js';
import { API } from '../../../../shared/api.js';
import { Icon } from '../../../components/Icon.js';
import type { LogSession } from '../api/log-session.js';
import type { TimestampMode, ViewerOptions } from '../hooks/use-viewer-options.js';
import { splitLine } from '../lib/parse.js';
import { unixSeconds } from '../lib/time.js';
import type { LevelFilter } from '../lib/view.js';
import styles from './logs.module.css';

/** The download route's address for these options. */
function downloadUrl(containerId: string, query: Record<string, string | undefined>): string {
  const path = pathOf(API.downloadContainerLogs.path, { id: containerId });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined) search.set(name, value);
  return search.size > 0 ? `${path}?${search}` : path;
}

/** "2026-11-24T21:00:05" for a datetime-local input, in UTC or the local zone. */
function inputValue(ms: number, utc: boolean): string {
  const d = new Date(utc ? ms : ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
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
  const [when, setWhen] = useState(() => inputValue(Date.now() - 3_600_000, utc));

  const store = session.store;
  const stamp = (seq: number) => unixSeconds(splitLine(store.line(seq)?.raw ?? '').timestamp);
  const oldest = store.length > 0 ? stamp(store.firstSeq) : undefined;
  const newest = store.length > 0 ? stamp(store.endSeq - 1) : undefined;
  const shownUrl = downloadUrl(containerId, {
    q: options.filter === '' ? undefined : options.filter,
    since: oldest,
    until: newest,
  });

  return (
    <div className={styles.toolbar}>
      <button
        type="button"
        className="button small"
        aria-pressed={following}
        onClick={() => setFollowing(!following)}
        title="Follow new lines (f)"
      >
        {following ? 'Following' : 'Follow'}
      </button>
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
      <button
        type="button"
        className="button small"
        aria-pressed={options.wrap}
        onClick={() => options.setWrap(!options.wrap)}
        title="Wrap long lines (w)"
      >
        Wrap
      </button>
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
      <div className={styles.filter}>
        <Icon name="search" className={styles.filterIcon} />
        <input
          ref={filterInput}
          type="search"
          className="input"
          aria-label="Filter loaded lines"
          placeholder="Filter loaded lines (/)"
          value={options.filter}
          maxLength={500}
          onChange={(event) => options.setFilter(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && options.filter !== '') {
              event.preventDefault();
              options.setFilter('');
            }
          }}
        />
      </div>
      <button
        type="button"
        className="button small"
        aria-pressed={searching}
        onClick={() => setSearching(!searching)}
        title="Search the whole log on the server (Ctrl+F)"
      >
        Search log
      </button>
      <form
        className={styles.jump}
        onSubmit={(event) => {
          event.preventDefault();
          const ms = Date.parse(utc ? `${when}Z` : when);
          if (!Number.isNaN(ms)) {
            setFollowing(false);
            void session.jumpToTime(ms);
          }
        }}
      >
        <label className={styles.field}>
          <span>Jump to {utc ? 'UTC' : 'local'} time</span>
          <input
            type="datetime-local"
            step={1}
            className="input"
            value={when}
            onChange={(event) => setWhen(event.target.value)}
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
        title="The lines of the loaded time range that the filter keeps"
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
  );
}
