/**
 * The charts (uPlot, in a chunk of its own loaded with this file): CPU, memory (and its limit,
 * when the container has one), network and block I/O rates over the local clock. Live, they
 * show the last minutes; over the history, a set range, where dragging across a chart picks a
 * shorter one. The legend gives each line's latest value in its unit, or the value under the
 * pointer. Canvas colours are read from the theme's tokens and read again when it changes.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatBytes as decimalBytes } from '../../../lib/bytes.js';
import { formatBytes, formatPercent } from '../../../lib/stats-rates.js';
import {
  byteLabels,
  byteSteps,
  clockLabel,
  clockLabels,
  MINUTE_TICK_PX,
  percentLabels,
  timeSteps,
} from '../lib/axis.js';
import { WINDOW_SECONDS, type Series } from '../lib/series.js';
import styles from './container.module.css';

interface Line {
  label: string;
  values: (series: Series) => Array<number | null>;
  /** Which token colours it: 0 the accent, 1 the second colour. */
  tone: 0 | 1;
  dashed?: boolean;
}

interface Chart {
  title: string;
  lines: Line[];
  /** A value as the legend says it, with its unit. */
  format: (value: number) => string;
  /** The y axis' labels for its ticks and their step. */
  labels: (ticks: number[], step: number) => string[];
  /** The y axis' tick steps, when uPlot's own (1, 2, 2.5, 5 of each power of ten) won't do. */
  steps?: number[];
  /** The smallest top of the y axis, so a quiet container draws a flat line, not noise. */
  minTop: number;
}

/** Network and block I/O, in decimal units as `docker stats` gives them. */
const rate = (value: number) => `${decimalBytes(value)}/s`;
const rateLabels = (ticks: number[], step: number) => byteLabels(ticks, step, 1000, '/s');

function charts(memoryLimited: boolean): Chart[] {
  return [
    {
      title: 'CPU',
      lines: [{ label: 'used', values: (s) => s.cpu, tone: 0 }],
      format: formatPercent,
      labels: percentLabels,
      minTop: 1,
    },
    {
      title: 'Memory',
      lines: [
        { label: 'used', values: (s) => s.memory, tone: 0 },
        ...(memoryLimited
          ? [
              {
                label: 'limit',
                values: (s: Series) => s.memoryLimit,
                tone: 1 as const,
                dashed: true,
              },
            ]
          : []),
      ],
      format: formatBytes,
      labels: (ticks, step) => byteLabels(ticks, step, 1024),
      steps: byteSteps(1024),
      minTop: 1024 * 1024,
    },
    {
      title: 'Network',
      lines: [
        { label: 'received', values: (s) => s.rx, tone: 0 },
        { label: 'sent', values: (s) => s.tx, tone: 1 },
      ],
      format: rate,
      labels: rateLabels,
      steps: byteSteps(1000),
      minTop: 1000,
    },
    {
      title: 'Block I/O',
      lines: [
        { label: 'read', values: (s) => s.read, tone: 0 },
        { label: 'written', values: (s) => s.write, tone: 1 },
      ],
      format: rate,
      labels: rateLabels,
      steps: byteSteps(1000),
      minTop: 1000,
    },
  ];
}

/** Bumps when the page's theme changes (the user's choice or the system's). */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', bump);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    return () => {
      media.removeEventListener('change', bump);
      observer.disconnect();
    };
  }, []);
  return version;
}

/** What the x axis spans: the last minutes (live), or a range, which a drag may narrow. */
export type Span =
  | { kind: 'live' }
  | { kind: 'range'; from: number; to: number; onSelect: (from: number, to: number) => void };

const LIVE: Span = { kind: 'live' };

export default function StatsCharts({
  series,
  memoryLimited,
  span = LIVE,
}: {
  series: Series;
  memoryLimited: boolean;
  span?: Span;
}) {
  const theme = useThemeVersion();
  return (
    <div className={styles.charts}>
      {charts(memoryLimited).map((chart) => (
        <ChartView key={`${chart.title}-${theme}`} chart={chart} series={series} span={span} />
      ))}
    </div>
  );
}

/** "rgb(1, 2, 3)" as "rgba(1, 2, 3, alpha)". */
function withAlpha(color: string, alpha: number): string {
  const channels = /rgba?\(([^)]+)\)/.exec(color)?.[1]?.split(',').slice(0, 3);
  return channels ? `rgba(${channels.join(',')}, ${alpha})` : color;
}

const PLOT_HEIGHT = 140;

/** Text widths in the axes' font, for a y axis just wide enough for its labels. */
let measurer: CanvasRenderingContext2D | null = null;
function textWidth(text: string, font: string): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (measurer === null) return text.length * 7;
  measurer.font = font;
  return measurer.measureText(text).width;
}

/** Narrower than this (seconds), a drag is a click, not a range. */
const MIN_SELECTION_S = 60;

function ChartView({ chart, series, span }: { chart: Chart; series: Series; span: Span }) {
  const box = useRef<HTMLDivElement>(null);
  // The chart is built once: its scale and its drag read the span as it is now.
  const spanNow = useRef(span);
  useEffect(() => {
    spanNow.current = span;
  }, [span]);
  const swatches = useRef<HTMLSpanElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The sample under the pointer, if it is over the plot.
  const [hovered, setHovered] = useState<number | null>(null);
  const data = (s: Series): uPlot.AlignedData => [
    s.time,
    ...chart.lines.map((line) => line.values(s)),
  ];

  useEffect(() => {
    const element = box.current;
    const palette = swatches.current;
    if (element === null || palette === null) return;
    const [accent, second, muted, grid] = [...palette.children].map(
      (swatch) => getComputedStyle(swatch).color,
    ) as [string, string, string, string];
    const font = `12px ${getComputedStyle(element).fontFamily}`;
    const axis = {
      stroke: muted,
      font,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1, size: 5 },
      gap: 4,
    };
    const made = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height: PLOT_HEIGHT,
        legend: { show: false },
        cursor: {
          y: false,
          points: { size: 6 },
          drag: { x: span.kind === 'range', y: false, setScale: false },
        },
        hooks: {
          setCursor: [(u) => setHovered(u.cursor.idx ?? null)],
          setSelect: [
            (u) => {
              const current = spanNow.current;
              if (current.kind !== 'range' || u.select.width === 0) return;
              const from = u.posToVal(u.select.left, 'x');
              const to = u.posToVal(u.select.left + u.select.width, 'x');
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              if (to - from >= MIN_SELECTION_S) current.onSelect(Math.floor(from), Math.ceil(to));
            },
          ],
        },
        scales: {
          x: {
            time: true,
            // Live: the whole window, the newest sample at the right, filling in as it goes.
            range: (_u, _min, max) => {
              const current = spanNow.current;
              return current.kind === 'range'
                ? [current.from, current.to]
                : [max - WINDOW_SECONDS, max];
            },
          },
          y: { range: (_u, _min, max) => [0, Math.max(max, chart.minTop) * 1.1] },
        },
        axes: [
          {
            ...axis,
            // A tick a minute at 390 px and on a desktop; seconds only on a wide plot.
            space: MINUTE_TICK_PX,
            size: 26,
            incrs: (_u, _axis, min, max, width) => timeSteps(max - min, width),
            values: (_u, ticks, _axis, _space, step) => clockLabels(ticks, step),
          },
          {
            ...axis,
            space: 30,
            ...(chart.steps ? { incrs: chart.steps } : {}),
            values: (_u, ticks, _axis, _space, step) => chart.labels(ticks, step),
            // As wide as its longest label: a narrow screen keeps its width for the plot.
            size: (_u, labels) =>
              Math.ceil(
                Math.max(0, ...(labels ?? []).map((label) => textWidth(label, font))) + 5 + 4 + 6,
              ),
          },
        ],
        series: [
          {},
          ...chart.lines.map((line) => {
            const color = line.tone === 0 ? accent : second;
            return {
              label: line.label,
              stroke: color,
              width: 1.5,
              ...(line.dashed ? { dash: [4, 4] } : { fill: withAlpha(color, 0.12) }),
              spanGaps: false,
            };
          }),
        ],
      },
      [[], ...chart.lines.map(() => [])],
      element,
    );
    plot.current = made;
    const resize = new ResizeObserver(() =>
      made.setSize({ width: Math.max(200, element.clientWidth), height: PLOT_HEIGHT }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = null;
    };
    // Built once per chart (and theme: the key); the data flows in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    plot.current?.setData(data(series));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [series, span]);

  const last = series.time.length - 1;
  const shownAt = hovered !== null && hovered <= last ? hovered : last;
  const valueAt = (line: Line, index: number) => {
    const value = line.values(series)[index];
    return value === null || value === undefined ? '–' : chart.format(value);
  };
  const summary = chart.lines.map((line) => `${line.label} ${valueAt(line, last)}`).join(', ');
  const hoveredTime = hovered !== null ? series.time[shownAt] : undefined;

  return (
    <figure className={styles.chart} data-samples={series.time.length}>
      <figcaption className={styles.chartTitle}>
        {chart.title}
        <span className={styles.legend} aria-hidden="true">
          {hoveredTime !== undefined && (
            <span className={styles.legendTime}>{clockLabel(hoveredTime, true)}</span>
          )}
          {chart.lines.map((line) => (
            <span
              key={line.label}
              className={styles.legendItem}
              data-tone={line.tone}
              data-dashed={line.dashed ? '' : undefined}
            >
              {line.label} <span className={styles.legendValue}>{valueAt(line, shownAt)}</span>
            </span>
          ))}
        </span>
      </figcaption>
      <span ref={swatches} className={styles.swatches} aria-hidden="true">
        <span data-tone="0" />
        <span data-tone="1" />
        <span data-tone="muted" />
        <span data-tone="grid" />
      </span>
      <div
        ref={box}
        className={styles.plot}
        role="img"
        aria-label={
          span.kind === 'live'
            ? `${chart.title} over the last minutes${last >= 0 ? `; now: ${summary}` : ''}`
            : `${chart.title} from ${clockLabel(span.from, false)} to ${clockLabel(span.to, false)}${last >= 0 ? `; at the end: ${summary}` : ''}`
        }
      />
    </figure>
  );
}
