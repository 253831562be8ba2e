/**
 * The audit log: pages read over REST (newest first, `before` for older ones), and rows written
 * afterwards pushed by the server to admins (`audit_appended`), merged into every cached page
 * list whose filter they match. Nothing is polled.
 */
import {
  infiniteQueryOptions,
  useInfiniteQuery,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import type { ApiData, AuditEntry } from '../../../../shared/api.js';
import type { AuditAppended } from '../../../../shared/events.js';
import { call } from '../../../lib/api.js';
import type { DwiSocket } from '../../../lib/socket.js';
import { auditQuery, matches, type AuditFilter } from '../lib/audit-filter.js';

const PAGE = 100;
const ACCOUNT_CHANGE = /^\S+ \/api\/(users|tokens)\b/;
type AuditPage = ApiData<'listAudit'>;

export const auditPagesQuery = (filter: AuditFilter) =>
  infiniteQueryOptions({
    queryKey: ['admin', 'audit', filter],
    queryFn: ({ pageParam, signal }) =>
      call('listAudit', {
        query: { ...auditQuery(filter), limit: PAGE, before: pageParam ?? undefined },
        signal,
      }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.before,
    staleTime: Infinity,
  });

export const useAuditPages = (filter: AuditFilter) => useInfiniteQuery(auditPagesQuery(filter));

/** Rows that came over the socket (not in a page read over REST): the table marks their arrival. */
export const arrivedLive = new WeakSet<AuditEntry>();

/** New rows into the first page (a row seen before, a folded one counted again, in place). */
export function mergeRows(
  data: InfiniteData<AuditPage, number | null>,
  rows: AuditEntry[],
): InfiniteData<AuditPage, number | null> {
  const known = new Map(rows.map((row) => [row.id, row]));
  const pages = data.pages.map((page) => ({
    ...page,
    entries: page.entries.map((entry) => {
      const newer = known.get(entry.id);
      if (newer === undefined) return entry;
      known.delete(entry.id);
      return newer;
    }),
  }));
  const fresh = [...known.values()].sort((a, b) => b.id - a.id);
  for (const row of fresh) arrivedLive.add(row);
  const [first, ...rest] = pages;
  if (first === undefined || fresh.length === 0) return { ...data, pages };
  return { ...data, pages: [{ ...first, entries: [...fresh, ...first.entries] }, ...rest] };
}

/** Writes audit_appended into the cached audit lists; returns the unsubscribe. */
export function bindAuditEvents(socket: DwiSocket, queryClient: QueryClient): () => void {
  const appended = ({ entries }: AuditAppended) => {
    for (const query of queryClient.getQueryCache().findAll({ queryKey: ['admin', 'audit'] })) {
      const filter = query.queryKey[2] as AuditFilter;
      const rows = entries.filter((row) => matches(row, filter));
      if (rows.length > 0)
        queryClient.setQueryData<InfiniteData<AuditPage, number | null>>(query.queryKey, (data) =>
          data === undefined ? data : mergeRows(data, rows),
        );
    }
    // Someone changed users or tokens (another admin, another tab): read those lists again.
    if (entries.some((row) => row.result === 'success' && ACCOUNT_CHANGE.test(row.action))) {
      void queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
      void queryClient.invalidateQueries({ queryKey: ['admin', 'tokens'] });
    }
  };
  socket.on('audit_appended', appended);
  return () => socket.off('audit_appended', appended);
}
