/** The GPU queue's controls for one experiment, each shown only when its `allowedActions`
 * list it (the service's rules): `Leave queue` (DEQUEUE, while it waits) and its priority
 * (SET_PRIORITY, while QUEUED; above 0 offered only when the signed-in user's
 * `mayRaisePriority`, else the limit is said). The table's rows use the compact form (a
 * select of named levels), the detail page the full one (any whole number). */
import { useId, useState } from "react";
import { useMutation, useQuery } from "urql";

import { MeQuery } from "../../auth/operations";
import type { ExperimentAction, QueueStateFragment } from "../../gql/graphql";
import { problemFromGraphQL } from "../experiment-detail/detailFormat";
import { describeProblem } from "../experiment-detail/rest";
import { DequeueExperimentMutation, SetExperimentPriorityMutation } from "./operations";
import { RAISE_LIMIT, parsePriority, priorityOptions, priorityRange } from "./priority";

export interface QueueExperiment {
  id: string;
  name: string;
  priority: number;
  allowedActions: readonly ExperimentAction[];
}

/** Whether the signed-in user may set a priority above 0 (`me`, cached by the shell). */
export function useMayRaisePriority(): boolean {
  const [{ data }] = useQuery({ query: MeQuery });
  return data?.me.mayRaisePriority ?? false;
}

/** Leave the queue, set the priority: their answers (`beginChange`, called as a move goes
 * out, shows its answer) or the refusal. */
function useQueueMoves(beginChange?: () => (state: QueueStateFragment) => void) {
  const [left, dequeue] = useMutation(DequeueExperimentMutation);
  const [set, setPriority] = useMutation(SetExperimentPriorityMutation);
  const [problem, setProblem] = useState<string | null>(null);
  const settle = (
    move: string,
    error: Parameters<typeof problemFromGraphQL>[0] | undefined,
    state: QueueStateFragment | undefined,
    show: ((state: QueueStateFragment) => void) | undefined,
  ) => {
    if (error || !state) {
      setProblem(
        `${move} refused — ${error ? describeProblem(problemFromGraphQL(error)) : "no answer"}`,
      );
      return false;
    }
    setProblem(null);
    show?.(state);
    return true;
  };
  return {
    busy: left.fetching || set.fetching,
    problem,
    leave: async (id: string) => {
      const show = beginChange?.();
      const result = await dequeue({ id });
      return settle("Leave queue", result.error, result.data?.dequeueExperiment, show);
    },
    prioritise: async (id: string, priority: number) => {
      const show = beginChange?.();
      const result = await setPriority({ id, priority });
      return settle("Priority", result.error, result.data?.setExperimentPriority, show);
    },
  };
}

/** In a table row: the priority as a select of named levels, and `Leave queue`. */
export function RowQueueControls({ experiment: e }: { experiment: QueueExperiment }) {
  const mayRaise = useMayRaisePriority();
  const moves = useQueueMoves();
  const maySet = e.allowedActions.includes("SET_PRIORITY");
  const mayLeave = e.allowedActions.includes("DEQUEUE");
  if (!maySet && !mayLeave) return null;
  return (
    <span className="queue-controls">
      {maySet ? (
        <span className="muted" aria-hidden="true">
          Priority
        </span>
      ) : null}
      {maySet ? (
        <select
          aria-label={`Priority of ${e.name}`}
          title={mayRaise ? "Priority in the GPU queue: higher starts first" : RAISE_LIMIT}
          value={e.priority}
          disabled={moves.busy}
          onChange={(event) => void moves.prioritise(e.id, Number(event.target.value))}
        >
          {priorityOptions(e.priority, mayRaise).map((option) => (
            <option key={option.value} value={option.value} disabled={option.disabled}>
              {option.label}
            </option>
          ))}
        </select>
      ) : null}
      {mayLeave ? (
        <button
          type="button"
          className="small"
          disabled={moves.busy}
          onClick={() => void moves.leave(e.id)}
        >
          Leave queue
        </button>
      ) : null}
      {moves.problem ? (
        <span className="error" role="alert" title={moves.problem}>
          {moves.problem}
        </span>
      ) : null}
    </span>
  );
}

/** On the detail page: `Leave queue`, and the priority as a whole number with `Set`. */
export function DetailQueueControls({
  experiment: e,
  beginChange,
}: {
  experiment: QueueExperiment;
  beginChange: () => (state: QueueStateFragment) => void;
}) {
  const mayRaise = useMayRaisePriority();
  const moves = useQueueMoves(beginChange);
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const maySet = e.allowedActions.includes("SET_PRIORITY");
  const mayLeave = e.allowedActions.includes("DEQUEUE");
  if (!maySet && !mayLeave) return null;
  const { min, max } = priorityRange(mayRaise);
  const shown = draft ?? String(e.priority);
  return (
    <div className="queue-actions" role="group" aria-label="GPU queue">
      <div className="queue-row">
        {maySet ? (
          <form
            className="priority-form"
            noValidate
            onSubmit={async (event) => {
              event.preventDefault();
              const parsed = parsePriority(shown, mayRaise);
              if (parsed.error !== undefined) {
                setError(parsed.error);
                return;
              }
              setError(null);
              if (await moves.prioritise(e.id, parsed.value)) setDraft(null);
            }}
          >
            <label htmlFor={inputId}>Priority</label>
            <input
              id={inputId}
              type="number"
              step={1}
              min={min}
              max={max}
              value={shown}
              aria-invalid={Boolean(error)}
              aria-describedby={error ? `${errorId} ${hintId}` : hintId}
              onChange={(event) => {
                setError(null);
                setDraft(event.target.value);
              }}
            />
            <button type="submit" disabled={moves.busy}>
              Set priority
            </button>
          </form>
        ) : null}
        {mayLeave ? (
          <button type="button" disabled={moves.busy} onClick={() => void moves.leave(e.id)}>
            Leave queue
          </button>
        ) : null}
      </div>
      {maySet && error ? (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
      {maySet ? (
        <p className="field-hint" id={hintId}>
          {mayRaise
            ? `Higher starts first in the GPU queue (${min} to ${max}); 0 keeps the pool's order.`
            : `0 or less: a lower priority lets others start first. ${RAISE_LIMIT}`}
        </p>
      ) : null}
      {moves.problem ? (
        <p className="error" role="alert">
          {moves.problem}
        </p>
      ) : null}
    </div>
  );
}
