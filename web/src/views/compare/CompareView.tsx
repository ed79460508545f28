/** Compare (`/compare?ids=a,b,c&baseline=b`): the experiments side by side. The params
 * table marks the rows whose values differ (and, per cell, what differs from the
 * baseline); the metrics table gives each experiment's last and best value, marks the best
 * per metric and the delta of `last` against the baseline, coloured by the metric's goal.
 * Below them, one chart per metric overlays the experiments' histories (`CompareCharts`). */
import { useCallback, useEffect, useId, useMemo } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useQuery } from "urql";

import { paths } from "../../app/paths";
import type { CompareExperimentsQuery } from "../../gql/graphql";
import { statusLabel } from "../../lib/format";
import { CompareCharts } from "./CompareCharts";
import "./compare.css";
import {
  type CompareState,
  compareLink,
  deltaTone,
  formatDelta,
  formatMetric,
  formatParamValue,
  parseCompareState,
  visibleParams,
} from "./compareState";
import { CompareCandidatesQuery, CompareQuery } from "./operations";

type Comparison = CompareExperimentsQuery["compareExperiments"];
type Compared = Comparison["experiments"][number];

/** How many recent experiments `Add experiment` offers. */
const CANDIDATES = 200;

function errorText(error: { message: string }): string {
  return error.message.replace(/^\[(GraphQL|Network)\] /, "");
}

export function CompareView() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const state = useMemo(() => parseCompareState(params), [params]);
  // the link as compareLink writes it (readable commas), replacing the current entry
  const update = useCallback(
    (next: CompareState) => navigate(compareLink(next.ids, next), { replace: true, flushSync: true }),
    [navigate],
  );

  useEffect(() => {
    document.title = "Compare · Experiment Service";
  }, []);

  const [{ data, error, fetching }] = useQuery({
    query: CompareQuery,
    variables: { ids: state.ids, baselineId: state.baselineId },
    pause: state.ids.length === 0,
  });
  // keep showing the last comparison while a new baseline or set loads
  const comparison = data?.compareExperiments;

  return (
    <section className="compare" aria-labelledby="compare-title">
      <div className="view-header">
        <h1 id="compare-title">Compare</h1>
        {fetching ? <span className="muted">Loading…</span> : null}
      </div>
      <CompareControls state={state} comparison={comparison} update={update} />
      {state.ids.length < 2 ? (
        <p className="notice">
          Pick two or more experiments to compare: add them here, or select rows in the{" "}
          <Link to={paths.experiments}>Experiments</Link> table.
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          Could not compare these experiments: {errorText(error)}
        </p>
      ) : null}
      {comparison && state.ids.length ? (
        <>
          <ParamsTable comparison={comparison} state={state} update={update} />
          <MetricsTable comparison={comparison} />
          <CompareCharts comparison={comparison} />
        </>
      ) : null}
    </section>
  );
}

function CompareControls({
  state,
  comparison,
  update,
}: {
  state: CompareState;
  comparison: Comparison | undefined;
  update: (next: CompareState) => void;
}) {
  const ids = { baseline: useId(), add: useId(), diff: useId() };
  const [{ data: candidates }] = useQuery({
    query: CompareCandidatesQuery,
    variables: { first: CANDIDATES },
  });
  const names = new Map(comparison?.experiments.map((e) => [e.id, e.name]));
  const addable = (candidates?.experiments.edges ?? [])
    .map(({ node }) => node)
    .filter((node) => !state.ids.includes(node.id));
  return (
    <form className="compare-controls card" aria-label="Comparison" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor={ids.baseline}>Baseline</label>
        <select
          id={ids.baseline}
          value={state.baselineId ?? ""}
          disabled={state.ids.length === 0}
          onChange={(event) => update({ ...state, baselineId: event.target.value })}
        >
          {state.ids.map((id) => (
            <option key={id} value={id}>
              {names.get(id) ?? id}
            </option>
          ))}
        </select>
      </div>
      <label className="check" htmlFor={ids.diff}>
        <input
          id={ids.diff}
          type="checkbox"
          checked={state.onlyDifferences}
          onChange={(event) => update({ ...state, onlyDifferences: event.target.checked })}
        />
        Only differences
      </label>
      <div className="field">
        <label htmlFor={ids.add}>Add experiment</label>
        <select
          id={ids.add}
          value=""
          onChange={(event) => {
            const id = event.target.value;
            if (id) update({ ...state, ids: [...state.ids, id], baselineId: state.baselineId ?? id });
          }}
        >
          <option value="">Choose…</option>
          {addable.map((node) => (
            <option key={node.id} value={node.id}>
              {node.name} ({statusLabel(node.status)})
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}

/** The experiments as column headers: each name links to its page; the baseline says so;
 * `Remove` takes one out of the comparison. */
function ExperimentHeaders({
  experiments,
  baselineId,
  onRemove,
}: {
  experiments: Compared[];
  baselineId: string | null | undefined;
  onRemove?: (id: string) => void;
}) {
  return (
    <>
      {experiments.map((e) => (
        <th key={e.id} scope="col" className={e.id === baselineId ? "baseline" : undefined}>
          <Link to={paths.experiment(e.id)}>{e.name}</Link>
          <span className="col-meta">
            <span className={`status status-${e.status.toLowerCase()}`}>{statusLabel(e.status)}</span>
            {e.id === baselineId ? <span className="baseline-tag">baseline</span> : null}
            {onRemove ? (
              <button
                type="button"
                className="link-button"
                aria-label={`Remove ${e.name}`}
                onClick={() => onRemove(e.id)}
              >
                Remove
              </button>
            ) : null}
          </span>
        </th>
      ))}
    </>
  );
}

function ParamsTable({
  comparison,
  state,
  update,
}: {
  comparison: Comparison;
  state: CompareState;
  update: (next: CompareState) => void;
}) {
  const rows = visibleParams(comparison.params, state.onlyDifferences);
  const differing = comparison.params.filter((row) => row.differs).length;
  const remove = (id: string) => {
    const ids = state.ids.filter((other) => other !== id);
    const baselineId = state.baselineId === id ? (ids[0] ?? null) : state.baselineId;
    update({ ...state, ids, baselineId });
  };
  return (
    <div className="table-wrap compare-section">
      <h2>Parameters</h2>
      <p className="summary">
        {comparison.params.length === 0
          ? "These experiments have no hyperparameters or config."
          : `${differing} of ${comparison.params.length} parameters differ`}
      </p>
      <table className="data compare-table" aria-label="Parameters">
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <ExperimentHeaders
              experiments={comparison.experiments}
              baselineId={comparison.baselineId}
              onRemove={remove}
            />
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className={row.differs ? "differs" : undefined}>
              <th scope="row">
                <code>{row.key}</code>
                {row.differs ? <span className="differs-mark">differs</span> : null}
              </th>
              {row.values.map((value, index) => {
                const fromBaseline = row.differsFromBaseline?.[index] ?? false;
                return (
                  <td
                    key={comparison.experiments[index]?.id ?? index}
                    className={fromBaseline ? "differs-from-baseline" : undefined}
                    title={fromBaseline ? "differs from the baseline" : undefined}
                  >
                    {formatParamValue(value)}
                  </td>
                );
              })}
            </tr>
          ))}
          {rows.length === 0 && comparison.params.length > 0 ? (
            <tr>
              <td colSpan={comparison.experiments.length + 1} className="muted">
                Every parameter is the same.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function MetricsTable({ comparison }: { comparison: Comparison }) {
  const order = comparison.experiments.map((e) => e.id);
  return (
    <div className="table-wrap compare-section">
      <h2>Metrics</h2>
      <p className="summary">
        {comparison.metrics.length === 0
          ? "No metrics logged by these experiments yet."
          : "Last value, best value (★ marks the best per metric) and the change of the last value against the baseline."}
      </p>
      {comparison.metrics.length ? (
        <table className="data compare-table" aria-label="Metrics">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <ExperimentHeaders experiments={comparison.experiments} baselineId={comparison.baselineId} />
            </tr>
          </thead>
          <tbody>
            {comparison.metrics.map((row) => {
              const cells = new Map(row.cells.map((cell) => [cell.experimentId, cell]));
              return (
                <tr key={row.key}>
                  <th scope="row">
                    <code>{row.key}</code>
                    <span className="goal">{row.goal === "MIN" ? "lower is better" : "higher is better"}</span>
                  </th>
                  {order.map((id) => {
                    const cell = cells.get(id);
                    const isBest = row.bestExperimentId === id;
                    const tone = deltaTone(cell?.deltaVsBaseline, row.goal);
                    const isBaseline = id === comparison.baselineId;
                    return (
                      <td key={id} className={isBest ? "metric-cell best" : "metric-cell"}>
                        <span className="metric-last">{formatMetric(cell?.last)}</span>
                        <span className="metric-best">
                          best {formatMetric(cell?.best)}
                          {isBest ? <span className="best-mark">★ best</span> : null}
                        </span>
                        {!isBaseline && cell?.deltaVsBaseline != null ? (
                          <span className={`delta delta-${tone ?? "same"}`}>
                            {formatDelta(cell.deltaVsBaseline, cell.deltaPercent)}
                            {tone && tone !== "same" ? <span className="visually-hidden"> ({tone})</span> : null}
                          </span>
                        ) : null}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
