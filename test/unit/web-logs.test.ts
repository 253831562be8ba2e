/** The log viewer's pure parts: ANSI parsing, line parsing and levels, the store, the filter. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySgr, parseAnsi, stripAnsi } from '../../src/web/features/logs/lib/ansi.js';
import {
  buildChunk,
  detectLevel,
  JSON_LINE,
  Level,
  LEVEL_MASK,
  linesOfText,
  MARKER,
  STDERR,
  timeOf,
} from '../../src/web/features/logs/lib/parse.js';
import { LogStore } from '../../src/web/features/logs/lib/store.js';
import {
  formatTime,
  fromInputValue,
  justAfter,
  toInputValue,
  unixSeconds,
} from '../../src/web/features/logs/lib/time.js';
import { FilteredView, linePredicate } from '../../src/web/features/logs/lib/view.js';

const ESC = '\u001b';

describe('ANSI', () => {
  it('turns SGR colours and styles into runs, and drops every other escape', () => {
    expect(parseAnsi(`${ESC}[31mred${ESC}[0m plain ${ESC}[1;32mbold green${ESC}[39m`)).toEqual([
      { text: 'red', style: { fg: { index: 1 } } },
      { text: ' plain ', style: {} },
      { text: 'bold green', style: { bold: true, fg: { index: 2 } } },
    ]);
    expect(parseAnsi(`${ESC}[2J${ESC}[Hcleared${ESC}]0;title\u0007 done`)).toEqual([
      { text: 'cleared', style: {} },
      { text: ' done', style: {} },
    ]);
    expect(parseAnsi('no codes')).toEqual([{ text: 'no codes', style: {} }]);
  });

  it('reads bright, 256-colour and truecolor codes, and resets', () => {
    expect(applySgr({}, '91;104')).toEqual({ fg: { index: 9 }, bg: { index: 12 } });
    expect(applySgr({}, '38;5;27')).toEqual({ fg: { rgb: 'rgb(0,95,255)' } });
    expect(applySgr({}, '38;5;3')).toEqual({ fg: { index: 3 } });
    expect(applySgr({}, '38;5;244')).toEqual({ fg: { rgb: 'rgb(128,128,128)' } });
    expect(applySgr({}, '48;2;10;20;300')).toEqual({ bg: { rgb: 'rgb(10,20,255)' } });
    expect(applySgr({ bold: true, fg: { index: 1 } }, '')).toEqual({});
    expect(applySgr({ bold: true, fg: { index: 1 } }, '22;39')).toEqual({
      bold: false,
      dim: false,
    });
  });

  it('strips codes for filters and levels, and never leaves an escape behind', () => {
    expect(stripAnsi(`${ESC}[33mWARN${ESC}[0m slow`)).toBe('WARN slow');
    const messy = `${ESC}[1;31;4m${ESC}[Kx${ESC}[?25l${ESC}(B${ESC}[m`;
    expect(stripAnsi(messy)).toBe('x');
    expect(
      parseAnsi(messy)
        .map((r) => r.text)
        .join(''),
    ).toBe('x');
  });
});

describe('lines', () => {
  it('guesses levels from keys and words, not from words inside others', () => {
    expect(detectLevel('{"level":"error","msg":"x"}')).toBe(Level.error);
    expect(detectLevel('time=1 level=warn msg=slow')).toBe(Level.warn);
    expect(detectLevel('2026/11/30 [ERROR] db down')).toBe(Level.error);
    expect(detectLevel('WARNING: disk')).toBe(Level.warn);
    expect(detectLevel('panic: runtime error')).toBe(Level.error);
    expect(detectLevel('INFO started')).toBe(Level.info);
    expect(detectLevel('0 errors, all fine')).toBe(Level.none);
    expect(detectLevel('terrorist movie review')).toBe(Level.none);
  });

  it('packs lines into one chunk: text, ends, times, flags', () => {
    const chunk = buildChunk([
      { line: '2026-11-24T21:00:00.123456789Z ERROR boom' },
      { line: '2026-11-24T21:00:01Z {"a":1}', stream: 'stderr' },
      { line: '2026-11-24T21:00:02Z waiting: container stopped', marker: true },
      { line: 'no timestamp\r' },
    ]);
    expect(chunk.text).toBe(
      '2026-11-24T21:00:00.123456789Z ERROR boom2026-11-24T21:00:01Z {"a":1}2026-11-24T21:00:02Z waiting: container stoppedno timestamp',
    );
    expect([...chunk.ends]).toEqual([41, 69, 116, 128]);
    expect(chunk.times[0]).toBe(Date.parse('2026-11-24T21:00:00.123Z'));
    expect(Number.isNaN(chunk.times[3])).toBe(true);
    expect(chunk.flags[0]! & LEVEL_MASK).toBe(Level.error);
    expect(chunk.flags[1]! & (JSON_LINE | STDERR)).toBe(JSON_LINE | STDERR);
    expect(chunk.flags[2]).toBe(MARKER);
    expect(linesOfText('a\nb\n')).toEqual([{ line: 'a' }, { line: 'b' }]);
    // A page's streams: one character a line (1 stdout, 2 stderr, - a marker of dwi's own).
    expect(linesOfText('a\nb\nc\n', '12-')).toEqual([
      { line: 'a', stream: 'stdout' },
      { line: 'b', stream: 'stderr' },
      { line: 'c', marker: true },
    ]);
    expect(timeOf('')).toBeNaN();
  });

  it('shifts timestamps by a nanosecond as unix seconds, and shows them', () => {
    const second = Date.parse('2026-11-24T21:00:00Z') / 1000;
    expect(unixSeconds('2026-11-24T21:00:00.123456789Z')).toBe(`${second}.123456789`);
    expect(justAfter('2026-11-24T21:00:00.999999999Z')).toBe(`${second + 1}.000000000`);
    expect(unixSeconds('2026-11-24T21:00:00Z', -1)).toBe(`${second - 1}.999999999`);
    expect(unixSeconds('2026-11-24T21:00:00.5+01:00')).toBe(`${second - 3600}.500000000`);
    expect(unixSeconds('not a time')).toBeUndefined();
    expect(formatTime(Date.parse('2026-11-24T21:00:00.123Z'), true)).toBe(
      '2026-11-24 21:00:00.123',
    );
  });

  describe("the jump's datetime-local value, in a zone an hour from UTC (and two in summer)", () => {
    const zone = process.env.TZ;
    beforeAll(() => void (process.env.TZ = 'Europe/Berlin'));
    afterAll(() => void (zone === undefined ? delete process.env.TZ : (process.env.TZ = zone)));

    it('shows a moment as the wall-clock time of the zone asked for, and reads it back', () => {
      const winter = Date.parse('2026-11-24T21:00:05Z');
      expect(toInputValue(winter, true)).toBe('2026-11-24T21:00:05');
      expect(toInputValue(winter, false)).toBe('2026-11-24T22:00:05');
      expect(fromInputValue('2026-11-24T22:00:05', false)).toBe(winter);
      expect(fromInputValue('2026-11-24T21:00:05', true)).toBe(winter);
      const summer = Date.parse('2026-07-01T10:00:00Z');
      expect(toInputValue(summer, false)).toBe('2026-07-01T12:00:00');
      expect(fromInputValue(toInputValue(summer, false), false)).toBe(summer);
      // Chromium leaves the seconds out when they are zero.
      expect(fromInputValue('2026-07-01T12:00', false)).toBe(summer);
      expect(fromInputValue('', false)).toBeNaN();
      expect(fromInputValue('2026-07-01', true)).toBeNaN();
    });
  });
});

/** Line n is stamped n seconds after START. */
const START = Date.parse('2026-11-24T21:00:00Z');
const numbered = (from: number, count: number) =>
  buildChunk(
    Array.from({ length: count }, (_, i) => ({
      line: `${new Date(START + (from + i) * 1000).toISOString()} line ${from + i}${(from + i) % 10 === 0 ? ' ERROR' : ''}`,
    })),
  );

describe('the store', () => {
  it('keeps sequence numbers across prepends, and drops the oldest past its cap', () => {
    const store = new LogStore(200);
    store.append(numbered(100, 100));
    store.prepend(numbered(0, 100));
    expect(store.firstSeq).toBe(-100);
    expect(store.line(-100)!.raw).toMatch(/ line 0 ERROR$/);
    expect(store.line(99)!.raw).toMatch(/ line 199$/);
    store.append(numbered(200, 100));
    // 300 lines, cap 200: the oldest chunk (100 lines) went.
    expect(store.length).toBe(200);
    expect(store.line(-1)).toBeUndefined();
    expect(store.line(0)!.raw).toMatch(/ line 100 ERROR$/);
    // Line 150 (seq 50), at 150 s, is the first at or after 149.5 s.
    expect(store.seqAtTime(START + 149_500)).toBe(50);
  });

  it('filters a held log in slices, extends as lines come, and forgets dropped ones', () => {
    const store = new LogStore(1000);
    for (let from = 0; from < 500; from += 100) store.append(numbered(from, 100));
    const view = new FilteredView(
      store,
      linePredicate({ text: '', level: 'error', stream: 'all' }),
    );
    expect(view.advance(Infinity)).toBe(true);
    expect(view.count).toBe(50);
    expect(view.at(1)).toBe(10);
    expect(view.indexOf(15)).toBe(2);
    for (let from = 500; from < 1100; from += 100) store.append(numbered(from, 100));
    view.advance(Infinity);
    // 1,100 lines, cap 1,000: the oldest chunk went (never leaving fewer than the cap).
    expect(store.firstSeq).toBe(100);
    expect(store.length).toBe(1000);
    expect(view.count).toBe(100);
    expect(view.at(0)).toBe(100);
    const text = new FilteredView(
      store,
      linePredicate({ text: 'LINE 77', level: 'all', stream: 'all' }),
    );
    text.advance(Infinity);
    expect([text.at(0), text.at(1)]).toEqual([770, 771]);
  });

  it('keeps the lines of one stream, and the markers, for a stream filter', () => {
    const store = new LogStore();
    store.append(
      buildChunk([
        { line: '2026-11-24T21:00:00Z to stdout 1', stream: 'stdout' },
        { line: '2026-11-24T21:00:01Z to stderr 2', stream: 'stderr' },
        { line: '2026-11-24T21:00:02Z [dwi] log stream reopened', marker: true },
        { line: '2026-11-24T21:00:03Z ERROR to stderr 4', stream: 'stderr' },
        { line: '2026-11-24T21:00:04Z to stdout 5', stream: 'stdout' },
      ]),
    );
    const kept = (filter: Parameters<typeof linePredicate>[0]) => {
      const view = new FilteredView(store, linePredicate(filter));
      view.advance(Infinity);
      return Array.from({ length: view.count }, (_, i) => view.at(i));
    };
    expect(kept({ text: '', level: 'all', stream: 'stdout' })).toEqual([0, 2, 4]);
    expect(kept({ text: '', level: 'all', stream: 'stderr' })).toEqual([1, 2, 3]);
    expect(kept({ text: '', level: 'error', stream: 'stderr' })).toEqual([2, 3]);
    expect(kept({ text: 'stderr', level: 'all', stream: 'stdout' })).toEqual([2]);
  });
});
