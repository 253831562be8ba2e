/**
 * Several containers' logs as one, in time order. Each log comes in time order on its own;
 * across them the order follows the lines' timestamps (to the nanosecond, by timeKey). Pure.
 */
import { splitLine, timeOf, type RawLine } from './parse.js';
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

/** How much a log's estimated delay falls (ms a ms) while its lines come sooner. */
const LAG_DECAY = 0.2;
/** Slack over the estimated delays: a batch's own spread. */
const LAG_MARGIN_MS = 100;

/**
 * Live lines of several logs, put in time order before they are shown. Lines arrive in batches
 * per container, a little apart, and a loaded host delays one container's lines more than
 * another's. Each log's delay is estimated (a line's arrival by the page's clock less its
 * timestamp, the clocks' offset the same for all: the highest lately, falling slowly); a line
 * is held at least `holdMs`, and until each other log that writes (a line within `waitMs`)
 * has sent a later line or, by its delay, would have sent its earlier ones; never longer than
 * `waitMs`. A line arriving later than that goes after what is shown already (it is never
 * lost). At most `maxHeld` lines wait: a flood is shown at once rather than held.
 */
export class Reorder {
  private held: Array<{ line: RawLine; key: string; arrived: number; source: number; at: number }> =
    [];
  /** Each log's newest key, when it came, and its estimated delay (ms, clock offset in). */
  private readonly logs = new Map<number, { key: string; arrived: number; lag: number }>();

  constructor(
    private readonly holdMs: number,
    private readonly maxHeld = 20_000,
    private readonly waitMs = 2000,
  ) {}

  get size(): number {
    return this.held.length;
  }

  push(line: RawLine, arrived: number): void {
    const source = line.source ?? 0;
    const known = this.logs.get(source);
    const key = keyOf(line, known?.key ?? '');
    const at = timeOf(splitLine(line.line).timestamp);
    let lag = known?.lag ?? -Infinity;
    if (known !== undefined) lag -= (arrived - known.arrived) * LAG_DECAY;
    if (Number.isFinite(at)) lag = Math.max(lag, arrived - at);
    this.logs.set(source, { key, arrived, lag });
    this.held.push({ line, key, arrived, source, at });
  }

  /**
   * The lines ripe by `now`, with every held line not later than the newest of them, in time
   * order; the rest wait.
   */
  release(now: number): RawLine[] {
    const flood = this.held.length > this.maxHeld;
    // When the other logs that write have delivered what they wrote up to this line's time:
    // each log comes in order, so one that sent a later line already has nothing earlier.
    const caughtUp = (entry: { key: string; source: number; at: number }) => {
      if (!Number.isFinite(entry.at)) return true;
      for (const [source, log] of this.logs)
        if (
          source !== entry.source &&
          log.key < entry.key &&
          now - log.arrived < this.waitMs &&
          now < entry.at + log.lag + LAG_MARGIN_MS
        )
          return false;
      return true;
    };
    const ripe = (entry: { key: string; arrived: number; source: number; at: number }) =>
      flood ||
      now - entry.arrived >= this.waitMs ||
      (now - entry.arrived >= this.holdMs && caughtUp(entry));
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
    this.logs.clear();
  }
}
