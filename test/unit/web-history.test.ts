/** Pure parts of the history pages: the timeline's filter and live merge, event words, crash badges, the metrics history's columns. */
import { describe, expect, it } from 'vitest';
import type { CrashSummary } from '../../src/shared/crashes.js';
import type { TimelineEvent } from '../../src/shared/timeline.js';
import { clockLabels } from '../../src/web/features/container/lib/axis.js';
import { seriesOfHistory } from '../../src/web/features/container/lib/series.js';
import { mergeEvents, type Pages } from '../../src/web/features/history/lib/live-rows.js';
import { eventDetail, isTrouble } from '../../src/web/features/history/lib/describe.js';
import {
  isTimelineFilter,
  matches,
  NO_FILTER,
  timelineQuery,
} from '../../src/web/features/history/lib/timeline-filter.js';
import { BADGE_MS, recentCrashOf, withCrash } from '../../src/web/lib/crash-list.js';

function event(id: number, fields: Partial<TimelineEvent> = {}): TimelineEvent {
  return {
    id,
    time: new Date(Date.UTC(2026, 10, 30, 12, 0, id)).toISOString(),
    time_nano: `${Date.UTC(2026, 10, 30, 12, 0, id)}000000`,
    type: 'container',
    action: 'start',
    actor_id: 'a'.repeat(64),
    actor_name: 'web-1',
    project: 'shop',
    origin: 'outside',
    username: null,
    request_id: null,
    attributes: {},
    ...fields,
  };
}

const pages = (...lists: number[][]): Pages => ({
  pages: lists.map((ids) => ({ events: ids.map((id) => event(id)), before: ids.at(-1) ?? null })),
  pageParams: lists.map((ids, index) => (index === 0 ? null : (lists[index - 1]!.at(-1) ?? null))),
});

const ids = (data: Pages) => data.pages.map((page) => page.events.map((e) => e.id));

describe('the timeline filter', () => {
  it('asks the server only for the fields given, times as ISO', () => {
    expect(timelineQuery(NO_FILTER)).toEqual({
      container: undefined,
      project: undefined,
      type: undefined,
      actor: undefined,
      since: undefined,
      until: undefined,
    });
    const query = timelineQuery({ ...NO_FILTER, container: ' web-1 ', since: '2026-11-30T12:00' });
    expect(query.container).toBe('web-1');
    expect(query.since).toBe(new Date('2026-11-30T12:00').toISOString());
  });

  it('lets in a live row as the server would: by name or id, project, type, user or outside', () => {
    const row = event(1, { origin: 'dwi', username: 'alice' });
    expect(matches(row, NO_FILTER)).toBe(true);
    expect(matches(row, { ...NO_FILTER, container: 'web-1' })).toBe(true);
    expect(matches(row, { ...NO_FILTER, container: 'a'.repeat(64) })).toBe(true);
    expect(matches(row, { ...NO_FILTER, container: 'web-2' })).toBe(false);
    expect(matches(row, { ...NO_FILTER, project: 'shop' })).toBe(true);
    expect(matches(row, { ...NO_FILTER, project: 'other' })).toBe(false);
    expect(matches(row, { ...NO_FILTER, type: 'image' })).toBe(false);
    expect(matches(row, { ...NO_FILTER, actor: 'alice' })).toBe(true);
    expect(matches(row, { ...NO_FILTER, actor: 'outside' })).toBe(false);
    expect(matches(event(2), { ...NO_FILTER, actor: 'outside' })).toBe(true);
    expect(matches(event(2), { ...NO_FILTER, actor: 'alice' })).toBe(false);
    expect(matches(row, { ...NO_FILTER, until: '2026-01-01T00:00' })).toBe(false);
  });

  it('reads back only a well-formed stored filter', () => {
    expect(isTimelineFilter(NO_FILTER)).toBe(true);
    expect(isTimelineFilter({ ...NO_FILTER, type: 'volume' })).toBe(true);
    expect(isTimelineFilter({ ...NO_FILTER, type: 'secret' })).toBe(false);
    expect(isTimelineFilter({ container: 'x' })).toBe(false);
    expect(isTimelineFilter(null)).toBe(false);
  });
});

describe("the timeline's live rows", () => {
  it('go on top of the first page, newest first, each once', () => {
    const merged = mergeEvents(pages([5, 4], [3, 2]), [event(7), event(6), event(5)]);
    expect(ids(merged)).toEqual([
      [7, 6, 5, 4],
      [3, 2],
    ]);
    expect(mergeEvents(merged, [event(6)])).toBe(merged);
  });

  it('keep the newest rows past the cap, with a cursor that goes on below them', () => {
    const merged = mergeEvents(pages([5, 4], [3, 2]), [event(6), event(7)], 4);
    expect(ids(merged)).toEqual([[7, 6, 5, 4]]);
    expect(merged.pages[0]!.before).toBe(4);
    expect(merged.pageParams).toEqual([null]);
  });
});

describe('event words', () => {
  it('say what happened from the attributes that tell it', () => {
    expect(eventDetail({ type: 'container', action: 'die', attributes: { exitCode: '3' } })).toBe(
      'exit code 3',
    );
    expect(eventDetail({ type: 'container', action: 'kill', attributes: { signal: '9' } })).toBe(
      'signal 9',
    );
    expect(
      eventDetail({ type: 'container', action: 'start', attributes: { image: 'busybox' } }),
    ).toBe('image busybox');
    expect(
      eventDetail({
        type: 'network',
        action: 'connect',
        attributes: { container: 'b'.repeat(64) },
      }),
    ).toBe(`container ${'b'.repeat(12)}`);
    expect(
      eventDetail({ type: 'container', action: 'rename', attributes: { oldName: '/old' } }),
    ).toBe('was old');
    expect(eventDetail({ type: 'image', action: 'pull', attributes: {} })).toBe('');
  });

  it('mark exits with an error, memory kills and failed health checks as trouble, a clean or asked-for exit not', () => {
    expect(isTrouble({ action: 'die', attributes: { exitCode: '3' } })).toBe(true);
    expect(isTrouble({ action: 'die', attributes: { exitCode: '0' } })).toBe(false);
    // A stop's SIGTERM and a kill's SIGKILL were asked for.
    expect(isTrouble({ action: 'die', attributes: { exitCode: '143' } })).toBe(false);
    expect(isTrouble({ action: 'die', attributes: { exitCode: '137' } })).toBe(false);
    expect(isTrouble({ action: 'oom', attributes: {} })).toBe(true);
    expect(isTrouble({ action: 'health_status: unhealthy', attributes: {} })).toBe(true);
    expect(isTrouble({ action: 'health_status: healthy', attributes: {} })).toBe(false);
  });
});

describe('crash badges', () => {
  const now = Date.UTC(2026, 10, 30, 12);
  const crash = (id: number, name: string, hoursAgo: number, project: string | null = null) =>
    ({
      id,
      container_id: 'c'.repeat(64),
      container_name: name,
      project,
      image: 'busybox',
      reason: 'exit',
      exit_code: 3,
      oom_killed: false,
      count: 1,
      first_at: new Date(now - hoursAgo * 3600_000).toISOString(),
      last_at: new Date(now - hoursAgo * 3600_000).toISOString(),
    }) satisfies CrashSummary;

  it("show a container's or project's newest crash of the last day, no older one", () => {
    const list = [crash(1, 'web', 2, 'shop'), crash(2, 'web', 1, 'shop'), crash(3, 'db', 30)];
    expect(recentCrashOf(list, (c) => c.container_name === 'web', now)?.id).toBe(2);
    expect(recentCrashOf(list, (c) => c.project === 'shop', now)?.id).toBe(2);
    expect(recentCrashOf(list, (c) => c.container_name === 'db', now)).toBeUndefined();
    expect(BADGE_MS).toBe(24 * 3600_000);
  });

  it('take a restart loop counted again in place of its older self', () => {
    const list = [crash(2, 'web', 1), crash(1, 'db', 2)];
    const again = { ...crash(1, 'db', 0), count: 5 };
    expect(withCrash(list, again).map((c) => [c.id, c.count])).toEqual([
      [1, 5],
      [2, 1],
    ]);
  });
});

describe('the metrics history as chart columns', () => {
  const history = (t: number[]) => ({
    step: 10,
    t,
    cpu_percent: t.map(() => 5),
    memory_bytes: t.map(() => 1000),
    rx_bytes_per_s: t.map(() => 1),
    tx_bytes_per_s: t.map(() => 2),
    read_bytes_per_s: t.map(() => 3),
    write_bytes_per_s: t.map(() => 4),
  });

  it('bridges one missed point and breaks the line at a longer gap', () => {
    const series = seriesOfHistory(history([100, 110, 130, 200, 210]));
    expect(series.time).toEqual([100, 110, 130, 140, 200, 210]);
    expect(series.cpu).toEqual([5, 5, 5, null, 5, 5]);
    expect(series.write).toEqual([4, 4, 4, null, 4, 4]);
    expect(series.memoryLimit).toEqual([]);
  });

  it('labels a tick at local midnight with its day, for ranges of days', () => {
    const midnight = new Date(2026, 10, 29, 0, 0, 0).getTime() / 1000;
    const six = new Date(2026, 10, 29, 6, 0, 0).getTime() / 1000;
    expect(clockLabels([midnight, six], 21_600)).toEqual(['29 Nov', '06:00']);
    // Minutes apart (the live charts' five minutes), midnight is a time like any.
    expect(clockLabels([midnight], 60)).toEqual(['00:00']);
  });
});
