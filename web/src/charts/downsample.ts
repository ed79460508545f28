/** Client-side downsampling that keeps spikes: min/max per pixel column (M4).
 *
 * The API already returns at most `maxPoints` points with each bucket's min and max (and
 * the true last point), so a chart's first draw gets about one point per pixel. Points
 * merged in live afterwards grow the series past that; before drawing, a series with
 * more than 4 points per pixel column of the view is cut into one bucket per column and
 * each bucket keeps its first, minimum, maximum and last point (Jugel et al., "M4", VLDB
 * 2014): the drawn line is the same, pixel for pixel, as the line through every point. */

/** One series on the chart's x (steps, or seconds on a time axis) with its values
 * (null: a gap). `x` ascends. */
export interface XY {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number | null>;
}

/** The x range a chart shows, both ends included. */
export interface XRange {
  readonly from: number;
  readonly to: number;
}

/** The first index with `x[i] >= value`. */
function lowerBound(x: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((x[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The indices `[start, end)` of the points inside `range` (all of them without one). */
export function windowOf(x: ArrayLike<number>, range?: XRange | null): [number, number] {
  if (!range) return [0, x.length];
  const start = lowerBound(x, range.from);
  let end = lowerBound(x, range.to);
  if (end < x.length && x[end] === range.to) end += 1;
  return [start, end];
}

function slice(series: XY, start: number, end: number): XY {
  if (start === 0 && end === series.x.length) return series;
  return {
    x: Array.prototype.slice.call(series.x, start, end) as number[],
    y: Array.prototype.slice.call(series.y, start, end) as (number | null)[],
  };
}

/**
 * `series` as drawn in `columns` pixel columns over `range` (default: its own extent).
 *
 * Points outside the range are left out, except the nearest one on each side (so the
 * line runs to the plot's edges). When the range holds at most `4 × columns` points they
 * are returned as they are (the same object when nothing was cut); else each column
 * keeps the indices of its first, minimum, maximum and last point (min and max over the
 * non-null values), in their order, plus its first null (a gap stays a gap): at most
 * 4 points and 1 gap per column. The overall first and last points are always kept.
 */
export function downsampleMinMax(series: XY, columns: number, range?: XRange | null): XY {
  const { x, y } = series;
  const buckets = Math.max(1, Math.floor(columns));
  const [start, end] = windowOf(x, range);
  const before = start > 0 ? start - 1 : start;
  const after = end < x.length ? end + 1 : end;
  if (end - start <= 4 * buckets) return slice(series, before, after);

  const outX: number[] = [];
  const outY: (number | null)[] = [];
  const emit = (i: number): void => {
    outX.push(x[i] as number);
    outY.push(y[i] ?? null);
  };
  if (before < start) emit(before);

  const x0 = range ? range.from : (x[start] as number);
  const x1 = range ? range.to : (x[end - 1] as number);
  const scale = x1 > x0 ? buckets / (x1 - x0) : 0;
  const picked = [0, 0, 0, 0, 0];
  let column = -1;
  let first = -1;
  let last = -1;
  let minAt = -1;
  let maxAt = -1;
  let nullAt = -1;
  let minY = 0;
  let maxY = 0;

  const flush = (): void => {
    // the column's picks in index order, each once (insertion sort of at most 5)
    let count = 0;
    for (const i of [first, minAt, maxAt, nullAt, last]) {
      if (i < 0) continue;
      let at = count;
      let duplicate = false;
      while (at > 0 && (picked[at - 1] as number) >= i) {
        if (picked[at - 1] === i) {
          duplicate = true;
          break;
        }
        at -= 1;
      }
      if (duplicate) continue;
      for (let k = count; k > at; k--) picked[k] = picked[k - 1] as number;
      picked[at] = i;
      count += 1;
    }
    for (let k = 0; k < count; k++) emit(picked[k] as number);
  };

  for (let i = start; i < end; i++) {
    let c = Math.floor(((x[i] as number) - x0) * scale);
    if (c >= buckets) c = buckets - 1;
    if (c !== column) {
      if (column >= 0) flush();
      column = c;
      first = i;
      minAt = maxAt = nullAt = -1;
    }
    last = i;
    const value = y[i];
    if (value == null) {
      if (nullAt < 0) nullAt = i;
    } else if (minAt < 0) {
      minAt = maxAt = i;
      minY = maxY = value;
    } else if (value < minY) {
      minAt = i;
      minY = value;
    } else if (value > maxY) {
      maxAt = i;
      maxY = value;
    }
  }
  if (column >= 0) flush();
  if (after > end) emit(end);
  return { x: outX, y: outY };
}
