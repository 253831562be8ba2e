/**
 * A modal form on the native <dialog> (focus trapped and restored by the browser, Esc cancels),
 * its first field focused when it opens. The form's own submit does the work.
 */
import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import dialogStyles from '../../../components/dialog.module.css';

export function FormDialog({
  open,
  title,
  submit,
  busy,
  onSubmit,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  submit: string;
  busy: boolean;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (open && !element.open) {
      element.showModal();
      element.querySelector<HTMLElement>('input, select')?.focus();
    } else if (!open && element.open) element.close();
  }, [open]);

  const handle = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };

  return (
    <dialog
      ref={dialog}
      className={dialogStyles.dialog}
      aria-labelledby={`${id}-title`}
      onClose={onClose}
    >
      <form className={dialogStyles.form} onSubmit={handle}>
        <h2 id={`${id}-title`} className={dialogStyles.title}>
          {title}
        </h2>
        {children}
        <div className={dialogStyles.buttons}>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {submit}
          </button>
        </div>
      </form>
    </dialog>
  );
}
