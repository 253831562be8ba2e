/**
 * Light, dark or the system's theme, remembered. public/theme.js applies the remembered one
 * before the first paint; this keeps <html data-theme> in step afterwards, for every control
 * that changes it (the switch in the top bar, the command palette).
 */
import { useSyncExternalStore } from 'react';
import { readStored, writeStored } from './storage.js';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

let current: Theme = readStored<Theme>('theme', 'system', (value) =>
  THEMES.includes(value as Theme),
);
const listeners = new Set<() => void>();

export function setTheme(theme: Theme): void {
  current = theme;
  writeStored('theme', theme);
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function useTheme(): [Theme, (theme: Theme) => void] {
  return [useSyncExternalStore(subscribe, () => current), setTheme];
}
