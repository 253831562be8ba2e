/**
 * Python's %-style formatting and strftime, so formats written for Python's logging and
 * gunicorn (logconfig_dict formatters, access_log_format) give the same lines here.
 */

const PERCENT = /%\(([^)]+)\)([-#0 +]*)(\d+)?(?:\.(\d+))?([sdifFrxXeEgG])|%%/g;

export type Fields = (key: string) => unknown;

export class FormatError extends Error {}

/** Compiles "%(name)s ..." into a function of a field lookup. `check` rejects unknown keys. */
export function compilePercentFormat(
  format: string,
  check: (key: string) => boolean,
): (fields: Fields) => string {
  const parts: Array<string | ((fields: Fields) => string)> = [];
  let last = 0;
  for (const match of format.matchAll(PERCENT)) {
    parts.push(format.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[0] === '%%') {
      parts.push('%');
      continue;
    }
    const [, key = '', flags = '', width, precision, conversion = 's'] = match;
    if (!check(key)) throw new FormatError(`unknown field %(${key})${conversion} in "${format}"`);
    parts.push(makeField(key, flags, width, precision, conversion));
  }
  parts.push(format.slice(last));
  const pieces = parts.filter((p) => p !== '');
  return (fields) => {
    let out = '';
    for (const piece of pieces) out += typeof piece === 'string' ? piece : piece(fields);
    return out;
  };
}

function makeField(
  key: string,
  flags: string,
  width: string | undefined,
  precision: string | undefined,
  conversion: string,
): (fields: Fields) => string {
  const size = width === undefined ? 0 : Number(width);
  const left = flags.includes('-');
  const zero = flags.includes('0') && !left;
  const digits = precision === undefined ? undefined : Number(precision);
  const render = (value: unknown): string => {
    switch (conversion) {
      case 'd':
      case 'i':
        return String(Math.trunc(Number(value)));
      case 'f':
      case 'F':
        return Number(value).toFixed(digits ?? 6);
      case 'e':
      case 'E':
        return Number(value).toExponential(digits ?? 6);
      case 'g':
      case 'G':
        return String(Number(value));
      case 'x':
        return Math.trunc(Number(value)).toString(16);
      case 'X':
        return Math.trunc(Number(value)).toString(16).toUpperCase();
      case 'r':
        return typeof value === 'string' ? `'${value}'` : String(value);
      default: {
        const text = value === undefined || value === null ? '-' : String(value);
        return digits === undefined ? text : text.slice(0, digits);
      }
    }
  };
  return (fields) => {
    const text = render(fields(key));
    if (text.length >= size) return text;
    if (left) return text.padEnd(size);
    return zero ? text.padStart(size, '0') : text.padStart(size);
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, size = 2) => String(n).padStart(size, '0');

function utcOffset(date: Date, colon = false): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
}

const DIRECTIVES: Record<string, (d: Date) => string> = {
  Y: (d) => String(d.getFullYear()),
  y: (d) => pad(d.getFullYear() % 100),
  m: (d) => pad(d.getMonth() + 1),
  d: (d) => pad(d.getDate()),
  H: (d) => pad(d.getHours()),
  I: (d) => pad(d.getHours() % 12 || 12),
  M: (d) => pad(d.getMinutes()),
  S: (d) => pad(d.getSeconds()),
  f: (d) => pad(d.getMilliseconds() * 1000, 6),
  p: (d) => (d.getHours() < 12 ? 'AM' : 'PM'),
  b: (d) => MONTHS[d.getMonth()]!,
  B: (d) => MONTH_NAMES[d.getMonth()]!,
  a: (d) => DAYS[d.getDay()]!,
  A: (d) => DAY_NAMES[d.getDay()]!,
  j: (d) =>
    pad(Math.floor((d.getTime() - new Date(d.getFullYear(), 0, 1).getTime()) / 86_400_000) + 1, 3),
  z: (d) => utcOffset(d),
  Z: (d) =>
    Intl.DateTimeFormat('en', { timeZoneName: 'short' })
      .formatToParts(d)
      .find((p) => p.type === 'timeZoneName')?.value ?? utcOffset(d),
  s: (d) => String(Math.floor(d.getTime() / 1000)),
  '%': () => '%',
};

/** Compiles a strftime pattern (local time, as Python's logging uses). */
export function compileStrftime(pattern: string): (date: Date) => string {
  const parts: Array<string | ((d: Date) => string)> = [];
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    const directive = ch === '%' ? DIRECTIVES[pattern[i + 1] ?? ''] : undefined;
    if (directive === undefined) {
      literal += ch;
      continue;
    }
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(directive);
    i++;
  }
  if (literal !== '') parts.push(literal);
  return (date) => parts.map((p) => (typeof p === 'string' ? p : p(date))).join('');
}

/** Python logging's asctime when no datefmt is given: "2026-11-24 20:29:06,123". */
export function defaultAsctime(date: Date): string {
  return `${compileStrftime('%Y-%m-%d %H:%M:%S')(date)},${pad(date.getMilliseconds(), 3)}`;
}

/** gunicorn's %(t)s: "[24/Nov/2026:20:29:06 +0000]". */
export function apacheTime(date: Date): string {
  return `[${pad(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${utcOffset(date)}]`;
}
