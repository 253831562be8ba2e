/** One line: its time (a link to the line), its text with ANSI colours, JSON when expanded. */
import { memo } from 'react';
import { Link } from 'wouter';
import { MARKER, JSON_LINE, splitLine } from '../lib/parse.js';
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

/**
 * Memoised on plain values: while scrolling, rows that stay on screen are not parsed again.
 */
export const LogLine = memo(function LogLine({
  seq,
  raw,
  time,
  flags,
  containerRef,
  timestamps,
  mark,
  expanded,
  onToggle,
}: {
  seq: number;
  raw: string;
  time: number;
  flags: number;
  containerRef: string;
  timestamps: TimestampMode;
  mark: string;
  expanded: boolean;
  onToggle: (seq: number) => void;
}) {
  const { timestamp, text } = splitLine(raw);
  if ((flags & MARKER) !== 0)
    return (
      <div className={styles.marker}>
        <span>{text.replace(/^\[dwi\] /, '')}</span>
      </div>
    );
  const json = (flags & JSON_LINE) !== 0;
  const pretty = expanded && json ? prettyJson(text) : null;
  return (
    <>
      {timestamps !== 'off' && timestamp !== '' ? (
        <Link
          className={styles.time}
          href={`/containers/${encodeURIComponent(containerRef)}/logs?at=${encodeURIComponent(timestamp)}`}
          title={`${timestamp}: link to this line`}
        >
          {formatTime(time, timestamps === 'utc')}
        </Link>
      ) : null}
      {json ? (
        <button
          type="button"
          className={styles.expand}
          aria-expanded={expanded}
          aria-label={expanded ? 'Collapse JSON' : 'Expand JSON'}
          onClick={() => onToggle(seq)}
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
});
