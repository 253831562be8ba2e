/**
 * Search over the whole log on the server: the matches with their time and text; choosing one
 * loads the lines around it into the viewer (however old) and marks it. `n`/`N` step through.
 */
import { useEffect, useRef, useState } from 'react';
import type { LogMatch } from '../../../../shared/api.js';
import { useLogSearch } from '../api/search-logs.js';
import { stripAnsi } from '../lib/ansi.js';
import { formatTime } from '../lib/time.js';
import { timeOf } from '../lib/parse.js';
import { ErrorLine } from './ErrorLine.js';
import styles from './logs.module.css';

const STOPPED: Record<string, string> = {
  matches: 'the first matches are shown',
  lines: 'the search read as many lines as one search may',
  bytes: 'the search read as many bytes as one search may',
  time: 'the search ran as long as one search may',
};

export function SearchPanel({
  containerId,
  utc,
  onJump,
  onClose,
}: {
  containerId: string;
  utc: boolean;
  onJump: (match: LogMatch) => void;
  onClose: () => void;
}) {
  const { state, search, more } = useLogSearch(containerId);
  const [q, setQ] = useState(state.q);
  const [regex, setRegex] = useState(false);
  const [selected, setSelected] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const choose = (index: number) => {
    const match = state.matches[index];
    if (match === undefined) return;
    setSelected(index);
    onJump(match);
  };

  // n / N: next and previous match, unless typing in a field.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select') !== null || event.ctrlKey || event.metaKey)
        return;
      if (event.key === 'n') choose(Math.min(state.matches.length - 1, selected + 1));
      else if (event.key === 'N') choose(Math.max(0, selected - 1));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <section className={styles.searchPanel} aria-label="Search the whole log">
      <form
        className={styles.searchForm}
        onSubmit={(event) => {
          event.preventDefault();
          setSelected(-1);
          if (q.trim() !== '') void search(q, regex);
        }}
      >
        <input
          ref={input}
          type="search"
          className="input"
          aria-label="Search the whole log"
          placeholder="Search the whole log (on the server)…"
          value={q}
          maxLength={500}
          onChange={(event) => setQ(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') onClose();
          }}
        />
        <label className={styles.check}>
          <input type="checkbox" checked={regex} onChange={(e) => setRegex(e.target.checked)} />
          Regex (RE2)
        </label>
        <button type="submit" className="button small primary" disabled={state.loading}>
          Search
        </button>
        <button type="button" className="button small" onClick={onClose}>
          Close
        </button>
      </form>
      {state.error !== null ? <ErrorLine error={state.error} /> : null}
      <p className={styles.searchSummary} role="status">
        {state.loading
          ? 'Searching…'
          : state.q === ''
            ? 'Finds lines anywhere in the log, not only those loaded. n / N move between matches.'
            : `${state.matches.length.toLocaleString()} ${state.matches.length === 1 ? 'match' : 'matches'} in ${state.scanned.toLocaleString()} lines read${
                state.stopped !== null ? `; ${STOPPED[state.stopped]}` : ', the whole log'
              }`}
        {!state.loading && state.cursor !== null ? (
          <button type="button" className="button small" onClick={() => void more()}>
            Search further
          </button>
        ) : null}
      </p>
      {state.matches.length > 0 ? (
        <ol className={styles.matches} aria-label="Matches">
          {state.matches.map((match, index) => (
            <li key={`${match.timestamp}-${index}`} className={styles.matchItem}>
              <Context lines={match.before} utc={utc} />
              <button
                type="button"
                className={styles.match}
                aria-current={index === selected || undefined}
                onClick={() => choose(index)}
              >
                <span className={styles.time}>{formatTime(timeOf(match.timestamp), utc)}</span>
                <span
                  className={styles.matchText}
                  data-stderr={match.stream === 'stderr' || undefined}
                >
                  {stripAnsi(match.line)}
                </span>
              </button>
              <Context lines={match.after} utc={utc} />
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

/** A match's neighbouring lines, dimmed: enough to tell matches apart before jumping. */
function Context({ lines, utc }: { lines: LogMatch['before']; utc: boolean }) {
  if (lines === undefined || lines.length === 0) return null;
  return (
    <div className={styles.context}>
      {lines.map((line, i) => (
        <div key={i} className={styles.contextLine}>
          <span className={styles.time}>{formatTime(timeOf(line.timestamp), utc)}</span>
          <span className={styles.matchText}>{stripAnsi(line.line)}</span>
        </div>
      ))}
    </div>
  );
}
