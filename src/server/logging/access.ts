/** gunicorn's access_log_format atoms, rendered from one finished request. */
import { apacheTime, compilePercentFormat, FormatError } from './pyformat.js';

/** One finished request; header lookups are functions so only the atoms a format uses cost. */
export interface AccessInfo {
  readonly remoteAddress: string | undefined;
  method: string;
  /** Path and query, as the client sent it. */
  url: string;
  httpVersion: string;
  status: number;
  requestHeader(name: string): string | string[] | undefined;
  responseHeader(name: string): string | number | string[] | undefined;
  /** When the request arrived, epoch ms. */
  start: number;
  durationMs: number;
  pid: number;
  user?: string;
}

const ATOMS = new Set([
  'h',
  'l',
  'u',
  't',
  'r',
  'm',
  'U',
  'q',
  'H',
  's',
  'B',
  'b',
  'f',
  'a',
  'T',
  'M',
  'D',
  'L',
  'p',
]);
const HEADER_ATOM = /^\{([^}]+)\}([ioe])$/;

function text(value: string | number | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function atom(info: AccessInfo, key: string): string {
  const [path = '', query] = splitUrl(info.url);
  switch (key) {
    case 'h':
      return info.remoteAddress ?? '-';
    case 'l':
      return '-';
    case 'u':
      return info.user ?? '-';
    case 't':
      return apacheTimeCached(info.start);
    case 'r':
      return `${info.method} ${info.url} HTTP/${info.httpVersion}`;
    case 'm':
      return info.method;
    case 'U':
      return path;
    case 'q':
      return query ?? '';
    case 'H':
      return `HTTP/${info.httpVersion}`;
    case 's':
      return String(info.status);
    case 'B':
      return text(info.responseHeader('content-length')) ?? '0';
    case 'b':
      return text(info.responseHeader('content-length')) ?? '-';
    case 'f':
      return text(info.requestHeader('referer')) ?? '-';
    case 'a':
      return text(info.requestHeader('user-agent')) ?? '-';
    case 'T':
      return String(Math.floor(info.durationMs / 1000));
    case 'M':
      return String(Math.round(info.durationMs));
    case 'D':
      return String(Math.round(info.durationMs * 1000));
    case 'L':
      return (info.durationMs / 1000).toFixed(6);
    case 'p':
      return `<${info.pid}>`;
    default: {
      const match = HEADER_ATOM.exec(key);
      if (match === null) return '-';
      const [, name = '', where] = match;
      if (where === 'i') return text(info.requestHeader(name.toLowerCase())) ?? '-';
      if (where === 'o') return text(info.responseHeader(name.toLowerCase())) ?? '-';
      // {VAR}e exposed the WSGI environ in gunicorn; dwi has none to show.
      return '-';
    }
  }
}

function splitUrl(url: string): [string, string | undefined] {
  const q = url.indexOf('?');
  return q === -1 ? [url, undefined] : [url.slice(0, q), url.slice(q + 1)];
}

export function isAccessAtom(key: string): boolean {
  return ATOMS.has(key) || HEADER_ATOM.test(key);
}

/** Control characters (Unicode's Cc: C0, DEL, C1): what a terminal or log viewer acts on. */
const CONTROLS = /\p{Cc}/gu;
const HAS_CONTROL = /\p{Cc}/u;

/**
 * A client's text with its control characters written as \xHH (as nginx logs them): the URL
 * and headers reach Node as latin1, so a byte 0x9b arrives as the C1 CSI, which a terminal
 * showing the log reads as an escape sequence, and a newline could forge a line.
 */
export function escapeControls(text: string): string {
  if (!HAS_CONTROL.test(text)) return text;
  return text.replace(
    CONTROLS,
    (char) => `\\x${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** Compiles an access_log_format; throws FormatError naming an unknown atom. */
export function compileAccessFormat(format: string): (info: AccessInfo) => string {
  const fill = compilePercentFormat(format, isAccessAtom);
  return (info) => fill((key) => escapeControls(atom(info, key)));
}

export { FormatError };

let cachedSecond = -1;
let cachedTime = '';

/** %(t)s changes once a second; under load most requests share it. */
function apacheTimeCached(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedTime = apacheTime(new Date(second * 1000));
  }
  return cachedTime;
}
