/** The timeline's filters: as a query to the server, and as a test of a row that arrives live. */
import {
  TIMELINE_TYPES,
  type TimelineEvent,
  type TimelineType,
} from '../../../../shared/timeline.js';

export interface TimelineFilter {
  /** A container (or image, network, volume) by name or full id. */
  container: string;
  /** A compose project's raw label. */
  project: string;
  type: '' | TimelineType;
  /** A user who acted through dwi, or `outside`. */
  actor: string;
  /** datetime-local values (the browser's local time), or ''. */
  since: string;
  until: string;
}

export const NO_FILTER: TimelineFilter = {
  container: '',
  project: '',
  type: '',
  actor: '',
  since: '',
  until: '',
};

const isoOf = (local: string) => (local === '' ? undefined : new Date(local).toISOString());

/** The query string of GET /api/events for a filter (empty fields left out). */
export function timelineQuery(filter: TimelineFilter): Record<string, string | undefined> {
  return {
    container: filter.container.trim() || undefined,
    project: filter.project.trim() || undefined,
    type: filter.type || undefined,
    actor: filter.actor.trim() || undefined,
    since: isoOf(filter.since),
    until: isoOf(filter.until),
  };
}

/** Whether a row belongs in the filtered list, as the server would decide it. */
export function matches(row: TimelineEvent, filter: TimelineFilter): boolean {
  const query = timelineQuery(filter);
  if (
    query.container !== undefined &&
    row.actor_id !== query.container &&
    row.actor_name !== query.container
  )
    return false;
  if (query.project !== undefined && row.project !== query.project) return false;
  if (query.type !== undefined && row.type !== query.type) return false;
  if (query.actor === 'outside' && row.origin !== 'outside') return false;
  if (query.actor !== undefined && query.actor !== 'outside' && row.username !== query.actor)
    return false;
  if (query.since !== undefined && row.time < query.since) return false;
  if (query.until !== undefined && row.time >= query.until) return false;
  return true;
}

/** A stored filter read back: anything malformed is no filter. */
export function isTimelineFilter(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return (
    Object.keys(NO_FILTER).every((key) => typeof record[key] === 'string') &&
    (record.type === '' || TIMELINE_TYPES.includes(record.type as TimelineType))
  );
}
