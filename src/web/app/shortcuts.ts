/** Every keyboard shortcut, in the one table the `?` sheet shows and the handler follows. */
import type { PageEntry } from './pages.js';

export interface Shortcut {
  /** Keys pressed together ("Ctrl K") or one after the other (["g", "c"]). */
  keys: readonly string[];
  /** One after the other rather than together. */
  sequence?: boolean;
  what: string;
}

const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform);

export function shortcuts(pages: readonly PageEntry[]): Shortcut[] {
  return [
    { keys: [isMac() ? '⌘' : 'Ctrl', 'K'], what: 'Open the command palette' },
    { keys: ['/'], what: "Focus this page's filter" },
    { keys: ['?'], what: 'Show the keyboard shortcuts' },
    { keys: ['Esc'], what: 'Close the palette or a dialog' },
    ...pages.map((page) => ({
      keys: ['g', page.key],
      sequence: true,
      what: `Go to ${page.label}`,
    })),
  ];
}

/** Keys typed into a field, or into the terminal, are the user's text, not shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('.xterm') !== null) return true;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/** The palette's chord, on any keyboard layout: Ctrl+K, or Cmd+K on a Mac. */
export const isPaletteChord = (event: KeyboardEvent) =>
  (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k';
