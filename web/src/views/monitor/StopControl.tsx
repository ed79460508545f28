/** `Stop` with a confirmation dialog; the API's refusal is shown beside the button. */
import { useEffect, useId, useRef, useState } from "react";
import { useMutation } from "urql";

import { StopExperimentMutation } from "./operations";

export function StopControl({
  experimentId,
  name,
  onStopped,
}: {
  experimentId: string;
  name: string;
  onStopped: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, stop] = useMutation(StopExperimentMutation);
  const dialogRef = useRef<HTMLDialogElement | null>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const confirm = async (): Promise<void> => {
    const message = reason.trim() || null;
    const result = await stop({ id: experimentId, message });
    setOpen(false);
    if (result.error) {
      setError(result.error.graphQLErrors[0]?.message ?? result.error.message);
      return;
    }
    setError(null);
    setReason("");
    onStopped();
  };

  return (
    <span className="monitor-stop">
      <button
        type="button"
        className="danger"
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
      >
        Stop
      </button>
      {error ? (
        <span className="error" role="alert">
          {error}
        </span>
      ) : null}
      <dialog
        ref={dialogRef}
        className="monitor-dialog"
        aria-labelledby={titleId}
        onClose={() => setOpen(false)}
      >
        <h2 id={titleId}>Stop this run?</h2>
        <p>
          <strong>{name}</strong> ends as Stopped and its GPUs are released. This cannot be
          undone.
        </p>
        <label className="monitor-dialog__field">
          Reason (optional)
          <input value={reason} onChange={(event) => setReason(event.target.value)} maxLength={500} />
        </label>
        <div className="monitor-dialog__actions">
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button type="button" className="danger" disabled={fetching} onClick={() => void confirm()}>
            Stop experiment
          </button>
        </div>
      </dialog>
    </span>
  );
}
