import { hookSettings } from './sections/hooks.js';
import { limitSettings } from './sections/limits.js';
import { loggingSettings } from './sections/logging.js';
import { logSettings } from './sections/logs.js';
import { realtimeSettings } from './sections/realtime.js';
import { securitySettings } from './sections/security.js';
import { serverSettings } from './sections/server.js';
import type { Setting } from './setting.js';

/** The one settings table, in the order --help and the docs show it. */
export const SETTINGS = [
  ...serverSettings,
  ...loggingSettings,
  ...logSettings,
  ...securitySettings,
  ...realtimeSettings,
  ...limitSettings,
  ...hookSettings,
] as const;

type AnySetting = (typeof SETTINGS)[number];

/** Effective settings, keyed by name, typed from the table. */
export type Settings = {
  [S in AnySetting as S['name']]: S extends Setting<infer T, string> ? T : never;
};

export const SETTINGS_BY_NAME: ReadonlyMap<string, Setting> = new Map(
  SETTINGS.map((s) => [s.name, s as Setting]),
);

export function defaultSettings(): Settings {
  return Object.fromEntries(SETTINGS.map((s) => [s.name, s.default])) as Settings;
}
