/**
 * The timeline: every engine event (containers, images, networks, volumes) newest first, with
 * who caused it: a user who acted through dwi, or "outside" (the docker CLI, compose, a
 * restart policy). Filters are remembered across reloads; rows recorded since arrive live.
 */
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { TIMELINE_TYPES, type TimelineEvent } from '../../../../shared/timeline.js';
import { InputField, SelectField } from '../../../components/Field.js';
import { DataTable, Loaded, Panel, type DataColumn } from '../../../components/Panel.js';
import panel from '../../../components/panel.module.css';
import { clockTime } from '../../../lib/format.js';
import { useSocketStatus } from '../../../lib/live.js';
import { usePersistentState } from '../../../lib/storage.js';
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
  const [filter, setFilter] = usePersistentState<TimelineFilter>(
    'timeline.filter',
    NO_FILTER,
    isTimelineFilter,
  );
  const [draft, setDraft] = useState(filter);
  const pages = useTimelinePages(filter);
  const socket = useSocketStatus();
  const rows = pages.data?.pages.flatMap((page) => page.events) ?? [];
  const filtered = Object.values(filter).some((value) => value !== '');

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
  };
  const field = <K extends keyof TimelineFilter>(key: K, value: TimelineFilter[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));

  return (
    <div className={panel.page}>
      <HistoryTabs />
      <Panel
        id="timeline"
        title="Timeline"
        aside={
          <span className={panel.live} data-live={socket.state === 'connected'}>
            {socket.state === 'connected'
              ? 'New events appear as they happen'
              : 'Not live: reconnecting…'}
          </span>
        }
      >
        <form className={panel.filters} onSubmit={apply} aria-label="Timeline filters">
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
          <InputField
            label="From"
            type="datetime-local"
            value={draft.since}
            onChange={(value) => field('since', value)}
          />
          <InputField
            label="Until"
            type="datetime-local"
            value={draft.until}
            onChange={(value) => field('until', value)}
          />
          <div className={panel.filterButtons}>
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
        <Loaded read={pages} loading="Loading the timeline…">
          {() =>
            rows.length === 0 ? (
              <p className={panel.hint}>
                {filtered
                  ? 'No event matches these filters.'
                  : 'Nothing recorded yet. Events appear here as the engine reports them.'}
              </p>
            ) : (
              <>
                <DataTable label="Engine events, newest first" columns={COLUMNS}>
                  {rows.map((row) => (
                    <EventRow key={row.id} row={row} />
                  ))}
                </DataTable>
                {pages.hasNextPage && (
                  <button
                    type="button"
                    className="button"
                    disabled={pages.isFetchingNextPage}
                    onClick={() => void pages.fetchNextPage()}
                  >
                    {pages.isFetchingNextPage ? 'Loading…' : 'Load older events'}
                  </button>
                )}
              </>
            )
          }
        </Loaded>
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
