/**
 * The live charts (uPlot, in a chunk of its own loaded with this file): CPU, memory (and its
 * limit, when the container has one), network and block I/O rates. Canvas colours are read
 * from the theme's tokens and read again when the theme changes.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatBytes, formatPercent } from '../../../lib/stats-rates.js';
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
  format: (value: number) => string;
  /** The smallest top of the y axis, so a quiet container draws a flat line, not noise. */
  minTop: number;
}

const rate = (value: number) => `${formatBytes(value)}/s`;

function charts(memoryLimited: boolean): Chart[] {
  return [
    {
      title: 'CPU',
      lines: [{ label: 'CPU %', values: (s) => s.cpu, tone: 0 }],
      format: formatPercent,
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
      minTop: 1024 * 1024,
    },
    {
      title: 'Network',
      lines: [
        { label: 'received', values: (s) => s.rx, tone: 0 },
        { label: 'sent', values: (s) => s.tx, tone: 1 },
      ],
      format: rate,
      minTop: 1024,
    },
    {
      title: 'Block I/O',
      lines: [
        { label: 'read', values: (s) => s.read, tone: 0 },
        { label: 'written', values: (s) => s.write, tone: 1 },
      ],
      format: rate,
      minTop: 1024,
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

export default function StatsCharts({
  series,
  memoryLimited,
}: {
  series: Series;
  memoryLimited: boolean;
}) {
  const theme = useThemeVersion();
  return (
    <div className={styles.charts}>
      {charts(memoryLimited).map((chart) => (
        <ChartView key={`${chart.title}-${theme}`} chart={chart} series={series} />
      ))}
    </div>
  );
}

/** "rgb(1, 2, 3)" as "rgba(1, 2, 3, alpha)". */
function withAlpha(color: string, alpha: number): string {
  const channels = /rgba?\(([^)]+)\)/.exec(color)?.[1]?.split(',').slice(0, 3);
  return channels ? `rgba(${channels.join(',')}, ${alpha})` : color;
}

function ChartView({ chart, series }: { chart: Chart; series: Series }) {
  const box = useRef<HTMLDivElement>(null);
  const swatches = useRef<HTMLSpanElement>(null);
  const plot = useRef<uPlot | null>(null);
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
    const axis = {
      stroke: muted,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    };
    const made = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height: 140,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          // The whole window, the newest sample at the right: the chart fills in as it goes.
          x: { time: true, range: (_u, _min, max) => [max - WINDOW_SECONDS, max] },
          y: { range: (_u, _min, max) => [0, Math.max(max, chart.minTop) * 1.1] },
        },
        axes: [
          { ...axis, space: 60 },
          { ...axis, size: 80, values: (_u, ticks) => ticks.map((tick) => chart.format(tick)) },
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
      made.setSize({ width: Math.max(200, element.clientWidth), height: 140 }),
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
  }, [series]);

  const last = series.time.length - 1;
  const summary = chart.lines
    .map((line) => {
      const value = line.values(series)[last];
      return `${line.label} ${value === null || value === undefined ? 'unknown' : chart.format(value)}`;
    })
    .join(', ');

  return (
    <figure className={styles.chart} data-samples={series.time.length}>
      <figcaption className={styles.chartTitle}>
        {chart.title}
        <span className={styles.legend} aria-hidden="true">
          {chart.lines.map((line) => (
            <span
              key={line.label}
              className={styles.legendItem}
              data-tone={line.tone}
              data-dashed={line.dashed ? '' : undefined}
            >
              {line.label}
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
        aria-label={`${chart.title} over the last minutes${last >= 0 ? `; now: ${summary}` : ''}`}
      />
    </figure>
  );
}
