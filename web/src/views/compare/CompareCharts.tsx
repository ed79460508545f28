/** The overlaid charts of Compare: one chart per metric key, one line per experiment in
 * the comparison's order and colours (`seriesColor`), the experiments' names in one legend
 * above them (the charts' own legends off). Each chart asks for about its pixel width in
 * points; a drag zooms into what it holds. */
import { useMemo } from "react";
import { useQuery } from "urql";

import {
  type ChartSeries,
  TimeSeriesChart,
  columnsFromPoints,
  seriesColor,
  useChartWidth,
} from "../../charts";
import type { CompareExperimentsQuery } from "../../gql/graphql";
import { CompareSeriesQuery } from "./operations";

type Comparison = CompareExperimentsQuery["compareExperiments"];

export function CompareCharts({ comparison }: { comparison: Comparison }) {
  if (comparison.metrics.length === 0) return null;
  return (
    <div className="compare-section compare-charts">
      <h2>Charts</h2>
      <ul className="compare-legend" aria-label="Experiments in the charts">
        {comparison.experiments.map((e, index) => (
          <li key={e.id}>
            <span className="swatch" style={{ background: seriesColor(index) }} aria-hidden="true" />
            {e.name}
          </li>
        ))}
      </ul>
      <div className="chart-grid">
        {comparison.metrics.map((row) => (
          <MetricOverlay key={row.key} metric={row.key} comparison={comparison} />
        ))}
      </div>
    </div>
  );
}

function MetricOverlay({ metric, comparison }: { metric: string; comparison: Comparison }) {
  const { ref, maxPoints } = useChartWidth();
  const ids = comparison.experiments.map((e) => e.id);
  const [{ data, error }] = useQuery({
    query: CompareSeriesQuery,
    variables: { ids, key: metric, maxPoints: maxPoints ?? 0 },
    pause: maxPoints === null,
  });
  const series = useMemo((): ChartSeries[] => {
    const byExperiment = new Map(
      (data?.compareExperiments.series ?? []).map((one) => [one.experimentId, one.series.points]),
    );
    return comparison.experiments.map((e, index) => ({
      name: e.name,
      color: seriesColor(index),
      data: columnsFromPoints(byExperiment.get(e.id) ?? []),
    }));
  }, [data, comparison.experiments]);
  return (
    <div ref={ref} className="chart-cell">
      {error ? (
        <p className="error" role="alert">
          Could not load {metric}: {error.message}
        </p>
      ) : (
        <TimeSeriesChart metric={metric} series={series} height={220} legend={false} />
      )}
    </div>
  );
}
