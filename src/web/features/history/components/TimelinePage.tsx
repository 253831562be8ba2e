/**
 * The timeline: every engine event (containers, images, networks, volumes) newest first, with
 * who caused it: a user who acted through dwi, or "outside" (the docker CLI, compose, a
 * restart policy). Filters are remembered across reloads; rows recorded since arrive live.
 */
import { Link } from 'wouter';
import { TIMELINE_TYPES, type TimelineEvent } from '../../../../shared/timeline.js';
import { InputField, SelectField } from '../../../components/Field.js';
import {
  FilterForm,
  PagedTable,
  LiveNote,
  Panel,
  TimeRangeFields,
  type DataColumn,
} from '../../../components/Panel.js';
import panel from '../../../components/panel.module.css';
import { clockTime } from '../../../lib/format.js';
import { useFilterDraft } from '../../../lib/filter-draft.js';
import { useTimelinePages } from '../api/timeline.js';
import { arrivedLive } from '../lib/live-rows.js';
import { eventDetail, isTrouble } from '../lib/describe.js';
import { isTimelineFilter, NO_FILTER, type TimelineFilter } from '../lib/timeline-filter.js';
import { HistoryTabs } from './HistoryTabs.js';
import styles from './history.module.css';

const COLUMNS: DataColumn[] = [
  'Time',
  'Event',
  'Name',
  { label: 'Project', wide: true },
  'By',
  { label: 'Detail', wide: true },
];

export function TimelinePage() {
  const { filter, draft, filtered, clearable, field, apply, clear } =
    useFilterDraft<TimelineFilter>('timeline.filter', NO_FILTER, isTimelineFilter);
  const pages = useTimelinePages(filter);
  const rows = pages.data?.pages.flatMap((page) => page.events) ?? [];

  return (
    <div className={panel.page}>
      <HistoryTabs />
      <Panel
        id="timeline"
        title="Timeline"
        aside={<LiveNote>New events appear as they happen</LiveNote>}
      >
        <FilterForm label="Timeline filters" onApply={apply} onClear={clear} clearable={clearable}>
          <InputField
            label="Container or name"
            value={draft.container}
            maxLength={255}
            placeholder="web-1"
            onChange={(value) => field('container', value)}
          />
          <InputField
            label="Project"
            value={draft.project}
            maxLength={255}
            onChange={(value) => field('project', value)}
          />
          <SelectField
            label="Type"
            value={draft.type}
            options={['' as const, ...TIMELINE_TYPES].map((type) => ({
              value: type,
              label: type || 'any',
            }))}
            onChange={(value) => field('type', value)}
          />
          <InputField
            label="By"
            value={draft.actor}
            maxLength={64}
            placeholder="a user, or outside"
            onChange={(value) => field('actor', value)}
          />
          <TimeRangeFields since={draft.since} until={draft.until} onChange={field} />
        </FilterForm>
        <PagedTable
          pages={pages}
          count={rows.length}
          loading="Loading the timeline…"
          empty={
            filtered
              ? 'No event matches these filters.'
              : 'Nothing recorded yet. Events appear here as the engine reports them.'
          }
          label="Engine events, newest first"
          columns={COLUMNS}
          older="Load older events"
        >
          {rows.map((row) => (
            <EventRow key={row.id} row={row} />
          ))}
        </PagedTable>
      </Panel>
    </div>
  );
}

function EventRow({ row }: { row: TimelineEvent }) {
  const name = row.actor_name ?? row.actor_id.slice(0, 12);
  return (
    <tr
      className={arrivedLive.has(row) ? panel.arrived : undefined}
      data-trouble={isTrouble(row) || undefined}
    >
      <td className={panel.nowrap}>
        <time dateTime={row.time} title={row.time}>
          {clockTime(row.time)}
        </time>
      </td>
      <td className={styles.event}>
        <span className={styles.type}>{row.type}</span> <code>{row.action}</code>
      </td>
      <td className={styles.name}>
        {row.type === 'container' ? (
          <Link href={`/containers/${encodeURIComponent(name)}`}>{name}</Link>
        ) : (
          name
        )}
      </td>
      <td className={panel.wide}>
        {row.project !== null && (
          <Link href={`/projects/${encodeURIComponent(row.project)}`}>{row.project}</Link>
        )}
      </td>
      <td>
        {row.origin === 'dwi' ? (
          <span className={styles.user} title={row.request_id ?? undefined}>
            {row.username ?? 'dwi'}
          </span>
        ) : (
          <span className={styles.outside} title="Done without dwi: the docker CLI, compose, …">
            outside
          </span>
        )}
      </td>
      <td className={panel.wide}>{eventDetail(row)}</td>
    </tr>
  );
}
