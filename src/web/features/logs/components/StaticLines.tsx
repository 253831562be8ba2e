/**
 * A few hundred lines held whole (a crash report's last lines), drawn as the viewer draws its
 * lines: time, ANSI colours, stderr and error levels marked, JSON expandable. No virtual list:
 * they are few, and the page scrolls them with everything else.
 */
import { useMemo } from 'react';
import { buildChunk, linesOfText, MARKER, markedLevel, STDERR } from '../lib/parse.js';
import { useExpanded } from '../hooks/use-expanded.js';
import { LogLine } from './LogLine.js';
import styles from './logs.module.css';

export function StaticLines({
  lines,
  streams,
  containerRef,
  label,
}: {
  /** "<RFC 3339 timestamp> <text>" each, oldest first. */
  lines: readonly string[];
  /** Each line's stream code (`1` stdout, `2` stderr), as log pages give them. */
  streams: string;
  containerRef: string;
  label: string;
}) {
  const chunk = useMemo(
    () => buildChunk(linesOfText(lines.map((line) => `${line}\n`).join(''), streams)),
    [lines, streams],
  );
  const [expanded, toggle] = useExpanded();
  return (
    <div className={styles.lines} data-static="" role="region" aria-label={label} tabIndex={0}>
      {Array.from(chunk.ends, (end, index) => {
        const flags = chunk.flags[index]!;
        return (
          <div
            key={index}
            className={styles.row}
            data-level={markedLevel(flags)}
            data-stderr={(flags & STDERR) !== 0 || undefined}
            data-marker={(flags & MARKER) !== 0 || undefined}
          >
            <LogLine
              seq={index}
              raw={chunk.text.slice(index === 0 ? 0 : chunk.ends[index - 1], end)}
              time={chunk.times[index]!}
              flags={flags}
              containerRef={containerRef}
              timestamps="local"
              mark=""
              expanded={expanded.has(index)}
              onToggle={toggle}
            />
          </div>
        );
      })}
    </div>
  );
}
