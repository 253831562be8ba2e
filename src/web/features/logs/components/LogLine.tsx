/** One line: its time (a link to the line), its text with ANSI colours, JSON when expanded. */
import { memo } from 'react';
import { Link } from 'wouter';
import { MARKER, JSON_LINE, splitLine } from '../lib/parse.js';
import { formatTime } from '../lib/time.js';
import { stripAnsi } from '../lib/ansi.js';
import type { TimestampMode } from '../hooks/use-viewer-options.js';
import { AnsiText } from './AnsiText.js';
import styles from './logs.module.css';

/** Tags take this many colours in turn (logs.module.css). */
const TAG_COLOURS = 8;

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
  source,
  tag,
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
  /** Merged logs: the line's container, as an index (its tag's colour) and a name. */
  source?: number | undefined;
  tag?: string | undefined;
  timestamps: TimestampMode;
  mark: string;
  expanded: boolean;
  onToggle: (seq: number) => void;
}) {
  const { timestamp, text } = splitLine(raw);
  const tagged =
    tag === undefined ? null : (
      <span className={styles.tag} data-source={(source ?? 0) % TAG_COLOURS} title={tag}>
        {tag}
      </span>
    );
  if ((flags & MARKER) !== 0)
    return (
      <div className={styles.marker}>
        <span>
          {tag === undefined ? '' : `${tag}: `}
          {text.replace(/^\[dwi\] /, '')}
        </span>
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
      {tagged}
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
