/** One metric of the Metrics tab: its history at about the chart's pixel width in points
 * (each bucket's min and max kept), its last step and value as text; a drag refetches that
 * step range at full resolution, `Reset zoom` goes back to the whole run. */
import { useEffect, useState } from "react";
import { useQuery } from "urql";

import { MetricSeriesQuery } from "../../api/metricSeries";
import { TimeSeriesChart, columnsFromPoints, lastPoint, useChartWidth } from "../../charts";

interface StepRange {
  from: number;
  to: number;
}

export function MetricChart({
  experimentId,
  metricKey,
  revision,
}: {
  experimentId: string;
  metricKey: string;
  /** Changes when new points were logged: the whole-run view reads the series again. */
  revision: number;
}) {
  const { ref, maxPoints } = useChartWidth();
  const [zoom, setZoom] = useState<StepRange | null>(null);
  const [{ data, error }, refetch] = useQuery({
    query: MetricSeriesQuery,
    variables: {
      id: experimentId,
      key: metricKey,
      maxPoints: maxPoints ?? 0,
      stepFrom: zoom?.from ?? null,
      stepTo: zoom?.to ?? null,
    },
    pause: maxPoints === null,
  });
  useEffect(() => {
    if (revision > 0 && zoom === null) refetch({ requestPolicy: "network-only" });
  }, [revision, zoom, refetch]);

  const points = data?.experiment?.metric.points;
  const columns = points ? columnsFromPoints(points) : null;
  return (
    <div ref={ref} className="metric-chart" role="group" aria-label={metricKey}>
      {error ? (
        <p className="error" role="alert">
          Could not load {metricKey}: {error.message.replace(/^\[(GraphQL|Network)\] /, "")}
        </p>
      ) : columns ? (
        <TimeSeriesChart
          metric={metricKey}
          series={[{ name: metricKey, data: columns }]}
          last={zoom ? undefined : lastPoint(columns)}
          legend={false}
          height={200}
          onZoom={(from, to) => setZoom({ from, to })}
          onResetZoom={() => setZoom(null)}
        />
      ) : (
        <p className="muted">Loading {metricKey}…</p>
      )}
    </div>
  );
}
