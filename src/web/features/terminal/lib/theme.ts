/**
 * The terminal's colours, light and dark like the rest of the page: the palette follows the
 * theme in force (<html data-theme>, else the system's preference) and changes with it.
 */
import type { ITheme } from '@xterm/xterm';

export type Scheme = 'light' | 'dark';

/** Readable on their backgrounds (AA), from the page's own tokens where it has them. */
export const PALETTES: Record<Scheme, ITheme> = {
  light: {
    background: '#ffffff',
    foreground: '#1c2024',
    cursor: '#1a5fd6',
    cursorAccent: '#ffffff',
    selectionBackground: '#c8dafa',
    black: '#1c2024',
    red: '#c4232d',
    green: '#1a7f37',
    yellow: '#8a5a00',
    blue: '#1a5fd6',
    magenta: '#8b3fbf',
    cyan: '#0f7485',
    white: '#5a6270',
    brightBlack: '#5a6270',
    brightRed: '#a11d25',
    brightGreen: '#146c2e',
    brightYellow: '#6b4500',
    brightBlue: '#154fb3',
    brightMagenta: '#6f42c1',
    brightCyan: '#0b5f6d',
    brightWhite: '#1c2024',
  },
  dark: {
    background: '#0b0e13',
    foreground: '#e6e9ee',
    cursor: '#6ea8ff',
    cursorAccent: '#0b0e13',
    selectionBackground: '#2a4a7a',
    black: '#3a4451',
    red: '#ff7b72',
    green: '#3fb950',
    yellow: '#d6a02a',
    blue: '#6ea8ff',
    magenta: '#d2a8ff',
    cyan: '#56d4dd',
    white: '#c9d1d9',
    brightBlack: '#8d96a3',
    brightRed: '#ffa198',
    brightGreen: '#56d364',
    brightYellow: '#f2cc60',
    brightBlue: '#a5c8ff',
    brightMagenta: '#e2c5ff',
    brightCyan: '#87e6ec',
    brightWhite: '#ffffff',
  },
};

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** The scheme the page shows now. */
export function currentScheme(): Scheme {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

/** Calls `listener` with the new scheme whenever the theme or the system's preference changes. */
export function watchScheme(listener: (scheme: Scheme) => void): () => void {
  const notify = () => listener(currentScheme());
  const observer = new MutationObserver(notify);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = matchMedia(DARK_QUERY);
  media.addEventListener('change', notify);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', notify);
  };
}
