/** Metrics: each key's summary (last step, last, min, max, count) and one chart per key,
 * all keys at once, refreshed as points arrive. */
import { useEffect, useRef, useState } from "react";
import { useQuery, useSubscription } from "urql";

import { formatCount } from "../../lib/format";
import { formatNumber } from "./detailFormat";
import { MetricChart } from "./MetricChart";
import { MetricPointsSubscription, MetricSummariesQuery } from "./operations";

/** New points refresh the summaries at most this often. */
const REFRESH_MS = 1000;

export function MetricsTab({ experimentId }: { experimentId: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MetricSummariesQuery,
    variables: { id: experimentId },
    requestPolicy: "network-only",
  });
  const [{ data: points }] = useSubscription({
    query: MetricPointsSubscription,
    variables: { id: experimentId },
  });
  const lastRefresh = useRef(0);
  // how many refreshes new points caused: the charts read their series again on a change
  const [revision, setRevision] = useState(0);
  useEffect(() => {
    if (!points) return;
    const wait = Math.max(0, lastRefresh.current + REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      lastRefresh.current = Date.now();
      refetch({ requestPolicy: "network-only" });
      setRevision((value) => value + 1);
    }, wait);
    return () => clearTimeout(timer);
  }, [points, refetch]);

  const summaries = data?.experiment?.metricSummaries;
  return (
    <section aria-labelledby="metrics-title">
      <h2 id="metrics-title">Metrics</h2>
      {error ? (
        <p className="error" role="alert">
          Could not load the metrics: {error.message.replace(/^\[(GraphQL|Network)\] /, "")}
        </p>
      ) : null}
      {!summaries ? (
        fetching ? (
          <p className="muted">Loading the metrics…</p>
        ) : null
      ) : summaries.length === 0 ? (
        <p className="muted">No metrics logged yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label="Metric summaries">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col" className="num">
                  Last step
                </th>
                <th scope="col" className="num">
                  Last
                </th>
                <th scope="col" className="num">
                  Min
                </th>
                <th scope="col" className="num">
                  Max
                </th>
                <th scope="col" className="num">
                  Count
                </th>
              </tr>
            </thead>
            <tbody>
              {summaries.map((s) => (
                <tr key={s.key}>
                  <th scope="row">
                    <code>{s.key}</code>
                  </th>
                  <td className="num">{s.lastStep == null ? "—" : formatCount(s.lastStep)}</td>
                  <td className="num">{formatNumber(s.last)}</td>
                  <td className="num">{formatNumber(s.min)}</td>
                  <td className="num">{formatNumber(s.max)}</td>
                  <td className="num">{formatCount(s.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {summaries && summaries.length ? (
        <div className="metric-charts">
          {summaries.map((s) => (
            <MetricChart key={s.key} experimentId={experimentId} metricKey={s.key} revision={revision} />
          ))}
        </div>
      ) : null}
    </section>
  );
}
