/** Experiments (`/`): the filterable, sortable list as a table or a Kanban board, kept
 * live from `experimentsChanged`, with a stats strip, a leaderboard and row selection for
 * Compare. Filters, sort and the mode live in the URL (listState.ts), so a reload or a
 * pasted link shows the same list. */
import "./experiments.css";

import { useCallback, useEffect, useMemo, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";

import { paths } from "../../app/paths";
import { formatCount } from "../../lib/format";
import { ExperimentBoard } from "./ExperimentBoard";
import { ExperimentFilters } from "./ExperimentFilters";
import { ExperimentTable, type Selection } from "./ExperimentTable";
import { LeaderboardPanel } from "./LeaderboardPanel";
import { StatsStrip } from "./StatsStrip";
import { useChangeFeed } from "./changeFeed";
import {
  type ListMode,
  type ListState,
  parseListState,
  toSearchParams,
  toVariables,
} from "./listState";

export type UpdateList = (patch: Partial<ListState>, options?: { replace?: boolean }) => void;

/** compareExperiments takes at most this many ids */
export const MAX_COMPARED = 100;

const MODE_LABELS: Record<ListMode, string> = { table: "Table", board: "Kanban" };

export function ExperimentsView() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const state = useMemo(() => parseListState(params), [params]);
  const variables = useMemo(() => toVariables(state), [state]);

  useEffect(() => {
    document.title = "Experiments · Experiment Service";
  }, []);

  const update: UpdateList = useCallback(
    (patch, options) => {
      // flushSync: a checkbox or select shows its new value at once (a controlled input
      // would otherwise show the old one until the navigation's transition renders)
      setParams((current) => toSearchParams({ ...parseListState(current), ...patch }), {
        replace: options?.replace ?? false,
        flushSync: true,
      });
    },
    [setParams],
  );
  const clear = useCallback(
    () => setParams(toSearchParams({ ...parseListState(new URLSearchParams()), mode: state.mode })),
    [setParams, state.mode],
  );

  const live = useChangeFeed(variables.filter);
  const [liveTotal, setLiveTotal] = useState<number | null>(null);
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);

  // selected rows, in the order picked (Compare shows them in that order)
  const [selected, setSelected] = useState<{ id: string; name: string }[]>([]);
  const selection: Selection = useMemo(
    () => ({
      ids: new Set(selected.map((s) => s.id)),
      toggle: (row, on) =>
        setSelected((current) =>
          on
            ? current.some((s) => s.id === row.id)
              ? current
              : [...current, { id: row.id, name: row.name }]
            : current.filter((s) => s.id !== row.id),
        ),
    }),
    [selected],
  );
  const tooMany = selected.length > MAX_COMPARED;

  // a new filter or sort is a new list: its pages start again from the first; so does a
  // reload, and a subscription opened again after an error (events may have been missed)
  const listKey = `${JSON.stringify(variables)}#${reloads}#${live.epoch}`;
  return (
    <section className="experiments" aria-labelledby="experiments-title">
      <div className="view-header">
        <h1 id="experiments-title">Experiments</h1>
        <div className="view-actions">
          <div className="compare-bar">
            {selected.length ? (
              <>
                <span aria-live="polite">{formatCount(selected.length)} selected</span>
                <button type="button" className="link" onClick={() => setSelected([])}>
                  Clear selection
                </button>
              </>
            ) : (
              <span className="muted">Select rows to compare</span>
            )}
            <button
              type="button"
              className="primary"
              disabled={selected.length < 2 || tooMany}
              title={
                selected.length < 2
                  ? "Select two or more experiments"
                  : tooMany
                    ? `At most ${MAX_COMPARED} at once`
                    : undefined
              }
              onClick={() => navigate(paths.compare(selected.map((s) => s.id)))}
            >
              Compare
            </button>
            {tooMany ? (
              <span className="error" role="alert">
                At most {MAX_COMPARED} experiments can be compared at once.
              </span>
            ) : null}
          </div>
          <div className="mode-toggle" role="group" aria-label="Show as">
            {(Object.keys(MODE_LABELS) as ListMode[]).map((mode) => (
              <button
                key={mode}
                type="button"
                aria-pressed={state.mode === mode}
                onClick={() => update({ mode })}
              >
                {MODE_LABELS[mode]}
              </button>
            ))}
          </div>
        </div>
      </div>
      <ExperimentFilters state={state} filter={variables.filter} update={update} clear={clear} />
      <div className="insights">
        <StatsStrip filter={variables.filter} version={live.version} onTotal={setLiveTotal} />
        <LeaderboardPanel variables={variables} version={live.version} />
      </div>
      {live.error ? (
        <p className="notice" role="status">
          Live updates paused ({live.error}); reconnecting…
        </p>
      ) : null}
      {state.mode === "board" ? (
        <ExperimentBoard
          key={listKey}
          variables={variables}
          feed={live.feed}
          version={live.version}
        />
      ) : (
        <ExperimentTable
          key={listKey}
          state={state}
          variables={variables}
          update={update}
          feed={live.feed}
          liveTotal={liveTotal}
          selection={selection}
          reload={reload}
        />
      )}
    </section>
  );
}
