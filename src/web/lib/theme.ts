/**
 * Light, dark or the system's theme, remembered. public/theme.js applies the remembered one
 * before the first paint; this keeps <html data-theme> in step afterwards.
 */
import { useEffect } from 'react';
import { usePersistentState } from './storage.js';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = usePersistentState<Theme>('theme', 'system', (value) =>
    THEMES.includes(value as Theme),
  );
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
  return [theme, setTheme];
}
