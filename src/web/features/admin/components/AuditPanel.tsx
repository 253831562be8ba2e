/**
 * The audit log: filters (user, action text, result, time range) remembered across reloads,
 * pages of 100 newest first with older ones on demand, and rows written since arriving live
 * over the socket (admins get `audit_appended`), no polling.
 */
import type { AuditEntry } from '../../../../shared/api.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { InputField, SelectField } from '../../../components/Field.js';
import { clockTime } from '../../../lib/format.js';
import { useFilterDraft } from '../../../lib/filter-draft.js';
import { arrivedLive, useAuditPages } from '../api/audit.js';
import { isAuditFilter, NO_FILTER, type AuditFilter } from '../lib/audit-filter.js';
import {
  FilterForm,
  PagedTable,
  LiveNote,
  Panel,
  TimeRangeFields,
  type DataColumn,
} from '../../../components/Panel.js';
import panel from '../../../components/panel.module.css';
import styles from './admin.module.css';

const RESULTS: Array<AuditFilter['result']> = ['', 'success', 'failure', 'denied'];

const COLUMNS: DataColumn[] = [
  'Time',
  'User',
  'Action',
  'Result',
  { label: 'Detail', wide: true },
  { label: 'Source', wide: true },
  { label: 'Request', wide: true },
];

export function AuditPanel() {
  const { filter, draft, filtered, clearable, field, apply, clear } = useFilterDraft<AuditFilter>(
    'admin.audit.filter',
    NO_FILTER,
    isAuditFilter,
  );
  const pages = useAuditPages(filter);
  const rows = pages.data?.pages.flatMap((page) => page.entries) ?? [];

  return (
    <Panel
      id="audit"
      title="Audit log"
      aside={<LiveNote>New rows appear as they are written</LiveNote>}
    >
      <FilterForm label="Audit filters" onApply={apply} onClear={clear} clearable={clearable}>
        <InputField
          label="User"
          value={draft.username}
          maxLength={64}
          onChange={(value) => field('username', value)}
        />
        <InputField
          label="Action contains"
          value={draft.action}
          maxLength={300}
          placeholder="/api/users, DELETE…"
          onChange={(value) => field('action', value)}
        />
        <SelectField
          label="Result"
          value={draft.result}
          options={RESULTS.map((result) => ({ value: result, label: result || 'any' }))}
          onChange={(value) => field('result', value)}
        />
        <TimeRangeFields since={draft.since} until={draft.until} onChange={field} />
      </FilterForm>
      <PagedTable
        pages={pages}
        count={rows.length}
        loading="Loading the audit log…"
        empty={filtered ? 'No row matches these filters.' : 'Nothing audited yet.'}
        label="Audit rows, newest first"
        columns={COLUMNS}
        older="Load older rows"
      >
        {rows.map((row) => (
          <AuditRow key={row.id} row={row} />
        ))}
      </PagedTable>
    </Panel>
  );
}

function AuditRow({ row }: { row: AuditEntry }) {
  return (
    <tr className={arrivedLive.has(row) ? panel.arrived : undefined}>
      <td className={panel.nowrap}>
        <time dateTime={row.time} title={row.time}>
          {clockTime(row.time)}
        </time>
      </td>
      <td>{row.username ?? '—'}</td>
      <td className={styles.action}>
        <code>{row.action}</code>
        {row.count > 1 && <span className={panel.badge}>×{row.count}</span>}
      </td>
      <td>
        <span className={styles.result} data-result={row.result}>
          {row.result}
        </span>
      </td>
      <td className={panel.wide}>{row.detail ?? ''}</td>
      <td className={panel.wide}>
        {row.source ?? row.peer ?? ''}
        {row.peer && row.source && row.peer !== row.source ? ` via ${row.peer}` : ''}
      </td>
      <td className={`${panel.wide} ${panel.nowrap}`}>
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
