/** gunicorn's access_log_format atoms, rendered from one finished request. */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { apacheTime, compilePercentFormat, FormatError } from './pyformat.js';

export interface AccessInfo {
  remoteAddress: string | undefined;
  method: string;
  /** Path and query, as the client sent it. */
  url: string;
  httpVersion: string;
  status: number;
  requestHeaders: IncomingHttpHeaders;
  responseHeaders: OutgoingHttpHeaders;
  /** When the request arrived. */
  start: Date;
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

function header(
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
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
      return apacheTime(info.start);
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
      return header(info.responseHeaders, 'content-length') ?? '0';
    case 'b':
      return header(info.responseHeaders, 'content-length') ?? '-';
    case 'f':
      return header(info.requestHeaders, 'referer') ?? '-';
    case 'a':
      return header(info.requestHeaders, 'user-agent') ?? '-';
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
      if (where === 'i') return header(info.requestHeaders, name) ?? '-';
      if (where === 'o') return header(info.responseHeaders, name) ?? '-';
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

/** Compiles an access_log_format; throws FormatError naming an unknown atom. */
export function compileAccessFormat(format: string): (info: AccessInfo) => string {
  const fill = compilePercentFormat(format, isAccessAtom);
  return (info) => fill((key) => atom(info, key));
}

export { FormatError };
