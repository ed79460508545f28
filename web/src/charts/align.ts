/** Several series on one x (uPlot draws from one x array and a y array per series). */

import { windowOf, type XRange, type XY } from "./downsample";

/** uPlot's data: x, then one y array per series. `undefined` in a y array means "this
 * series has no point at this x" (the line runs on across it); `null` means a gap. */
export type AlignedColumns = [ArrayLike<number>, ...ArrayLike<number | null | undefined>[]];

function sameX(list: readonly XY[]): boolean {
  const first = list[0] as XY;
  for (let s = 1; s < list.length; s++) {
    const other = (list[s] as XY).x;
    if (other === first.x) continue;
    if (other.length !== first.x.length) return false;
    for (let i = 0; i < other.length; i++) if (other[i] !== first.x[i]) return false;
  }
  return true;
}

/**
 * The series on the union of their x values, exactly: each y array is as long as the
 * union, with `undefined` where the series has no point (a null stays null). Series that
 * share their x (the usual case: runs logged at the same steps) are not copied.
 */
export function joinSeries(list: readonly XY[]): AlignedColumns {
  if (list.length === 0) return [[]];
  if (sameX(list)) return [(list[0] as XY).x, ...list.map((series) => series.y)];
  let total = 0;
  for (const series of list) total += series.x.length;
  const all = new Float64Array(total);
  let at = 0;
  for (const series of list) {
    for (let i = 0; i < series.x.length; i++) all[at++] = series.x[i] as number;
  }
  all.sort();
  let size = 0;
  for (let i = 0; i < total; i++) {
    if (i === 0 || all[i] !== all[size - 1]) all[size++] = all[i] as number;
  }
  const x = all.slice(0, size);
  const ys = list.map((series) => {
    const y = new Array<number | null | undefined>(size);
    let j = 0;
    for (let i = 0; i < size && j < series.x.length; i++) {
      if (x[i] === series.x[j]) {
        y[i] = series.y[j] ?? null;
        j += 1;
      }
    }
    return y;
  });
  return [x, ...ys];
}

// A column's five slots, in drawing order: the line enters at the first point, spans the
// column's min and max, breaks at a gap, and leaves at the last point.
const FIRST = 0;
const MIN = 1;
const MAX = 2;
const GAP = 3;
const LAST = 4;
const SLOTS = 5;

/**
 * Many long series on a shared grid of pixel columns over `range`: within each column,
 * each series' first, minimum, maximum and last point (and a null when the column holds
 * one) go to five fixed x positions inside the column. Every series keeps its spikes and
 * its gaps, and the result has at most `5 × columns` x values whatever the number and
 * length of the series (an exact union of 100 downsampled series would be up to 100 times
 * longer). The x positions move points by less than a column: invisible at one column
 * per pixel. Only points inside the range are placed.
 */
export function gridAlign(list: readonly XY[], columns: number, range: XRange): AlignedColumns {
  const buckets = Math.max(1, Math.floor(columns));
  const width = range.to > range.from ? (range.to - range.from) / buckets : 1;
  const scale = range.to > range.from ? buckets / (range.to - range.from) : 0;
  // per series: the index picked for each (column, slot), -1 when none
  const picks = list.map(() => new Int32Array(buckets * SLOTS).fill(-1));
  const used = new Uint8Array(buckets * SLOTS);
  list.forEach((series, s) => {
    const pick = picks[s] as Int32Array;
    const { x, y } = series;
    const [start, end] = windowOf(x, range);
    let minY = 0;
    let maxY = 0;
    let column = -1;
    for (let i = start; i < end; i++) {
      let c = Math.floor(((x[i] as number) - range.from) * scale);
      if (c >= buckets) c = buckets - 1;
      const base = c * SLOTS;
      if (c !== column) {
        column = c;
        pick[base + FIRST] = i;
      }
      pick[base + LAST] = i;
      const value = y[i];
      if (value == null) {
        if (pick[base + GAP] === -1) pick[base + GAP] = i;
      } else if (pick[base + MIN] === -1) {
        pick[base + MIN] = pick[base + MAX] = i;
        minY = maxY = value;
      } else if (value < minY) {
        pick[base + MIN] = i;
        minY = value;
      } else if (value > maxY) {
        pick[base + MAX] = i;
        maxY = value;
      }
    }
    // a point picked twice in a column is placed once (the earliest slot that holds it)
    for (let base = 0; base < pick.length; base += SLOTS) {
      if (pick[base + FIRST] === -1) continue;
      for (let a = FIRST + 1; a < SLOTS; a++) {
        for (let b = FIRST; b < a; b++) {
          if (pick[base + a] !== -1 && pick[base + a] === pick[base + b]) {
            pick[base + a] = -1;
            break;
          }
        }
      }
      for (let k = 0; k < SLOTS; k++) if ((pick[base + k] as number) >= 0) used[base + k] = 1;
    }
  });
  const x: number[] = [];
  const slotAt: number[] = [];
  for (let slot = 0; slot < used.length; slot++) {
    if (!used[slot]) continue;
    const c = Math.floor(slot / SLOTS);
    // slot k at k/5 of the column: the first column's first slot is the range's start
    x.push(range.from + (c + (slot % SLOTS) / SLOTS) * width);
    slotAt.push(slot);
  }
  const ys = list.map((series, s) => {
    const pick = picks[s] as Int32Array;
    const y = new Array<number | null | undefined>(x.length);
    for (let j = 0; j < slotAt.length; j++) {
      const i = pick[slotAt[j] as number] as number;
      if (i >= 0) y[j] = series.y[i] ?? null;
    }
    return y;
  });
  return [x, ...ys];
}
