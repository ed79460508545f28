import { useEffect } from "react";
import { useQuery } from "urql";

import type { ExperimentFilter } from "../../gql/graphql";
import { formatCount, formatDuration, formatMoney, statusLabel } from "../../lib/format";
import { STATUSES } from "./listState";
import { ExperimentStatsQuery } from "./operations";
import { errorText } from "./useLiveList";

/** The service reports every cost in one currency (`app/resources/costs.py`); the stats carry no code. */
const CURRENCY = "USD";

interface Props {
  filter: ExperimentFilter;
  /** Grows after live changes: the strip refetches */
  version: number;
  /** The list's count, for the table's summary */
  onTotal: (total: number | null) => void;
}

/** Success rate, average duration, total cost and counts by status of the filtered list
 * (`experimentStats`), refreshed when the filter changes and after live changes. */
export function StatsStrip({ filter, version, onTotal }: Props) {
  const [{ data, error }, refetch] = useQuery({
    query: ExperimentStatsQuery,
    variables: { filter },
    requestPolicy: "cache-and-network",
  });
  useEffect(() => {
    if (version > 0) refetch({ requestPolicy: "network-only" });
  }, [version, refetch]);
  const stats = data?.experimentStats;
  useEffect(() => onTotal(stats?.total ?? null), [stats?.total, onTotal]);

  const byStatus = (stats?.byStatus ?? {}) as Record<string, number | undefined>;
  const successRate =
    stats?.successRate == null ? "—" : `${Math.round(stats.successRate * 1000) / 10}%`;
  return (
    <section className="stats-strip card" aria-label="Statistics">
      {error ? (
        <p className="error" role="alert">
          Could not load the statistics: {errorText(error)}
        </p>
      ) : null}
      <dl>
        <div>
          <dt>Experiments</dt>
          <dd>{stats ? formatCount(stats.total) : "…"}</dd>
        </div>
        <div>
          <dt>Success rate</dt>
          <dd>{stats ? successRate : "…"}</dd>
        </div>
        <div>
          <dt>Average duration</dt>
          <dd>{stats ? formatDuration(stats.avgDurationSeconds) : "…"}</dd>
        </div>
        <div>
          <dt>Total cost (GPU + CPU + API)</dt>
          <dd>{stats ? formatMoney(stats.totalCost, CURRENCY) : "…"}</dd>
        </div>
      </dl>
      <ul className="status-counts" aria-label="Experiments by status">
        {STATUSES.map((status) => (
          <li key={status} className={`status-count status-${status.toLowerCase()}`}>
            <span>{statusLabel(status)}</span> <strong>{formatCount(byStatus[status] ?? 0)}</strong>
          </li>
        ))}
      </ul>
    </section>
  );
}
