/**
 * Log lines into the compact form the viewer keeps: a chunk is one string holding its lines
 * back to back, their end offsets, times and flags in typed arrays. A million lines are then a
 * few hundred strings and arrays, not a million objects. Runs in the parser worker; pure.
 */
import { stripAnsi } from './ansi.js';

export const LEVEL_MASK = 0b111;
export const Level = { none: 0, error: 1, warn: 2, info: 3, debug: 4 } as const;
export type LevelName = Exclude<keyof typeof Level, 'none'>;
/** A healing marker ("waiting", "resumed", "stale"), not a line of the log. */
export const MARKER = 0b1000;
/** The line's text is a JSON object: it can be pretty-printed. */
export const JSON_LINE = 0b10000;
/** The line's stream, when the server said (it does for every line of a log page or batch). */
export const STDERR = 0b100000;
export const STDOUT = 0b1000000;

export interface LogChunk {
  /** The lines back to back: "<RFC 3339 timestamp> <text>" each (a marker: its message). */
  text: string;
  /** Where each line ends in `text` (the next begins there). */
  ends: Uint32Array;
  /** Each line's time, in ms since the epoch (NaN when it has none). */
  times: Float64Array;
  flags: Uint8Array;
  /** Merged logs: each line's container (an index into the view's list of them). */
  sources?: Uint16Array;
}

export interface RawLine {
  line: string;
  stream?: 'stdout' | 'stderr';
  marker?: boolean;
  /** Merged logs: the line's container, an index into the view's list of them. */
  source?: number;
}

const LEVEL_KEY = /\b(?:level|lvl|severity)["']?\s*[=:]\s*["']?([a-z]+)/i;
const LEVEL_WORD =
  /(?:^|[\s[(<|])(fatal|panic|emerg(?:ency)?|crit(?:ical)?|err(?:or)?|warn(?:ing)?|info|notice|debug|trace)(?=[\s\]):>|,]|$)/i;

function levelOf(word: string): number {
  const w = word.toLowerCase();
  if (/^(fatal|panic|emerg|crit|err)/.test(w)) return Level.error;
  if (w.startsWith('warn')) return Level.warn;
  if (w === 'info' || w === 'notice' || w === 'information') return Level.info;
  if (w === 'debug' || w === 'trace') return Level.debug;
  return Level.none;
}

/**
 * Guesses a line's level from its text: a `level=`/`"level":` key first, then a level word
 * standing on its own near the start (`[ERROR]`, `WARN `, `E ...` is too vague and not read).
 */
export function detectLevel(text: string): number {
  const head = text.length > 200 ? text.slice(0, 200) : text;
  const key = LEVEL_KEY.exec(head);
  if (key !== null) {
    const level = levelOf(key[1]!);
    if (level !== Level.none) return level;
  }
  const word = LEVEL_WORD.exec(head.length > 80 ? head.slice(0, 80) : head);
  return word === null ? Level.none : levelOf(word[1]!);
}

/** A row's `data-level`: errors and warnings are marked, other levels are not. */
export function markedLevel(flags: number): 'error' | 'warn' | undefined {
  const level = flags & LEVEL_MASK;
  return level === Level.error ? 'error' : level === Level.warn ? 'warn' : undefined;
}

/** Splits "2026-11-24T21:00:00.123456789Z text" into its timestamp and text. */
export function splitLine(line: string): { timestamp: string; text: string } {
  const space = line.indexOf(' ');
  if (space === -1 || !/^\d{4}-\d\d-\d\dT/.test(line)) return { timestamp: '', text: line };
  return { timestamp: line.slice(0, space), text: line.slice(space + 1) };
}

/** A log timestamp as ms since the epoch (NaN if it is none). */
export function timeOf(timestamp: string): number {
  if (timestamp === '') return NaN;
  // Date.parse reads milliseconds at most: cut the nanoseconds first.
  const cut = timestamp.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(cut);
}

/** One line's flags: level, marker, JSON, stream. */
function flagsOf(raw: RawLine, text: string): number {
  if (raw.marker === true) return MARKER;
  const plain = stripAnsi(text);
  let flags = detectLevel(plain);
  const trimmed = plain.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) flags |= JSON_LINE;
  if (raw.stream === 'stderr') flags |= STDERR;
  else if (raw.stream === 'stdout') flags |= STDOUT;
  return flags;
}

/** Lines (each "<timestamp> <text>", without newline) into one chunk. */
export function buildChunk(lines: readonly RawLine[]): LogChunk {
  const ends = new Uint32Array(lines.length);
  const times = new Float64Array(lines.length);
  const flags = new Uint8Array(lines.length);
  const sources = lines[0]?.source === undefined ? undefined : new Uint16Array(lines.length);
  const parts: string[] = new Array<string>(lines.length);
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    // A line never holds a newline or carriage return: they would break its offsets' meaning.
    const line = raw.line.includes('\r') ? raw.line.replace(/\r/g, '') : raw.line;
    const { timestamp, text } = splitLine(line);
    parts[i] = line;
    offset += line.length;
    ends[i] = offset;
    times[i] = timeOf(timestamp);
    flags[i] = flagsOf(raw, text);
    if (sources !== undefined) sources[i] = raw.source ?? 0;
  }
  return {
    text: parts.join(''),
    ends,
    times,
    flags,
    ...(sources === undefined ? {} : { sources }),
  };
}

/** A line as the server tells its stream (LogStreamCode: `1`, `2`, `-` a marker of dwi's own). */
export function rawLine(line: string, code: string | undefined): RawLine {
  if (code === '1') return { line, stream: 'stdout' };
  if (code === '2') return { line, stream: 'stderr' };
  if (code === '-') return { line, marker: true };
  return { line };
}

/** A REST page's text (lines each ending in a newline), and its streams, as raw lines. */
export function linesOfText(text: string, streams?: string): RawLine[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => rawLine(line, streams?.[i]));
}
