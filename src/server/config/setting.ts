/**
 * The shape of one setting and the converters shared by the settings table.
 * Every setting is declared once (see sections/); the CLI parser, the env loader, --help,
 * --print-config, --check-config and docs/settings.md are all generated from the table.
 */

/** Where an effective value came from, lowest precedence first. */
export const SOURCES = ['default', 'file', 'cmd_args', 'env', 'flag'] as const;
export type Source = (typeof SOURCES)[number];

export class SettingError extends Error {}

export interface Setting<T = unknown, N extends string = string> {
  /** snake_case name, as in a config file and gunicorn's config. */
  name: N;
  section: string;
  /** CLI flags, gunicorn's names first. Empty for settings that only a config file can set. */
  flags: string[];
  /** Placeholder shown in --help, e.g. ADDRESS; absent for boolean switches. */
  metavar?: string;
  /** A repeatable flag: each use adds one item to the list. */
  repeatable?: boolean;
  /** A switch: the flag takes no value and means `true`. */
  switch?: boolean;
  /** Environment variable names; the first is DWI_<NAME>, later ones are lower-precedence aliases. */
  env: string[];
  default: T;
  /** Turns a raw value (string from argv/env, or anything from a config file) into T, or throws SettingError. */
  convert(raw: unknown): T;
  /** One line for --help and the settings reference. */
  doc: string;
  /** Render the value for --print-config; defaults to JSON-ish. */
  show?(value: T): string;
}

export function defineSetting<T, N extends string>(
  s: Omit<Setting<T, N>, 'env'> & { env?: string[]; fileOnly?: boolean },
): Setting<T, N> {
  const { fileOnly, ...rest } = s;
  return { ...rest, env: fileOnly ? [] : (s.env ?? [`DWI_${s.name.toUpperCase()}`]) };
}

export function toInt(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: unknown): number => {
    const n = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      throw new SettingError(`expected an integer, got ${describe(raw)}`);
    }
    if (n < min || n > max) {
      throw new SettingError(
        max === Number.MAX_SAFE_INTEGER
          ? `must be at least ${min}, got ${n}`
          : `must be between ${min} and ${max}, got ${n}`,
      );
    }
    return n;
  };
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on', 'y', 't']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', 'n', 'f', '']);

export function toBool(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw new SettingError(`expected true or false, got ${describe(raw)}`);
}

export function toStr(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return String(raw);
  throw new SettingError(`expected a string, got ${describe(raw)}`);
}

export function toOptionalStr(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const s = toStr(raw);
  return s === '' ? null : s;
}

/** A list: an array from a config file, or comma-separated text from env. */
export function toList(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(toStr).filter((s) => s !== '');
  if (typeof raw === 'string') {
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
  throw new SettingError(`expected a list of strings, got ${describe(raw)}`);
}

export function oneOf<T extends string>(choices: readonly T[], aliases: Record<string, T> = {}) {
  return (raw: unknown): T => {
    const word = toStr(raw).trim().toLowerCase();
    const hit = (choices as readonly string[]).includes(word) ? (word as T) : aliases[word];
    if (hit === undefined) {
      const all = [...choices, ...Object.keys(aliases)];
      throw new SettingError(`expected one of ${all.join(', ')}, got ${describe(raw)}`);
    }
    return hit;
  };
}

export function describe(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw);
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'function') return 'a function';
  if (typeof raw === 'object') return 'an object';
  return String(raw);
}
