/** One metric of the Run Monitor: its live chart (the buffer the monitor merges into),
 * its last step and value as text, and zoom: a drag refetches that step range at full
 * resolution, `Reset zoom` goes back to the live series. */
import { useState } from "react";
import { useClient } from "urql";

import {
  TimeSeriesChart,
  columnsFromPoints,
  lastPoint,
  type SeriesBuffer,
  type SeriesColumns,
} from "../../charts";
import { formatCount } from "../../lib/format";
import { MetricSeriesQuery } from "../../api/metricSeries";

interface Zoom {
  from: number;
  to: number;
  data: SeriesColumns | null;
  error: string | null;
}

export function MetricPanel({
  experimentId,
  metricKey,
  buffer,
  revision,
  maxPoints,
}: {
  experimentId: string;
  metricKey: string;
  buffer: SeriesBuffer;
  /** The buffer's revision when this render was made (the chart redraws on a change). */
  revision: number;
  maxPoints: number;
}) {
  const client = useClient();
  const [zoom, setZoom] = useState<Zoom | null>(null);

  const onZoom = (from: number, to: number): void => {
    setZoom({ from, to, data: null, error: null });
    void client
      .query(
        MetricSeriesQuery,
        { id: experimentId, key: metricKey, maxPoints, stepFrom: from, stepTo: to },
        { requestPolicy: "network-only" },
      )
      .toPromise()
      .then((answer) => {
        setZoom((current) => {
          if (!current || current.from !== from || current.to !== to) return current; // left
          const points = answer.data?.experiment?.metric.points;
          if (answer.error || !points) {
            return { ...current, error: answer.error?.message ?? "The range could not be read." };
          }
          return { ...current, data: columnsFromPoints(points) };
        });
      });
  };

  // zoomed: the range as read (until it arrives, the chart shows the range from the buffer)
  const data = zoom?.data ?? buffer;
  return (
    <div className="monitor-chart" role="group" aria-label={metricKey}>
      <TimeSeriesChart
        metric={metricKey}
        series={[{ name: metricKey, data, revision: zoom?.data ? 0 : revision }]}
        last={lastPoint(buffer)}
        legend={false}
        height={200}
        onZoom={onZoom}
        onResetZoom={() => setZoom(null)}
      />
      <p className="monitor-chart__count">
        {formatCount(buffer.length)} {buffer.length === 1 ? "point" : "points"} loaded
      </p>
      {zoom?.error ? (
        <p className="error" role="alert">
          {zoom.error}
        </p>
      ) : null}
    </div>
  );
}
