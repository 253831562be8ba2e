/**
 * ANSI escape codes in log lines: SGR colours and styles turned into styled runs of text, every
 * other escape sequence (cursor moves, OSC titles, erase) dropped, so no raw code ever shows.
 *
 * Our own small parser rather than anser or ansi_up: those build HTML strings (set through
 * innerHTML), while runs of plain text are rendered by React as text nodes, so a line can never
 * inject markup; and only visible lines are parsed, so its speed hardly matters.
 */

/** A colour: one of the 16 named ones (0-15, themed by CSS) or an RGB from 256/truecolor. */
export type AnsiColor = { index: number } | { rgb: string };

export interface AnsiStyle {
  fg?: AnsiColor;
  bg?: AnsiColor;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
  strike?: boolean;
}

export interface AnsiRun {
  text: string;
  style: AnsiStyle;
}

// CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \), other escapes (ESC, intermediate
// bytes, a final byte: charsets, keypad modes), and the
// bare C1 CSI. Any of them splits the text; only SGR ("m") changes the style.
/* eslint-disable no-control-regex -- escape codes are what this matches */
const ESCAPE =
  /\x1b\[([0-9;:?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]|\x9b[0-9;]*[@-~]/g;
/* eslint-enable no-control-regex */

/** The line without escape codes: what filters and level detection read. */
export function stripAnsi(line: string): string {
  return line.includes('\x1b') || line.includes('\x9b') ? line.replace(ESCAPE, '') : line;
}

function cube(n: number): string {
  // xterm's 256-colour palette: 16-231 a 6x6x6 cube, 232-255 a grey ramp.
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const c = n - 16;
  const level = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${level(Math.floor(c / 36))},${level(Math.floor(c / 6) % 6)},${level(c % 6)})`;
}

/** Reads an extended colour (38/48;5;n or 38/48;2;r;g;b) starting at codes[i]; returns it and how many codes it used. */
function extended(codes: number[], i: number): [AnsiColor | undefined, number] {
  const mode = codes[i + 1];
  if (mode === 5) {
    const n = codes[i + 2] ?? 0;
    return [n < 16 ? { index: n } : { rgb: cube(Math.min(n, 255)) }, 2];
  }
  if (mode === 2) {
    const [r = 0, g = 0, b = 0] = codes.slice(i + 2, i + 5).map((v) => Math.min(v, 255));
    return [{ rgb: `rgb(${r},${g},${b})` }, 4];
  }
  return [undefined, 0];
}

/** Applies one SGR sequence's codes to a style, returning the new style. */
export function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let next: AnsiStyle = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 7) next.inverse = true;
    else if (code === 9) next.strike = true;
    else if (code === 22) next.bold = next.dim = false;
    else if (code === 23) next.italic = false;
    else if (code === 24) next.underline = false;
    else if (code === 27) next.inverse = false;
    else if (code === 29) next.strike = false;
    else if (code >= 30 && code <= 37) next.fg = { index: code - 30 };
    else if (code >= 90 && code <= 97) next.fg = { index: code - 90 + 8 };
    else if (code >= 40 && code <= 47) next.bg = { index: code - 40 };
    else if (code >= 100 && code <= 107) next.bg = { index: code - 100 + 8 };
    else if (code === 39) delete next.fg;
    else if (code === 49) delete next.bg;
    else if (code === 38 || code === 48) {
      const [color, used] = extended(codes, i);
      if (color !== undefined) next[code === 38 ? 'fg' : 'bg'] = color;
      i += used;
    }
  }
  return next;
}

/** A line as runs of equally styled text, escape codes gone. */
export function parseAnsi(line: string): AnsiRun[] {
  if (!line.includes('\x1b') && !line.includes('\x9b')) return [{ text: line, style: {} }];
  const runs: AnsiRun[] = [];
  let style: AnsiStyle = {};
  let last = 0;
  ESCAPE.lastIndex = 0;
  for (let match = ESCAPE.exec(line); match !== null; match = ESCAPE.exec(line)) {
    if (match.index > last) runs.push({ text: line.slice(last, match.index), style });
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
    last = ESCAPE.lastIndex;
  }
  if (last < line.length) runs.push({ text: line.slice(last), style });
  return runs;
}
