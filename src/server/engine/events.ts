/** The engine's event stream: parsing, resuming with `since`, and not applying anything twice. */

export interface EngineEvent {
  type: string;
  action: string;
  id: string;
  /** Nanoseconds since the epoch, kept as text: it is past Number's exact range. */
  timeNano: string;
  attributes: Record<string, string>;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
}

/** The event types followed: the model uses containers and images; the timeline all four. */
export const FOLLOWED_TYPES = ['container', 'image', 'network', 'volume'] as const;

/** One line of GET /events; undefined for a line that is not an event. */
export function parseEvent(line: string): EngineEvent | undefined {
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return undefined;
  }
  const id = raw.Actor?.ID ?? raw.id;
  const action = raw.Action ?? raw.status;
  if (raw.Type === undefined || action === undefined || id === undefined) return undefined;
  const nano = /"timeNano":\s*(\d+)/.exec(line)?.[1] ?? `${raw.time ?? 0}000000000`;
  return { type: raw.Type, action, id, timeNano: nano, attributes: raw.Actor?.Attributes ?? {} };
}

/** GET /events?since= takes "seconds.nanoseconds". */
export function sinceParam(timeNano: string): string {
  const padded = timeNano.padStart(10, '0');
  return `${padded.slice(0, -9)}.${padded.slice(-9)}`;
}

/** The engine's RFC 3339 clock reading (GET /info SystemTime) as a `since` value. */
export function sinceFromClock(rfc3339: string): string {
  const seconds = Math.floor(Date.parse(rfc3339) / 1000);
  const fraction = /\.(\d+)/.exec(rfc3339)?.[1] ?? '0';
  return `${seconds}.${fraction.padEnd(9, '0').slice(0, 9)}`;
}

/** Milliseconds since the epoch of an event (for lag figures). */
export function eventTimeMs(event: EngineEvent): number {
  return Number(event.timeNano.slice(0, -6) || '0');
}

/**
 * Events already applied, by time, actor and action. Resuming with `since` replays the
 * events of that very instant; these keys let them be skipped.
 */
export class AppliedEvents {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 4096) {}

  /** True the first time an event is seen; false for a replay. */
  firstTime(event: EngineEvent): boolean {
    const key = `${event.timeNano}|${event.type}|${event.id}|${event.action}`;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      // Sets iterate in insertion order: drop the oldest.
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return true;
  }
}
