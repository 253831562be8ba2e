/** The audit page's filters: as a query to the server, and as a test of a row that arrives live. */
import type { AuditEntry } from '../../../../shared/api.js';

export interface AuditFilter {
  username: string;
  /** Text the action contains ("/api/users", "DELETE"). */
  action: string;
  result: '' | AuditEntry['result'];
  /** datetime-local values (the browser's local time), or ''. */
  since: string;
  until: string;
}

export const NO_FILTER: AuditFilter = {
  username: '',
  action: '',
  result: '',
  since: '',
  until: '',
};

const isoOf = (local: string) => (local === '' ? undefined : new Date(local).toISOString());

/** The query string of GET /api/audit for a filter (empty fields left out). */
export function auditQuery(filter: AuditFilter): Record<string, string | undefined> {
  return {
    username: filter.username.trim() || undefined,
    action_contains: filter.action.trim() || undefined,
    result: filter.result || undefined,
    since: isoOf(filter.since),
    until: isoOf(filter.until),
  };
}

/** Whether a row belongs in the filtered list, as the server would decide it. */
export function matches(row: AuditEntry, filter: AuditFilter): boolean {
  const query = auditQuery(filter);
  if (query.username !== undefined && row.username?.toLowerCase() !== query.username.toLowerCase())
    return false;
  if (query.action_contains !== undefined && !row.action.includes(query.action_contains))
    return false;
  if (query.result !== undefined && row.result !== query.result) return false;
  if (query.since !== undefined && row.time < query.since) return false;
  if (query.until !== undefined && row.time >= query.until) return false;
  return true;
}

/** A stored filter read back: anything malformed is no filter. */
export function isAuditFilter(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  return Object.keys(NO_FILTER).every(
    (key) => typeof (value as Record<string, unknown>)[key] === 'string',
  );
}
