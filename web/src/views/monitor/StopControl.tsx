/** `Stop` with a confirmation dialog; the API's refusal is shown beside the button. */
import { useId, useState } from "react";
import { useMutation } from "urql";

import { ConfirmDialog } from "../../lib/Modal";
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
  const reasonId = useId();

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
      {open ? (
        <ConfirmDialog
          title="Stop this run?"
          submitLabel="Stop experiment"
          busy={fetching}
          onCancel={() => setOpen(false)}
          onSubmit={() => void confirm()}
        >
          <p>
            <strong>{name}</strong> ends as Stopped and its GPUs are released. This cannot be
            undone.
          </p>
          <div className="field">
            <label htmlFor={reasonId}>Reason (optional)</label>
            <input
              id={reasonId}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              maxLength={500}
            />
          </div>
        </ConfirmDialog>
      ) : null}
    </span>
  );
}
