/** Python logging levels, the names users write, and pino's levels underneath. */
export const PY_LEVELS = {
  NOTSET: 0,
  DEBUG: 10,
  INFO: 20,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
} as const;
export type PyLevelName = keyof typeof PY_LEVELS;

const PINO_TO_PY = new Map<number, number>([
  [10, 5], // trace: below DEBUG, shown only by a NOTSET handler
  [20, PY_LEVELS.DEBUG],
  [30, PY_LEVELS.INFO],
  [40, PY_LEVELS.WARNING],
  [50, PY_LEVELS.ERROR],
  [60, PY_LEVELS.CRITICAL],
]);

export function pinoToPy(level: number): number {
  return PINO_TO_PY.get(level) ?? level;
}

/** The pino level name that lets exactly the records at or above a Python level through. */
export function pyToPinoName(level: number): string {
  if (level <= 5) return 'trace';
  if (level <= PY_LEVELS.DEBUG) return 'debug';
  if (level <= PY_LEVELS.INFO) return 'info';
  if (level <= PY_LEVELS.WARNING) return 'warn';
  if (level <= PY_LEVELS.ERROR) return 'error';
  return 'fatal';
}

export function levelName(level: number): string {
  if (level >= PY_LEVELS.CRITICAL) return 'CRITICAL';
  if (level >= PY_LEVELS.ERROR) return 'ERROR';
  if (level >= PY_LEVELS.WARNING) return 'WARNING';
  if (level >= PY_LEVELS.INFO) return 'INFO';
  return 'DEBUG';
}

const ALIASES: Record<string, number> = { WARN: PY_LEVELS.WARNING, FATAL: PY_LEVELS.CRITICAL };

/** "warning", "WARNING", "warn", 30 or "30" -> 30; undefined when not a level. */
export function parseLevel(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toUpperCase();
  if (/^\d+$/.test(word)) return Number(word);
  return (PY_LEVELS as Record<string, number>)[word] ?? ALIASES[word];
}
