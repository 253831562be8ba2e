/**
 * The crash reports, newest first: containers that exited with an error, were killed for
 * memory, or turned unhealthy, each kept with its last lines after the container is gone. A
 * restart loop is one row with its count. The list is read again when a report comes in.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import type { CrashSummary } from '../../../../shared/crashes.js';
import { InputField } from '../../../components/Field.js';
import { FilterForm, PagedTable, Panel, type DataColumn } from '../../../components/Panel.js';
import panel from '../../../components/panel.module.css';
import { crashReasonText } from '../../../lib/crash-list.js';
import { clockTime } from '../../../lib/format.js';
import { crashPagesQuery } from '../api/crashes.js';
import { HistoryTabs } from './HistoryTabs.js';
import styles from './history.module.css';

const COLUMNS: DataColumn[] = [
  'Last',
  'Container',
  'What happened',
  'Times',
  { label: 'Image', wide: true },
  { label: 'Project', wide: true },
];

export function CrashesPage() {
  const [container, setContainer] = useState('');
  const [draft, setDraft] = useState('');
  const pages = useInfiniteQuery(crashPagesQuery({ container }));
  const rows = pages.data?.pages.flatMap((page) => page.crashes) ?? [];

  return (
    <div className={panel.page}>
      <HistoryTabs />
      <Panel id="crashes" title="Crash reports">
        <FilterForm label="Crash report filters" onApply={() => setContainer(draft)}>
          <InputField
            label="Container"
            value={draft}
            maxLength={255}
            placeholder="a name or id"
            onChange={setDraft}
          />
        </FilterForm>
        <PagedTable
          pages={pages}
          count={rows.length}
          loading="Loading the crash reports…"
          empty={
            container !== ''
              ? `No crash report for ${container}.`
              : 'No crash yet. A container that exits with an error, is killed for memory or turns unhealthy gets a report here, with its last lines.'
          }
          label="Crash reports, newest first"
          columns={COLUMNS}
          older="Load older reports"
        >
          {rows.map((crash) => (
            <CrashRow key={crash.id} crash={crash} />
          ))}
        </PagedTable>
      </Panel>
    </div>
  );
}

function CrashRow({ crash }: { crash: CrashSummary }) {
  return (
    <tr>
      <td className={panel.nowrap}>
        <time dateTime={crash.last_at} title={crash.last_at}>
          {clockTime(crash.last_at)}
        </time>
      </td>
      <td className={styles.name}>
        <Link href={`/crashes/${crash.id}`} title="Open the crash report">
          {crash.container_name}
        </Link>
      </td>
      <td>
        <span className={styles.reason} data-reason={crash.reason}>
          {crashReasonText(crash)}
        </span>
      </td>
      <td>{crash.count}</td>
      <td className={panel.wide}>{crash.image}</td>
      <td className={panel.wide}>{crash.project ?? ''}</td>
    </tr>
  );
}
