/**
 * A modal form on the native <dialog>, its first field focused when it opens. The form's own
 * submit does the work; Cancel and Esc close it.
 */
import { useId, type FormEvent, type ReactNode } from 'react';
import { useModalDialog } from './use-modal-dialog.js';
import styles from './dialog.module.css';

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
  /** The label of the submit button ("Add user"). */
  submit: string;
  busy: boolean;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const dialog = useModalDialog(open, (element) =>
    element.querySelector<HTMLElement>('input, select')?.focus(),
  );
  const id = useId();

  const handle = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };

  return (
    <dialog
      ref={dialog}
      className={styles.dialog}
      aria-labelledby={`${id}-title`}
      onClose={onClose}
    >
      <form className={styles.form} onSubmit={handle}>
        <h2 id={`${id}-title`} className={styles.title}>
          {title}
        </h2>
        {children}
        <div className={styles.buttons}>
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
