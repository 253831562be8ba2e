/**
 * A native <dialog> shown as a modal while `open` (focus trapped and restored by the browser,
 * Esc cancels) and closed when it is not. `onOpen` runs as it opens: it puts the focus where
 * the dialog wants it (the safe button, the first field).
 */
import { useEffect, useRef } from 'react';

export function useModalDialog(open: boolean, onOpen: (dialog: HTMLDialogElement) => void) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opened = useRef(onOpen);
  useEffect(() => {
    opened.current = onOpen;
  });
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (open && !element.open) {
      element.showModal();
      opened.current(element);
    } else if (!open && element.open) element.close();
  }, [open]);
  return dialog;
}
