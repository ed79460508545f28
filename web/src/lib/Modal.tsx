import { type ReactNode, useEffect, useId, useRef } from "react";

import "./modal.css";

/** A modal dialog (`<dialog>` shown with `showModal()`: focus moves in and stays, Escape
 * closes it), labelled by its title. Mounted while open. */
export function Modal({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

/** A `Modal` holding a form: its fields (`children`), then `Cancel` and the confirming
 * (danger) button labelled `submitLabel`, disabled while `busy`. */
export function ConfirmDialog({
  title,
  submitLabel,
  busy,
  onCancel,
  onSubmit,
  children,
}: {
  title: string;
  submitLabel: string;
  busy: boolean;
  onCancel: () => void;
  onSubmit: () => void;
  children: ReactNode;
}) {
  return (
    <Modal title={title} onClose={onCancel}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        {children}
        <div className="dialog-buttons">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
