/**
 * Asks before deleting an image, saying what will go (its tags, its layers) and what force
 * changes (containers using it); the safe button has the focus. The native <dialog>: focus is
 * trapped and restored by the browser, Esc cancels.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import type { Image } from '../../../../shared/containers.js';
import dialogStyles from '../../../components/dialog.module.css';
import { useModalDialog } from '../../../components/use-modal-dialog.js';
import { formatBytes } from '../../../lib/bytes.js';
import { deleteImage } from '../api/delete-image.js';
import { deletion, imageName, type Usage } from '../lib/view.js';
import styles from './images.module.css';

const NO_USE: Usage = { total: 0, running: 0, users: [] };

export function DeleteImageDialog({
  image,
  usage,
  onClose,
}: {
  image: Image | null;
  usage: Usage | null;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const cancel = useRef<HTMLButtonElement>(null);
  const [force, setForce] = useState(false);
  const dialog = useModalDialog(image !== null, () => {
    setForce(false);
    cancel.current?.focus();
  });
  const id = useId();

  const plan = image ? deletion(image, usage ?? NO_USE, force) : null;
  const name = image ? imageName(image) : '';

  return (
    <dialog
      ref={dialog}
      className={dialogStyles.dialog}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onClose={onClose}
    >
      <form method="dialog" className={dialogStyles.form}>
        <h2 id={`${id}-title`} className={dialogStyles.title}>
          Delete {name}?
        </h2>
        <div id={`${id}-body`} className={`${dialogStyles.body} ${styles.dialogBody}`}>
          {plan?.says.map((sentence) => (
            <p key={sentence}>{sentence}</p>
          ))}
          {image && (
            <p>
              Its size: {formatBytes(image.size_bytes)}, of which layers shared with other images
              stay.
            </p>
          )}
        </div>
        {plan?.needsForce && (
          <label className={styles.force}>
            <input
              type="checkbox"
              checked={force}
              onChange={(event) => setForce(event.target.checked)}
            />
            Force: remove every tag, and delete it though stopped containers use it
          </label>
        )}
        <div className={dialogStyles.buttons}>
          <button ref={cancel} value="cancel" className="button">
            Cancel
          </button>
          <button
            value="confirm"
            className="button danger"
            disabled={!plan?.possible}
            onClick={() => {
              if (image) void deleteImage(image, force, queryClient);
            }}
          >
            Delete {name}
          </button>
        </div>
      </form>
    </dialog>
  );
}
