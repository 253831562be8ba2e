/**
 * Log timestamps ("2026-11-24T21:00:00.123456789Z") as the `since`/`until` the log routes take
 * (unix seconds with nanoseconds, kept as text so no nanosecond is rounded away), and shown.
 */

/** A timestamp shifted by `deltaNanos`, as unix seconds text; undefined if it is none. */
export function unixSeconds(timestamp: string, deltaNanos = 0): string | undefined {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(timestamp);
  if (match === null) return undefined;
  const [, whole = '', fraction = '', zone = 'Z'] = match;
  const ms = Date.parse(`${whole}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  let seconds = Math.floor(ms / 1000);
  let nanos = Number(fraction.padEnd(9, '0').slice(0, 9)) + deltaNanos;
  if (nanos >= 1_000_000_000) {
    seconds += 1;
    nanos -= 1_000_000_000;
  } else if (nanos < 0) {
    seconds -= 1;
    nanos += 1_000_000_000;
  }
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}

/** The `since` just after a line (the engine's `since` includes its instant). */
export const justAfter = (timestamp: string) => unixSeconds(timestamp, 1);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A line's time to show: "2026-11-24 21:00:00.123", in UTC or the browser's zone. */
export function formatTime(ms: number, utc: boolean): string {
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms);
  const [y, mo, day, h, mi, s] = utc
    ? [
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
      ]
    : [
        d.getFullYear(),
        d.getMonth() + 1,
        d.getDate(),
        d.getHours(),
        d.getMinutes(),
        d.getSeconds(),
      ];
  return `${y}-${pad(mo)}-${pad(day)} ${pad(h)}:${pad(mi)}:${pad(s)}.${pad(d.getMilliseconds(), 3)}`;
}

/** A moment as a datetime-local input's value ("2026-11-24T21:00:05"), in UTC or the local zone. */
export function toInputValue(ms: number, utc: boolean): string {
  // The local wall-clock time is UTC shifted by the zone's offset at that moment (DST included).
  const shifted = utc ? ms : ms - new Date(ms).getTimezoneOffset() * 60_000;
  return new Date(shifted).toISOString().slice(0, 19);
}

/** A datetime-local input's value as ms since the epoch, read in UTC or the local zone; NaN if none. */
export function fromInputValue(value: string, utc: boolean): number {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(value)) return NaN;
  // Without a zone, Date.parse reads a date-time as local time.
  return Date.parse(utc ? `${value}Z` : value);
}

/**
 * A log timestamp ("2026-11-24T21:00:00.5Z", UTC as the engine writes them) as a key that
 * sorts as text in time order to the nanosecond: its fraction padded to nine digits.
 */
export function timeKey(timestamp: string): string {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(timestamp);
  if (match === null) return '';
  return `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}`;
}
