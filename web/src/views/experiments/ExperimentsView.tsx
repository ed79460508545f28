/** Experiments (`/`): the filterable, sortable, paged table. Filters and sort live in the
 * URL (listState.ts), so a reload or a pasted link shows the same list. */
import { useCallback, useEffect, useMemo } from "react";
import { useSearchParams } from "react-router";

import { ExperimentFilters } from "./ExperimentFilters";
import { ExperimentTable } from "./ExperimentTable";
import { type ListState, parseListState, toSearchParams, toVariables } from "./listState";

export type UpdateList = (patch: Partial<ListState>, options?: { replace?: boolean }) => void;

export function ExperimentsView() {
  const [params, setParams] = useSearchParams();
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
  const clear = useCallback(() => setParams(new URLSearchParams()), [setParams]);

  // a new filter or sort is a new list: its pages start again from the first
  const listKey = JSON.stringify(variables);
  return (
    <section className="experiments" aria-labelledby="experiments-title">
      <div className="view-header">
        <h1 id="experiments-title">Experiments</h1>
      </div>
      <ExperimentFilters state={state} update={update} clear={clear} />
      <ExperimentTable key={listKey} state={state} variables={variables} update={update} />
    </section>
  );
}
