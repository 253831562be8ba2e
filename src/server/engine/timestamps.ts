/**
 * Log line timestamps as the engine writes them ("2026-11-24T21:00:00.123456789Z"): split from
 * their line, compared, and shifted by a nanosecond to resume after a line or page before one.
 */
/** Splits "2026-11-24T21:00:00.123456789Z text" into its timestamp and text. */
export function splitTimestamp(line: string): { timestamp: string; text: string } {
  const space = line.indexOf(' ');
  if (space === -1) return { timestamp: line, text: '' };
  return { timestamp: line.slice(0, space), text: line.slice(space + 1) };
}

/** A timestamp of a log line ("2026-11-24T21:00:00.123456789Z") as seconds and nanoseconds. */
function parts(timestamp: string): [seconds: number, nanos: number] | undefined {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(timestamp);
  if (match === null) return undefined;
  const [, whole = '', fraction = '', zone = 'Z'] = match;
  return [
    Math.floor(Date.parse(`${whole}${zone}`) / 1000),
    Number(fraction.padEnd(9, '0').slice(0, 9)),
  ];
}

function shifted(timestamp: string, deltaNanos: number): string {
  const split = parts(timestamp);
  if (split === undefined) return timestamp;
  let [seconds, nanos] = split;
  nanos += deltaNanos;
  if (nanos >= 1_000_000_000) {
    seconds += 1;
    nanos -= 1_000_000_000;
  } else if (nanos < 0) {
    seconds -= 1;
    nanos += 1_000_000_000;
  }
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}

/** Whether the text is a log line's timestamp ("2026-11-24T21:00:00.123456789Z"). */
export const isTimestamp = (text: string) => parts(text) !== undefined;

/**
 * Whether log timestamp `a` is later than `b`. Not a text comparison: the engine trims trailing
 * zeros from the nanoseconds, so "…00.12345Z" is later than "…00.1234Z" but sorts before it.
 */
export function isLater(a: string, b: string): boolean {
  const x = parts(a);
  const y = parts(b);
  if (x === undefined || y === undefined) return a > b;
  return x[0] !== y[0] ? x[0] > y[0] : x[1] > y[1];
}

/**
 * A time as the engine's exact "seconds.nanoseconds": a log timestamp to the nanosecond, else
 * whatever Date.parse reads (to the millisecond); undefined if neither.
 */
export function unixSecondsOf(time: string): string | undefined {
  const exact = parts(time);
  if (exact !== undefined && !Number.isNaN(exact[0])) return shifted(time, 0);
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) return undefined;
  const seconds = Math.floor(ms / 1000);
  return `${seconds}.${String((ms - seconds * 1000) * 1_000_000).padStart(9, '0')}`;
}

/** The `since` just after a line already read (the engine's `since` includes its instant). */
export const justAfter = (timestamp: string) => shifted(timestamp, 1);

/** The `until` just before a line already read (the engine's `until` includes its instant). */
export const justBefore = (timestamp: string) => shifted(timestamp, -1);

/** Unix seconds as the log routes take them (1732000000.5, "1732000000.123456789"). */
function unixParts(value: number | string): [seconds: number, nanos: number] {
  if (typeof value === 'number') {
    const seconds = Math.floor(value);
    return [seconds, Math.round((value - seconds) * 1e9)];
  }
  const [whole = '0', fraction = ''] = value.split('.');
  return [Number(whole), Number(fraction.padEnd(9, '0').slice(0, 9))];
}

/** Whether a line stamped `timestamp` is at or before `until` (unix seconds). */
export function atOrBefore(timestamp: string, until: number | string): boolean {
  const line = parts(timestamp);
  if (line === undefined) return true;
  const [seconds, nanos] = unixParts(until);
  return line[0] !== seconds ? line[0] < seconds : line[1] <= nanos;
}

/** Unix seconds moved by whole seconds, as the engine's "seconds.nanoseconds". */
export function laterBy(value: number | string, seconds: number): string {
  const [whole, nanos] = unixParts(value);
  return `${whole + seconds}.${String(nanos).padStart(9, '0')}`;
}

/**
 * Lines in time order by their timestamps; those stamped alike, or unstamped, keep the order
 * given (an unstamped line stays with the line before it).
 */
export function byTime<T>(lines: readonly T[], stampOf: (line: T) => string): T[] {
  let previous = '';
  const keyed = lines.map((line) => {
    const split = parts(stampOf(line));
    if (split !== undefined)
      previous = `${String(split[0]).padStart(12, '0')}.${String(split[1]).padStart(9, '0')}`;
    return { line, key: previous };
  });
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map(({ line }) => line);
}
