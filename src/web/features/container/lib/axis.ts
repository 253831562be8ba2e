/**
 * The live charts' axes: tick steps a person reads at a glance and their labels. Times are the
 * local clock ("10:41", or "10:41:20" when the ticks fall between minutes); memory is in binary
 * units (MiB, as `docker stats` shows it) and rates in decimal ones (KB/s, as it shows network
 * and block I/O), each axis in one unit. Pure.
 */

/**
 * Seconds between time ticks, smallest first: uPlot takes the first one that leaves room. The
 * hours and days are for the history's ranges (up to a week).
 */
export const TIME_STEPS = [
  1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
];

/** Pixels from one time tick to the next: "10:41" and a gap, or "10:41:20" and a gap. */
export const MINUTE_TICK_PX = 48;
const SECOND_TICK_PX = 72;

/**
 * The time steps whose ticks leave room for their labels on an axis `widthPx` wide spanning
 * `spanSeconds`: those between minutes carry seconds, so they need more room.
 */
export function timeSteps(spanSeconds: number, widthPx: number): number[] {
  return TIME_STEPS.filter(
    (step) => (step / spanSeconds) * widthPx >= (step % 60 === 0 ? MINUTE_TICK_PX : SECOND_TICK_PX),
  );
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A time (seconds since the epoch) on the local clock: "10:41", or "10:41:20" with seconds. */
export function clockLabel(seconds: number, withSeconds: boolean): string {
  const date = new Date(seconds * 1000);
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return withSeconds ? `${time}:${pad(date.getSeconds())}` : time;
}

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/**
 * The time axis' labels: seconds shown only when the step is not whole minutes; on an axis of
 * hours, a tick at local midnight says the day instead ("29 Nov"), so a range of days reads
 * as one.
 */
export function clockLabels(ticks: readonly number[], step: number): string[] {
  const withSeconds = step % 60 !== 0;
  return ticks.map((tick) => {
    const date = new Date(tick * 1000);
    if (step >= 3600 && date.getHours() === 0 && date.getMinutes() === 0)
      return `${date.getDate()} ${MONTHS[date.getMonth()]}`;
    return clockLabel(tick, withSeconds);
  });
}

export type ByteBase = 1000 | 1024;

const SYMBOLS: Record<ByteBase, readonly string[]> = {
  1000: ['B', 'KB', 'MB', 'GB', 'TB'],
  1024: ['B', 'KiB', 'MiB', 'GiB', 'TiB'],
};

/** Steps of 1, 2 and 5 of each unit (1 B ... 500 TiB): ticks land on round numbers of it. */
export function byteSteps(base: ByteBase): number[] {
  const steps: number[] = [];
  for (let unit = 0; unit < SYMBOLS[base].length; unit++)
    for (const magnitude of [1, 10, 100])
      for (const digit of [1, 2, 5]) steps.push(digit * magnitude * base ** unit);
  return [...new Set(steps)].sort((a, b) => a - b);
}

/** How many decimals a step needs to be told apart from the next tick ("0.5" needs one). */
export function decimalsOf(step: number): number {
  const [, fraction = ''] = String(Number(step.toPrecision(6))).split('.');
  return fraction.length;
}

/**
 * Labels of byte ticks, all in one unit: the largest tick's, when the step is a round number
 * of it (0.5 MB), else the step's own (500 KiB steps read as 500, 1000, 1500 KiB, not 0.49 MiB).
 */
export function byteLabels(
  ticks: readonly number[],
  step: number,
  base: ByteBase,
  suffix = '',
): string[] {
  const symbols = SYMBOLS[base];
  const unitOf = (value: number) => {
    let unit = 0;
    while (value >= base ** (unit + 1) && unit < symbols.length - 1) unit += 1;
    return unit;
  };
  let unit = unitOf(Math.max(0, ...ticks));
  if (!Number.isInteger((step * 10) / base ** unit)) unit = unitOf(step);
  const divisor = base ** unit;
  const decimals = decimalsOf(step / divisor);
  return ticks.map((tick) =>
    tick === 0 ? '0' : `${(tick / divisor).toFixed(decimals)} ${symbols[unit]}${suffix}`,
  );
}

/** Labels of percentage ticks ("0", "0.5 %", "1.0 %"). */
export function percentLabels(ticks: readonly number[], step: number): string[] {
  const decimals = decimalsOf(step);
  return ticks.map((tick) => (tick === 0 ? '0' : `${tick.toFixed(decimals)} %`));
}
