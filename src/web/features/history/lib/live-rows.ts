/**
 * Rows of the timeline that arrive live, into the pages already read. A burst (a thousand
 * events a second) keeps the newest LIVE_CAP rows; older ones are a "Load older" away, as they
 * were. Pure (the pages have TanStack Query's infinite shape).
 */
import type { TimelineEvent, TimelinePage } from '../../../../shared/timeline.js';

/** The most rows a list keeps while events arrive. */
export const LIVE_CAP = 1000;

export interface Pages {
  pages: TimelinePage[];
  pageParams: Array<number | null>;
}

/** Rows that came over the socket (not in a page read over REST): the table marks their arrival. */
export const arrivedLive = new WeakSet<TimelineEvent>();

/**
 * New rows (any order) into the first page, each once. Past `cap` rows the list becomes one
 * page of the newest `cap`, its `before` the oldest kept: "Load older" goes on from there.
 */
export function mergeEvents(data: Pages, rows: readonly TimelineEvent[], cap = LIVE_CAP): Pages {
  const [first, ...rest] = data.pages;
  if (first === undefined) return data;
  const known = new Set(data.pages.flatMap((page) => page.events.map((event) => event.id)));
  const fresh = rows.filter((row) => !known.has(row.id)).sort((a, b) => b.id - a.id);
  if (fresh.length === 0) return data;
  for (const row of fresh) arrivedLive.add(row);
  const pages = [{ ...first, events: [...fresh, ...first.events] }, ...rest];
  const total = pages.reduce((sum, page) => sum + page.events.length, 0);
  if (total <= cap) return { ...data, pages };
  const kept = pages.flatMap((page) => page.events).slice(0, cap);
  return {
    pages: [{ events: kept, before: kept.at(-1)?.id ?? null }],
    pageParams: [null],
  };
}
