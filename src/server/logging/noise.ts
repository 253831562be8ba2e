/** Loggers the original installed its socket-noise filter on (root included). */
export const FILTERED_LOGGERS = new Set([
  'dwi.error',
  'dwi.access',
  'socketio.server',
  'engineio.server',
  'root',
]);
const SOCKETIO_LOGGERS = new Set(['socketio.server', 'engineio.server']);

/**
 * Hides routine disconnect noise (a client closing a tab is not an error) and counts what it
 * hid, so a periodic line can say how much was hidden instead of it vanishing unseen.
 */
export class NoiseFilter {
  private readonly patterns: Array<[pattern: string, lower: string]>;
  private readonly socketPatterns: Array<[pattern: string, lower: string]>;
  private counts = new Map<string, number>();

  constructor(patterns: readonly string[], socketioPatterns: readonly string[]) {
    this.patterns = patterns.map((p) => [p, p.toLowerCase()]);
    this.socketPatterns = socketioPatterns.map((p) => [p, p.toLowerCase()]);
  }

  /** True when the record should be hidden; counted by the pattern that matched. */
  hides(logger: string, message: string, errorText?: string): boolean {
    if (!FILTERED_LOGGERS.has(logger)) return false;
    const text = (errorText === undefined ? message : `${message}\n${errorText}`).toLowerCase();
    const hit =
      this.match(this.patterns, text) ??
      (SOCKETIO_LOGGERS.has(logger) ? this.match(this.socketPatterns, text) : undefined);
    if (hit === undefined) return false;
    this.counts.set(hit, (this.counts.get(hit) ?? 0) + 1);
    return true;
  }

  /** What was hidden since the last call, then starts counting afresh. */
  takeCounts(): Map<string, number> {
    const counts = this.counts;
    this.counts = new Map();
    return counts;
  }

  private match(patterns: Array<[string, string]>, text: string): string | undefined {
    for (const [pattern, lower] of patterns) if (text.includes(lower)) return pattern;
    return undefined;
  }
}

export function describeHidden(counts: Map<string, number>, seconds: number): string | undefined {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const detail = [...counts].map(([pattern, n]) => `${pattern}: ${n}`).join(', ');
  return `noise filter hid ${total} message${total === 1 ? '' : 's'} in the last ${seconds} s (${detail})`;
}
