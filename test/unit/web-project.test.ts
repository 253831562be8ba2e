/** The project page's pure parts: its containers, and merging their logs in time order. */
import { describe, expect, it } from 'vitest';
import type { Container } from '../../src/shared/containers.js';
import { mergeByTime, Reorder } from '../../src/web/features/logs/lib/merge.js';
import type { RawLine } from '../../src/web/features/logs/lib/parse.js';
import { timeKey } from '../../src/web/features/logs/lib/time.js';
import { projectView, shortName } from '../../src/web/features/project/lib/project.js';

const line = (source: number, timestamp: string, text: string): RawLine => ({
  line: `${timestamp} ${text}`,
  stream: 'stdout',
  source,
});
const texts = (lines: RawLine[]) => lines.map((l) => l.line.slice(l.line.indexOf(' ') + 1));

describe('merged logs', () => {
  it('keys timestamps so that text order is time order, to the nanosecond', () => {
    // The engine leaves trailing zeros out: ".5" is later than ".49", earlier than ".51".
    const keys = ['2026-11-30T10:00:00.5Z', '2026-11-30T10:00:00.49Z', '2026-11-30T10:00:00.51Z']
      .map(timeKey)
      .sort();
    expect(keys).toEqual([
      '2026-11-30T10:00:00.490000000',
      '2026-11-30T10:00:00.500000000',
      '2026-11-30T10:00:00.510000000',
    ]);
    expect(timeKey('2026-11-30T10:00:00Z')).toBe('2026-11-30T10:00:00.000000000');
    expect(timeKey('not a time')).toBe('');
  });

  it('merges logs each in time order into one, ties in the logs order', () => {
    const web = [
      line(0, '2026-11-30T10:00:00.1Z', 'web a'),
      line(0, '2026-11-30T10:00:00.3Z', 'web b'),
      line(0, '2026-11-30T10:00:00.3Z', 'web c'),
    ];
    const db = [
      line(1, '2026-11-30T10:00:00.05Z', 'db a'),
      line(1, '2026-11-30T10:00:00.3Z', 'db b'),
      { line: 'db continued', source: 1 },
      line(1, '2026-11-30T10:00:01Z', 'db c'),
    ];
    expect(texts(mergeByTime([web, db]))).toEqual([
      'db a',
      'web a',
      'web b',
      'web c',
      'db b',
      // A line without a time stays after the line before it in its own log.
      'continued',
      'db c',
    ]);
  });

  it('holds live lines a moment so an earlier line of another container goes first', () => {
    const reorder = new Reorder(400);
    reorder.push(line(0, '2026-11-30T10:00:00.200Z', 'web late'), 1000);
    reorder.push(line(1, '2026-11-30T10:00:00.100Z', 'db early'), 1100);
    // Nothing has waited 400 ms yet.
    expect(reorder.release(1300)).toEqual([]);
    // The web line has: it goes, and the earlier db line (still young) goes before it.
    expect(texts(reorder.release(1400))).toEqual(['db early', 'web late']);
    expect(reorder.size).toBe(0);
    // A later line that arrived with them waits its own time.
    reorder.push(line(0, '2026-11-30T10:00:00.300Z', 'web 1'), 2000);
    reorder.push(line(1, '2026-11-30T10:00:00.900Z', 'db 2'), 2000);
    reorder.push(line(0, '2026-11-30T10:00:01.000Z', 'web 3'), 2300);
    expect(texts(reorder.release(2400))).toEqual(['web 1', 'db 2']);
    expect(texts(reorder.release(2700))).toEqual(['web 3']);
  });

  it("holds longer while another container's lines come later than this one's (a loaded host)", () => {
    const reorder = new Reorder(400);
    const T0 = Date.parse('2026-11-30T10:00:00Z');
    const at = (ms: number) => new Date(T0 + ms).toISOString();
    // The db's lines reach the page 1.1 s after they were written, the web's 0.1 s.
    reorder.push(line(0, at(0), 'web 0'), T0 + 100);
    reorder.push(line(1, at(0), 'db 0'), T0 + 1100);
    expect(texts(reorder.release(T0 + 1500))).toEqual(['web 0', 'db 0']);
    reorder.push(line(0, at(1500), 'web 1.5'), T0 + 1600);
    // Held its 400 ms, but the db may still send lines written before 1.5 s.
    expect(reorder.release(T0 + 2000)).toEqual([]);
    reorder.push(line(1, at(1000), 'db 1.0'), T0 + 2100);
    expect(texts(reorder.release(T0 + 2500))).toEqual(['db 1.0']);
    expect(texts(reorder.release(T0 + 2700))).toEqual(['web 1.5']);
    // A db that stopped writing holds nothing back past the wait.
    reorder.push(line(0, at(5000), 'web 5'), T0 + 5100);
    expect(texts(reorder.release(T0 + 5500))).toEqual(['web 5']);
  });

  it('lets a flood through at once rather than hold without bound', () => {
    const reorder = new Reorder(400, 3);
    for (let i = 0; i < 4; i++) reorder.push(line(i % 2, `2026-11-30T10:00:0${i}Z`, `l${i}`), 0);
    expect(texts(reorder.release(1))).toEqual(['l0', 'l1', 'l2', 'l3']);
  });
});

const container = (name: string, overrides: Partial<Container> = {}): Container =>
  ({
    id: `${name}-id`,
    name,
    image: 'busybox',
    state: 'running',
    project: 'shop',
    service: name.split('-')[0],
    ...overrides,
  }) as Container;

describe('a project', () => {
  it('has the containers labelled with it, by service then name, counted by state', () => {
    const view = projectView(
      [
        container('web-2'),
        container('db-1', { state: 'stopped' }),
        container('web-1'),
        container('other-1', { project: 'else' }),
        container('loose', { project: null }),
      ],
      'shop',
    );
    expect(view.containers.map((c) => c.name)).toEqual(['db-1', 'web-1', 'web-2']);
    expect(view.counts).toEqual({ running: 2, paused: 0, restarting: 0, stopped: 1 });
  });

  it("tags its containers' lines with their names less the project's prefix", () => {
    expect(shortName('shop-web-1', 'shop')).toBe('web-1');
    expect(shortName('shop_db_1', 'shop')).toBe('db_1');
    expect(shortName('cache', 'shop')).toBe('cache');
    expect(shortName('shopper-1', 'shop')).toBe('shopper-1');
  });
});
