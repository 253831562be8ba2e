/**
 * Several containers' logs as one, in time order. Each log comes in time order on its own;
 * across them the order follows the lines' timestamps (to the nanosecond, by timeKey). Pure.
 */
import { splitLine, type RawLine } from './parse.js';
import { timeKey } from './time.js';

/** A line's sort key; a line without a timestamp sorts with the line before it in its log. */
const keyOf = (line: RawLine, previous: string) =>
  timeKey(splitLine(line.line).timestamp) || previous;

/** Logs (each in time order) merged into one in time order; ties keep the logs' order. */
export function mergeByTime(logs: readonly (readonly RawLine[])[]): RawLine[] {
  const keyed: Array<{ line: RawLine; key: string }> = [];
  for (const log of logs) {
    let key = '';
    for (const line of log) keyed.push({ line, key: (key = keyOf(line, key)) });
  }
  // Array.prototype.sort is stable: lines of one log with equal keys keep their order.
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map(({ line }) => line);
}

/**
 * Live lines of several logs, put in time order before they are shown. Lines arrive in batches
 * per container, a little apart: each is held `holdMs` (by the page's clock) so that a line
 * written earlier in another container, still on its way, can go before it. A line arriving
 * later than that goes after what is shown already (it is never lost). At most `maxHeld` lines
 * wait: a flood is shown at once rather than held.
 */
export class Reorder {
  private held: Array<{ line: RawLine; key: string; arrived: number }> = [];
  private lastKey = new Map<number, string>();

  constructor(
    private readonly holdMs: number,
    private readonly maxHeld = 20_000,
  ) {}

  get size(): number {
    return this.held.length;
  }

  push(line: RawLine, arrived: number): void {
    const source = line.source ?? 0;
    const key = keyOf(line, this.lastKey.get(source) ?? '');
    this.lastKey.set(source, key);
    this.held.push({ line, key, arrived });
  }

  /**
   * The lines held `holdMs` by `now`, with every held line not later than the newest of them,
   * in time order; the rest wait.
   */
  release(now: number): RawLine[] {
    const flood = this.held.length > this.maxHeld;
    const ripe = (entry: { arrived: number }) => flood || now - entry.arrived >= this.holdMs;
    let cutoff: string | undefined;
    for (const entry of this.held)
      if (ripe(entry) && (cutoff === undefined || entry.key > cutoff)) cutoff = entry.key;
    if (cutoff === undefined) return [];
    const out: typeof this.held = [];
    const keep: typeof this.held = [];
    for (const entry of this.held) (ripe(entry) || entry.key <= cutoff! ? out : keep).push(entry);
    this.held = keep;
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out.map(({ line }) => line);
  }

  clear(): void {
    this.held = [];
    this.lastKey.clear();
  }
}
