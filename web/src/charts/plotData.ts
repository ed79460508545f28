/** What the chart hands uPlot: its series, on the chosen x, cut to the view and thinned
 * to the pixels there are. */

import { gridAlign, joinSeries, type AlignedColumns } from "./align";
import type { SeriesColumns } from "./columns";
import { downsampleMinMax, windowOf, type XRange, type XY } from "./downsample";

/** The x-axis: steps, or the points' times (uPlot's time scale, in seconds). */
export type XAxis = "step" | "time";

/** A series on the chosen x: steps as they are, or times in seconds (times must ascend
 * with the steps, as a run logs them). */
export function xyOf(series: SeriesColumns, xAxis: XAxis): XY {
  if (xAxis === "step") return { x: series.steps, y: series.values };
  const times = series.times;
  const n = series.steps.length;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = times ? (times[i] as number) / 1000 : Number.NaN;
  return { x, y: series.values };
}

/** The smallest and largest x over the series (null when they are all empty). */
function extent(list: readonly XY[]): XRange | null {
  let from = Infinity;
  let to = -Infinity;
  for (const { x } of list) {
    if (x.length === 0) continue;
    from = Math.min(from, x[0] as number);
    to = Math.max(to, x[x.length - 1] as number);
  }
  return from <= to ? { from, to } : null;
}

/**
 * uPlot's data for `series` drawn over `columns` device pixels, on the `range` the chart
 * is zoomed to (null: everything). One series: min/max per pixel column when it has more
 * than 4 points per column in view (`downsampleMinMax`). Several: joined exactly on their
 * x when the points in view are at most 4 per column in all, else placed on a shared
 * grid of pixel columns (`gridAlign`), each keeping its spikes and gaps.
 */
export function plotData(
  series: readonly SeriesColumns[],
  xAxis: XAxis,
  columns: number,
  range: XRange | null,
): AlignedColumns {
  const list = series.map((one) => xyOf(one, xAxis));
  if (list.length === 1) {
    const one = downsampleMinMax(list[0] as XY, columns, range);
    return [one.x, one.y];
  }
  let inView = 0;
  for (const one of list) {
    const [start, end] = windowOf(one.x, range);
    inView += end - start;
  }
  if (inView <= 4 * Math.max(1, columns)) {
    // each series cut to the view with a neighbour on each side: few points, exact x
    return joinSeries(list.map((one) => downsampleMinMax(one, Infinity, range)));
  }
  const view = range ?? extent(list);
  if (view === null) return [[], ...list.map(() => [])];
  return gridAlign(list, columns, view);
}
