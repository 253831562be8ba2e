/** One line: its time (a link to the line), its text with ANSI colours, JSON when expanded. */
import { Link } from 'wouter';
import { MARKER, JSON_LINE, splitLine } from '../lib/parse.js';
import type { StoredLine } from '../lib/store.js';
import { formatTime } from '../lib/time.js';
import { stripAnsi } from '../lib/ansi.js';
import type { TimestampMode } from '../hooks/use-viewer-options.js';
import { AnsiText } from './AnsiText.js';
import styles from './logs.module.css';

function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(stripAnsi(text)), null, 2);
  } catch {
    return null;
  }
}

export function LogLine({
  line,
  containerRef,
  timestamps,
  mark,
  expanded,
  onToggle,
}: {
  line: StoredLine;
  containerRef: string;
  timestamps: TimestampMode;
  mark: string;
  expanded: boolean;
  onToggle: () => void;
}) {
  const { timestamp, text } = splitLine(line.raw);
  if ((line.flags & MARKER) !== 0)
    return (
      <div className={styles.marker}>
        <span>{text.replace(/^\[dwi\] /, '')}</span>
      </div>
    );
  const json = (line.flags & JSON_LINE) !== 0;
  const pretty = expanded && json ? prettyJson(text) : null;
  return (
    <>
      {timestamps !== 'off' && timestamp !== '' ? (
        <Link
          className={styles.time}
          href={`/containers/${encodeURIComponent(containerRef)}/logs?at=${encodeURIComponent(timestamp)}`}
          title={`${timestamp}: link to this line`}
        >
          {formatTime(line.time, timestamps === 'utc')}
        </Link>
      ) : null}
      {json ? (
        <button
          type="button"
          className={styles.expand}
          aria-expanded={expanded}
          aria-label={expanded ? 'Collapse JSON' : 'Expand JSON'}
          onClick={onToggle}
        >
          {expanded ? '−' : '+'}
        </button>
      ) : null}
      {pretty !== null ? (
        <pre className={styles.json}>{pretty}</pre>
      ) : (
        <span className={styles.text}>
          <AnsiText text={text} mark={mark} />
        </span>
      )}
    </>
  );
}
