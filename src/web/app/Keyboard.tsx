/** The global shortcuts (app/shortcuts.ts) and the `?` sheet that lists them. */
import { useEffect, useId } from 'react';
import { useLocation } from 'wouter';
import dialogStyles from '../components/dialog.module.css';
import { useModalDialog } from '../components/use-modal-dialog.js';
import type { PageEntry } from './pages.js';
import { isPaletteChord, isTyping, shortcuts } from './shortcuts.js';
import styles from './shell.module.css';

/** How long after `g` the page's key still counts. */
const SEQUENCE_MS = 1500;

export function useGlobalKeys({
  pages,
  openPalette,
  openSheet,
}: {
  pages: readonly PageEntry[];
  openPalette: () => void;
  openSheet: () => void;
}): void {
  const [, navigate] = useLocation();
  useEffect(() => {
    let goAt = 0;
    const onKey = (event: KeyboardEvent) => {
      if (isPaletteChord(event)) {
        if (event.target instanceof HTMLElement && event.target.closest('.xterm') !== null) return;
        event.preventDefault();
        openPalette();
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (document.querySelector('dialog[open]') !== null) return;
      if (Date.now() - goAt < SEQUENCE_MS) {
        goAt = 0;
        const page = pages.find((p) => p.key === event.key);
        if (page !== undefined) {
          event.preventDefault();
          navigate(page.href);
        }
        return;
      }
      if (event.key === 'g') goAt = Date.now();
      else if (event.key === '?') {
        event.preventDefault();
        openSheet();
      } else if (event.key === '/') {
        const filter = document.querySelector<HTMLInputElement>('main input[type="search"]');
        if (filter !== null) {
          event.preventDefault();
          filter.focus();
          filter.select();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pages, navigate, openPalette, openSheet]);
}

export function ShortcutSheet({
  open,
  pages,
  onClose,
}: {
  open: boolean;
  pages: readonly PageEntry[];
  onClose: () => void;
}) {
  // showModal() focuses the Close button, the sheet's only control.
  const dialog = useModalDialog(open, () => {});
  const id = useId();

  return (
    <dialog
      ref={dialog}
      className={dialogStyles.dialog}
      aria-labelledby={`${id}-title`}
      onClose={onClose}
    >
      <form method="dialog" className={dialogStyles.form}>
        <h2 id={`${id}-title`} className={dialogStyles.title}>
          Keyboard shortcuts
        </h2>
        <table className={styles.shortcuts}>
          <tbody>
            {shortcuts(pages).map((shortcut) => (
              <tr key={shortcut.what}>
                <td>
                  {shortcut.keys.map((key, i) => (
                    <span key={key}>
                      {i > 0 && (shortcut.sequence ? ' then ' : ' + ')}
                      <kbd>{key}</kbd>
                    </span>
                  ))}
                </td>
                <td>{shortcut.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className={dialogStyles.buttons}>
          <button type="submit" className="button">
            Close
          </button>
        </div>
      </form>
    </dialog>
  );
}
