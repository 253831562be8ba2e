/** Loggers the original installed its socket-noise filter on (root included). */
export const FILTERED_LOGGERS = new Set([
  'dwi.error',
  'dwi.access',
  'socketio.server',
  'engineio.server',
  'root',
]);
const SOCKETIO_LOGGERS = new Set(['socketio.server', 'engineio.server']);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One case-insensitive regex for a list: it runs on every access line. */
function anyOf(patterns: readonly string[]): RegExp | undefined {
  return patterns.length === 0 ? undefined : new RegExp(patterns.map(escape).join('|'), 'i');
}

/**
 * Hides routine disconnect noise (a client closing a tab is not an error) and counts what it
 * hid, so a periodic line can say how much was hidden instead of it vanishing unseen.
 */
export class NoiseFilter {
  private readonly everywhere: RegExp | undefined;
  private readonly socketio: RegExp | undefined;
  private readonly patterns: readonly string[];
  private counts = new Map<string, number>();

  constructor(patterns: readonly string[], socketioPatterns: readonly string[]) {
    this.everywhere = anyOf(patterns);
    this.socketio = anyOf(socketioPatterns);
    this.patterns = [...patterns, ...socketioPatterns];
  }

  /** True when the record should be hidden; counted by the pattern that matched. */
  hides(logger: string, message: string, errorText?: string): boolean {
    if (!FILTERED_LOGGERS.has(logger)) return false;
    const text = errorText === undefined ? message : `${message}\n${errorText}`;
    const match =
      this.everywhere?.exec(text) ??
      (SOCKETIO_LOGGERS.has(logger) ? this.socketio?.exec(text) : undefined);
    if (match === null || match === undefined) return false;
    const found = match[0].toLowerCase();
    const pattern = this.patterns.find((p) => p.toLowerCase() === found) ?? match[0];
    this.counts.set(pattern, (this.counts.get(pattern) ?? 0) + 1);
    return true;
  }

  /** What was hidden since the last call, then starts counting afresh. */
  takeCounts(): Map<string, number> {
    const counts = this.counts;
    this.counts = new Map();
    return counts;
  }
}

/** The periodic line; without `seconds` (at exit) it counts since the last report. */
export function describeHidden(counts: Map<string, number>, seconds?: number): string | undefined {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const detail = [...counts].map(([pattern, n]) => `${pattern}: ${n}`).join(', ');
  const period = seconds === undefined ? 'since the last report' : `in the last ${seconds} s`;
  return `noise filter hid ${total} message${total === 1 ? '' : 's'} ${period} (${detail})`;
}
