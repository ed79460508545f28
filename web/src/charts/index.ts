/**
 * The console's charts: canvas line charts (uPlot) for metric series of any length.
 *
 * Typical use (Metrics tab, Run Monitor):
 *
 *     const { ref, maxPoints } = useChartWidth();          // ask for ~1 point per pixel
 *     const [{ data }] = useQuery({ query, variables: { id, key, maxPoints, stepFrom, stepTo },
 *                                   pause: maxPoints === null });
 *     const columns = columnsFromPoints(data.experiment.metric.points);
 *     <div ref={ref}>
 *       <TimeSeriesChart metric={key} series={[{ name: key, data: columns }]}
 *                        onZoom={(from, to) => refetchRange(from, to)} onResetZoom={refetchAll} />
 *     </div>
 *
 * Live (Run Monitor): `SeriesBuffer.from(columns)` once, then `buffer.merge(points)` (or
 * `mergeKeyedPoints(buffers, event.points)`) per `MetricsEvent`, and pass
 * `{ name, data: buffer, revision: buffer.revision }`: the chart calls `setData` on the
 * same uPlot, no copy of the series per event.
 *
 * Overlay (Compare): one `ChartSeries` per experiment, `columnsFromPoints(row.series.points)`;
 * colours are `seriesColor(index)` (`SERIES_COLORS`), for the view's own legend too.
 */
export { TimeSeriesChart } from "./TimeSeriesChart";
export type { ChartSeries, TimeSeriesChartProps } from "./TimeSeriesChart";
export { SERIES_COLORS, seriesColor } from "./palette";
export {
  SeriesBuffer,
  columnsFromPoints,
  lastPoint,
  mergeKeyedPoints,
} from "./columns";
export type { KeyedPointLike, PointLike, SeriesColumns } from "./columns";
export { MAX_POINTS, MIN_POINTS, maxPointsFor, useChartWidth } from "./width";
export { formatStep, formatValue, lastPointText } from "./format";
export { downsampleMinMax } from "./downsample";
export type { XRange, XY } from "./downsample";
export { gridAlign, joinSeries } from "./align";
export type { AlignedColumns } from "./align";
export { plotData } from "./plotData";
export type { XAxis } from "./plotData";
