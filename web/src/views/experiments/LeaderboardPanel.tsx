import { useEffect, useId, useMemo, useState } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";

import { paths } from "../../app/paths";
import type { MetricGoal } from "../../gql/graphql";
import { formatCount } from "../../lib/format";
import type { ListVariables } from "./listState";
import { LeaderboardQuery, MetricGoalQuery, MetricKeysQuery } from "./operations";
import { errorText } from "./useLiveList";

/** Entries shown */
const TOP = 10;
/** The experiments (first of the list) whose metric keys the picker suggests */
const KEY_SOURCE = 100;
/** Typing settles for this long before the leaderboard follows. */
const TYPING_DELAY_MS = 350;

interface Props {
  variables: ListVariables;
  /** Grows after live changes: the ranking refetches */
  version: number;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) return value.toExponential(3);
  return value.toLocaleString("en-US", { maximumFractionDigits: 4 });
}

/** The filtered experiments ranked by their best value of a chosen metric. */
export function LeaderboardPanel({ variables, version }: Props) {
  const ids = { key: useId(), goal: useId(), keys: useId() };
  const [draft, setDraft] = useState("");
  const [metricKey, setMetricKey] = useState("");
  // null: the goal follows the key as the service takes it (`metricGoal`: loss-like keys
  // MIN); a pick holds until cleared
  const [pickedGoal, setPickedGoal] = useState<MetricGoal | null>(null);
  const [{ data: goalData }] = useQuery({
    query: MetricGoalQuery,
    variables: { key: metricKey },
    pause: !metricKey || pickedGoal !== null,
  });
  const keyGoal = goalData?.metricGoal ?? null;
  const goal: MetricGoal = pickedGoal ?? keyGoal ?? "MAX";
  // the ranking waits for the key's goal, so it is not asked twice
  const goalKnown = pickedGoal !== null || keyGoal !== null;

  useEffect(() => {
    const key = draft.trim();
    if (key === metricKey) return;
    const timer = setTimeout(() => setMetricKey(key), TYPING_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, metricKey]);

  const [{ data: keyData }] = useQuery({
    query: MetricKeysQuery,
    variables: { filter: variables.filter, orderBy: variables.orderBy, first: KEY_SOURCE },
  });
  const keys = useMemo(() => {
    const found = new Set<string>();
    for (const edge of keyData?.experiments.edges ?? []) {
      for (const key of edge.node.metricKeys) found.add(key);
    }
    return [...found].sort();
  }, [keyData]);

  const [{ data, fetching, error }, refetch] = useQuery({
    query: LeaderboardQuery,
    variables: { metricKey, goal, filter: variables.filter, first: TOP },
    pause: !metricKey || !goalKnown,
  });
  useEffect(() => {
    if (version > 0 && metricKey) refetch({ requestPolicy: "network-only" });
  }, [version, metricKey, refetch]);
  const entries = metricKey ? data?.leaderboard : undefined;

  return (
    <section className="leaderboard card" aria-labelledby={`${ids.key}-title`}>
      <h2 id={`${ids.key}-title`}>Leaderboard</h2>
      <form
        className="leaderboard-controls"
        onSubmit={(event) => {
          event.preventDefault();
          setMetricKey(draft.trim());
        }}
      >
        <div className="field">
          <label htmlFor={ids.key}>Metric</label>
          <input
            id={ids.key}
            list={ids.keys}
            value={draft}
            placeholder={keys[0] ? `e.g. ${keys[0]}` : "e.g. val_loss"}
            autoComplete="off"
            onChange={(event) => setDraft(event.target.value)}
          />
          <datalist id={ids.keys}>
            {keys.map((key) => (
              <option key={key} value={key} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={ids.goal}>Goal</label>
          <select
            id={ids.goal}
            value={goal}
            onChange={(event) => setPickedGoal(event.target.value as MetricGoal)}
          >
            <option value="MIN">Lowest</option>
            <option value="MAX">Highest</option>
          </select>
        </div>
      </form>
      {error ? (
        <p className="error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
      {!metricKey ? (
        <p className="hint">
          {keys.length
            ? `Pick a metric: ${formatCount(keys.length)} logged by these experiments.`
            : "Pick a metric to rank these experiments by."}
        </p>
      ) : entries && entries.length === 0 ? (
        <p className="hint">No experiment here logged “{metricKey}”.</p>
      ) : entries ? (
        <table
          className="data compact"
          aria-label={`Leaderboard by ${metricKey}`}
          aria-busy={fetching}
        >
          <thead>
            <tr>
              <th scope="col">Rank</th>
              <th scope="col">Experiment</th>
              <th scope="col" className="num">
                Best
              </th>
              <th scope="col" className="num">
                Step
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.experiment.id}>
                <td className="num">{entry.rank}</td>
                <td
                  className="name"
                  title={`${entry.experiment.name} · ${entry.experiment.owner.name}`}
                >
                  <Link to={paths.experiment(entry.experiment.id)}>{entry.experiment.name}</Link>
                </td>
                <td className="num">{formatValue(entry.value)}</td>
                <td className="num">{entry.step == null ? "—" : formatCount(entry.step)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="hint">Loading…</p>
      )}
    </section>
  );
}
