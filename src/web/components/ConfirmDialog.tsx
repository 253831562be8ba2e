/**
 * A modal confirmation on the native <dialog>: focus is trapped and restored by the browser,
 * Esc cancels, and the safe button has the focus when it opens.
 */
import { useId, useRef } from 'react';
import { useModalDialog } from './use-modal-dialog.js';
import styles from './dialog.module.css';

export interface Confirmation {
  title: string;
  /** What will happen, in words. */
  body: string;
  /** The label of the button that does it ("Delete web-1"). */
  confirm: string;
  onConfirm: () => void;
}

export function ConfirmDialog({
  request,
  onClose,
}: {
  request: Confirmation | null;
  onClose: () => void;
}) {
  const cancel = useRef<HTMLButtonElement>(null);
  const dialog = useModalDialog(request !== null, () => cancel.current?.focus());
  const id = useId();

  return (
    <dialog
      ref={dialog}
      className={styles.dialog}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onClose={onClose}
    >
      <form method="dialog" className={styles.form}>
        <h2 id={`${id}-title`} className={styles.title}>
          {request?.title}
        </h2>
        <p id={`${id}-body`} className={styles.body}>
          {request?.body}
        </p>
        <div className={styles.buttons}>
          <button ref={cancel} value="cancel" className="button">
            Cancel
          </button>
          <button value="confirm" className="button danger" onClick={() => request?.onConfirm()}>
            {request?.confirm}
          </button>
        </div>
      </form>
    </dialog>
  );
}
