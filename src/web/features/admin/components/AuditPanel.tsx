/**
 * The audit log: filters (user, action text, result, time range) remembered across reloads,
 * pages of 100 newest first with older ones on demand, and rows written since arriving live
 * over the socket (admins get `audit_appended`), no polling.
 */
import { useState, type FormEvent } from 'react';
import type { AuditEntry } from '../../../../shared/api.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { clockTime } from '../../../lib/format.js';
import { useSocketStatus } from '../../../lib/live.js';
import { usePersistentState } from '../../../lib/storage.js';
import { arrivedLive, useAuditPages } from '../api/audit.js';
import { isAuditFilter, NO_FILTER, type AuditFilter } from '../lib/audit-filter.js';
import { errorNotice, NoticeLine } from './Notice.js';
import { Field } from './Field.js';
import styles from './admin.module.css';

const RESULTS: Array<AuditFilter['result']> = ['', 'success', 'failure', 'denied'];

export function AuditPanel() {
  const [filter, setFilter] = usePersistentState<AuditFilter>(
    'admin.audit.filter',
    NO_FILTER,
    isAuditFilter,
  );
  const [draft, setDraft] = useState(filter);
  const pages = useAuditPages(filter);
  const socket = useSocketStatus();
  const rows = pages.data?.pages.flatMap((page) => page.entries) ?? [];
  const filtered = Object.values(filter).some((value) => value !== '');

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
  };
  const field = <K extends keyof AuditFilter>(key: K, value: AuditFilter[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));

  return (
    <section aria-labelledby="audit-title" className={styles.panel}>
      <div className={styles.panelHeader}>
        <h2 id="audit-title">Audit log</h2>
        <span className={styles.live} data-live={socket.state === 'connected'}>
          {socket.state === 'connected'
            ? 'New rows appear as they are written'
            : 'Not live: reconnecting…'}
        </span>
      </div>
      <form className={styles.filters} onSubmit={apply} aria-label="Audit filters">
        <Field label="User">
          {(id) => (
            <input
              id={id}
              className="input"
              value={draft.username}
              maxLength={64}
              onChange={(event) => field('username', event.target.value)}
            />
          )}
        </Field>
        <Field label="Action contains">
          {(id) => (
            <input
              id={id}
              className="input"
              value={draft.action}
              maxLength={300}
              placeholder="/api/users, DELETE…"
              onChange={(event) => field('action', event.target.value)}
            />
          )}
        </Field>
        <Field label="Result">
          {(id) => (
            <select
              id={id}
              className="input"
              value={draft.result}
              onChange={(event) => field('result', event.target.value as AuditFilter['result'])}
            >
              {RESULTS.map((result) => (
                <option key={result} value={result}>
                  {result || 'any'}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="From">
          {(id) => (
            <input
              id={id}
              className="input"
              type="datetime-local"
              value={draft.since}
              onChange={(event) => field('since', event.target.value)}
            />
          )}
        </Field>
        <Field label="Until">
          {(id) => (
            <input
              id={id}
              className="input"
              type="datetime-local"
              value={draft.until}
              onChange={(event) => field('until', event.target.value)}
            />
          )}
        </Field>
        <div className={styles.filterButtons}>
          <button type="submit" className="button primary">
            Apply
          </button>
          <button
            type="button"
            className="button"
            disabled={!filtered && Object.values(draft).every((value) => value === '')}
            onClick={() => {
              setDraft(NO_FILTER);
              setFilter(NO_FILTER);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {pages.isError ? (
        <NoticeLine notice={errorNotice(pages.error)} onDismiss={() => void pages.refetch()} />
      ) : pages.isPending ? (
        <p aria-busy="true">Loading the audit log…</p>
      ) : rows.length === 0 ? (
        <p className={styles.hint}>
          {filtered ? 'No row matches these filters.' : 'Nothing audited yet.'}
        </p>
      ) : (
        <>
          <div className={styles.tableWrap}>
            <table className={styles.table} aria-label="Audit rows, newest first">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">User</th>
                  <th scope="col">Action</th>
                  <th scope="col">Result</th>
                  <th scope="col" className={styles.wide}>
                    Detail
                  </th>
                  <th scope="col" className={styles.wide}>
                    Source
                  </th>
                  <th scope="col" className={styles.wide}>
                    Request
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <AuditRow key={row.id} row={row} />
                ))}
              </tbody>
            </table>
          </div>
          {pages.hasNextPage && (
            <button
              type="button"
              className="button"
              disabled={pages.isFetchingNextPage}
              onClick={() => void pages.fetchNextPage()}
            >
              {pages.isFetchingNextPage ? 'Loading…' : 'Load older rows'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function AuditRow({ row }: { row: AuditEntry }) {
  return (
    <tr className={arrivedLive.has(row) ? styles.arrived : undefined}>
      <td className={styles.nowrap}>
        <time dateTime={row.time} title={row.time}>
          {clockTime(row.time)}
        </time>
      </td>
      <td>{row.username ?? '—'}</td>
      <td className={styles.action}>
        <code>{row.action}</code>
        {row.count > 1 && <span className={styles.badge}>×{row.count}</span>}
      </td>
      <td>
        <span className={styles.result} data-result={row.result}>
          {row.result}
        </span>
      </td>
      <td className={styles.wide}>{row.detail ?? ''}</td>
      <td className={styles.wide}>
        {row.source ?? row.peer ?? ''}
        {row.peer && row.source && row.peer !== row.source ? ` via ${row.peer}` : ''}
      </td>
      <td className={`${styles.wide} ${styles.nowrap}`}>
        {row.request_id && (
          <>
            <code>{row.request_id.slice(0, 8)}</code>
            <CopyButton value={row.request_id} label="Copy the request id" />
          </>
        )}
      </td>
    </tr>
  );
}
