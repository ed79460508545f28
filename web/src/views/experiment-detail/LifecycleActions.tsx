/** The lifecycle buttons: only those in the experiment's `allowedActions` (the service
 * computes them from the rules that enforce the moves). `Start` starts now when the GPUs
 * are free and otherwise puts the run in the GPU queue (`wait: true`): the page then shows
 * its place and the queue's controls (`DetailQueueControls`). `Stop` asks for
 * confirmation, `Fail` for a reason and a message; a refusal shows beside what caused it. */
import { useId, useState } from "react";
import { type AnyVariables, type OperationResult, useMutation } from "urql";

import type { ExperimentAction, ExperimentDetailFragment, FailureReason } from "../../gql/graphql";
import { problemFromGraphQL } from "./detailFormat";
import { ConfirmDialog } from "../../lib/Modal";
import {
  CompleteExperimentMutation,
  FailExperimentMutation,
  StartExperimentMutation,
  StopExperimentMutation,
} from "./operations";
import { type ApiProblem, describeProblem } from "./rest";

/** The lifecycle moves, in the order their buttons show. */
const MOVES: { action: ExperimentAction; label: string }[] = [
  { action: "START", label: "Start" },
  { action: "COMPLETE", label: "Complete" },
  { action: "STOP", label: "Stop" },
  { action: "FAIL", label: "Fail" },
];

export const FAILURE_REASONS: { value: FailureReason; label: string }[] = [
  { value: "USER_ERROR", label: "User error" },
  { value: "OOM", label: "Out of memory" },
  { value: "RESOURCES_UNAVAILABLE", label: "Resources unavailable" },
  { value: "LOGGING_TIMEOUT", label: "Logging timeout" },
  { value: "STORAGE_LIMIT_EXCEEDED", label: "Storage limit exceeded" },
  { value: "RESERVATION_EXPIRED", label: "Reservation expired" },
  { value: "INTERNAL", label: "Internal error" },
];

type Dialog = "stop" | "fail" | null;

interface Props {
  experiment: ExperimentDetailFragment;
  /** Called as a move goes out; shows (or re-reads after) its answer (`answerOrder.ts`). */
  beginMove: () => (experiment: ExperimentDetailFragment) => void;
}

export function LifecycleActions({ experiment, beginMove }: Props) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const [problem, setProblem] = useState<{ move: string; problem: ApiProblem } | null>(null);
  const [started, start] = useMutation(StartExperimentMutation);
  const [completed, complete] = useMutation(CompleteExperimentMutation);
  const [stopped, stop] = useMutation(StopExperimentMutation);
  const [failed, fail] = useMutation(FailExperimentMutation);
  const busy = started.fetching || completed.fetching || stopped.fetching || failed.fetching;
  const id = experiment.id;

  /** The move's answer: the page shows the moved experiment, or the refusal. */
  const settle = <D, V extends AnyVariables>(
    move: string,
    send: () => Promise<OperationResult<D, V>>,
    pick: (data: D) => ExperimentDetailFragment,
  ): Promise<boolean> => {
    const show = beginMove();
    return send().then((result) => settled(move, result, pick, show));
  };
  const settled = <D, V extends AnyVariables>(
    move: string,
    result: OperationResult<D, V>,
    pick: (data: D) => ExperimentDetailFragment,
    show: (experiment: ExperimentDetailFragment) => void,
  ): boolean => {
    if (result.error || !result.data) {
      setProblem({
        move,
        problem: result.error
          ? problemFromGraphQL(result.error)
          : { code: "ERROR", message: "no answer" },
      });
      return false;
    }
    setProblem(null);
    show(pick(result.data));
    return true;
  };

  const allowed = MOVES.filter((move) => experiment.allowedActions.includes(move.action));
  if (!allowed.length && !problem) return null;

  return (
    <div className="lifecycle">
      <div className="lifecycle-buttons" role="group" aria-label="Lifecycle">
        {allowed.map(({ action, label }) => (
          <button
            key={action}
            type="button"
            className={action === "START" ? "primary" : action === "FAIL" ? "danger" : undefined}
            disabled={busy}
            onClick={async () => {
              setProblem(null);
              if (action === "STOP") setDialog("stop");
              else if (action === "FAIL") setDialog("fail");
              else if (action === "START") {
                await settle("Start", () => start({ id }), (d) => d.startExperiment);
              } else {
                await settle("Complete", () => complete({ id }), (d) => d.completeExperiment);
              }
            }}
          >
            {label}
          </button>
        ))}
      </div>
      {problem && !dialog ? (
        <p className="error" role="alert">
          {problem.move} refused — {describeProblem(problem.problem)}
        </p>
      ) : null}
      {dialog === "stop" ? (
        <StopDialog
          busy={busy}
          problem={problem?.move === "Stop" ? problem.problem : null}
          onCancel={() => {
            setDialog(null);
            setProblem(null);
          }}
          onConfirm={async (message) => {
            const send = () => stop({ id, message: message || null });
            if (await settle("Stop", send, (d) => d.stopExperiment)) setDialog(null);
          }}
        />
      ) : null}
      {dialog === "fail" ? (
        <FailDialog
          busy={busy}
          problem={problem?.move === "Fail" ? problem.problem : null}
          onCancel={() => {
            setDialog(null);
            setProblem(null);
          }}
          onConfirm={async (reason, message) => {
            const send = () => fail({ id, reason, message: message || null });
            if (await settle("Fail", send, (d) => d.failExperiment)) setDialog(null);
          }}
        />
      ) : null}
    </div>
  );
}

function DialogProblem({ problem }: { problem: ApiProblem | null }) {
  if (!problem) return null;
  const fields = problem.details?.["fields"];
  return (
    <p className="error" role="alert">
      {describeProblem(problem)}
      {fields && typeof fields === "object"
        ? ` (${Object.entries(fields as Record<string, unknown>)
            .map(([field, message]) => `${field}: ${String(message)}`)
            .join("; ")})`
        : null}
    </p>
  );
}

function StopDialog({
  busy,
  problem,
  onCancel,
  onConfirm,
}: {
  busy: boolean;
  problem: ApiProblem | null;
  onCancel: () => void;
  onConfirm: (message: string) => void;
}) {
  const messageId = useId();
  const [message, setMessage] = useState("");
  return (
    <ConfirmDialog
      title="Stop this experiment?"
      submitLabel="Stop experiment"
      busy={busy}
      onCancel={onCancel}
      onSubmit={() => onConfirm(message.trim())}
    >
      <p>It stops for good: a stopped experiment cannot be started again.</p>
      <div className="field">
        <label htmlFor={messageId}>Message (optional)</label>
        <input
          id={messageId}
          value={message}
          onChange={(event) => setMessage(event.target.value)}
          maxLength={10_000}
        />
      </div>
      <DialogProblem problem={problem} />
    </ConfirmDialog>
  );
}

function FailDialog({
  busy,
  problem,
  onCancel,
  onConfirm,
}: {
  busy: boolean;
  problem: ApiProblem | null;
  onCancel: () => void;
  onConfirm: (reason: FailureReason, message: string) => void;
}) {
  const reasonId = useId();
  const messageId = useId();
  const [reason, setReason] = useState<FailureReason>("USER_ERROR");
  const [message, setMessage] = useState("");
  return (
    <ConfirmDialog
      title="Mark this experiment as failed"
      submitLabel="Mark as failed"
      busy={busy}
      onCancel={onCancel}
      onSubmit={() => onConfirm(reason, message.trim())}
    >
      <div className="field">
        <label htmlFor={reasonId}>Reason</label>
        <select
          id={reasonId}
          value={reason}
          onChange={(event) => setReason(event.target.value as FailureReason)}
        >
          {FAILURE_REASONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={messageId}>Message</label>
        <textarea
          id={messageId}
          rows={3}
          value={message}
          onChange={(event) => setMessage(event.target.value)}
          maxLength={10_000}
        />
      </div>
      <DialogProblem problem={problem} />
    </ConfirmDialog>
  );
}
