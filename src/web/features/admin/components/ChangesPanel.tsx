/**
 * The frame of a tab that makes changes (users, tokens): its main button opens the tab's form
 * dialog; the notice a change leaves and the confirmation a change asks for first are kept here,
 * for the dialog and the rows alike.
 */
import { useState, type ComponentType, type ReactNode } from 'react';
import { ConfirmDialog, type Confirmation } from '../../../components/ConfirmDialog.js';
import { errorNotice, NoticeLine, type Notice } from '../../../components/Notice.js';
import { Panel } from '../../../components/Panel.js';

/** The tab's form dialog (adds a user, creates a token): the notice it leaves. */
export interface ChangeDialogProps {
  open: boolean;
  onClose: () => void;
  onDone: (notice: Notice) => void;
}

/** What the rows use to make a change. */
export interface Changes {
  /** Asks before the change is made. */
  confirm: (confirmation: Confirmation) => void;
  /** Shows what a change did. */
  report: (notice: Notice) => void;
  /** Shows why a change failed (a mutation's `onError`). */
  fail: (err: unknown) => void;
}

export function ChangesPanel({
  id,
  title,
  button,
  dialog: Dialog,
  children,
}: {
  id: string;
  title: string;
  /** The words of the button that opens the dialog. */
  button: string;
  dialog: ComponentType<ChangeDialogProps>;
  children: (changes: Changes) => ReactNode;
}) {
  const [notice, setNotice] = useState<Notice | null>(null);
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const [open, setOpen] = useState(false);
  const changes: Changes = {
    confirm: setConfirmation,
    report: setNotice,
    fail: (err) => setNotice(errorNotice(err)),
  };

  return (
    <Panel
      id={id}
      title={title}
      aside={
        <button type="button" className="button primary" onClick={() => setOpen(true)}>
          {button}
        </button>
      }
    >
      <NoticeLine notice={notice} onDismiss={() => setNotice(null)} />
      {children(changes)}
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        onDone={(next) => {
          setOpen(false);
          setNotice(next);
        }}
      />
      <ConfirmDialog request={confirmation} onClose={() => setConfirmation(null)} />
    </Panel>
  );
}
