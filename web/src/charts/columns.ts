/** A metric series as parallel columns (what uPlot draws), from the API's shapes, and a
 * growable buffer that live points are merged into.
 *
 * Steps are numbers: the schema's `BigInt` is a JSON number (steps are at most 2^53 − 1,
 * see `MetricPointInput.step`), and codegen maps it to `number`. Values are `null` where
 * the API gives null (a NaN or an infinity was logged): the chart draws a gap there. */

/** One series as columns. `steps` ascend strictly; `values[i]` is the value at
 * `steps[i]`; `times[i]`, when present, is its time in epoch milliseconds (NaN when
 * unknown). Plain arrays or typed arrays both do. */
export interface SeriesColumns {
  readonly steps: ArrayLike<number>;
  readonly values: ArrayLike<number | null>;
  readonly times?: ArrayLike<number>;
}

/** A point as the API gives it (`MetricPoint`, `MetricEventPoint`): step a number,
 * value null for NaN and infinities, timestamp ISO-8601. `value` and `timestamp` may be
 * left out of the selection. */
export interface PointLike {
  readonly step: number;
  readonly value?: number | null;
  readonly timestamp?: string;
}

/** A live point, as `MetricsEvent.points` gives it. */
export interface KeyedPointLike extends PointLike {
  readonly key: string;
}

function parseTime(timestamp: string | undefined): number {
  return timestamp === undefined ? Number.NaN : Date.parse(timestamp);
}

function checkStep(step: unknown, where: string): number {
  if (typeof step !== "number" || !Number.isSafeInteger(step) || step < 0) {
    throw new TypeError(`${where}: a step must be a non-negative safe integer, got ${String(step)}`);
  }
  return step;
}

/** `MetricSeries.points` (ascending steps, as the API returns them) → columns. */
export function columnsFromPoints(points: readonly PointLike[]): SeriesColumns {
  const n = points.length;
  const steps = new Float64Array(n);
  const values = new Array<number | null>(n);
  const times = new Float64Array(n);
  let previous = -1;
  for (let i = 0; i < n; i++) {
    const point = points[i] as PointLike;
    const step = checkStep(point.step, "MetricSeries.points");
    if (step <= previous) {
      throw new RangeError(`MetricSeries.points: steps must ascend (${step} after ${previous})`);
    }
    previous = step;
    steps[i] = step;
    values[i] = point.value ?? null;
    times[i] = parseTime(point.timestamp);
  }
  return { steps, values, times };
}

/** The last point of a series (the chart's `Last:` text), or null when it is empty. */
export function lastPoint(series: SeriesColumns): { step: number; value: number | null } | null {
  const n = series.steps.length;
  if (n === 0) return null;
  return { step: series.steps[n - 1] as number, value: series.values[n - 1] ?? null };
}

/** The first index whose step is ≥ `step` (the length when none is). */
export function lowerBound(steps: ArrayLike<number>, step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((steps[mid] as number) < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose step is > `step`. */
export function upperBound(steps: ArrayLike<number>, step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((steps[mid] as number) <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A series that grows: the history read from the API, then the live points merged in.
 *
 * The columns are plain arrays changed in place (appends are amortised O(1), as
 * `Array.prototype.push` is), so a live event costs its own points, not a copy of the
 * series. A point whose step is already there replaces it; one that arrives out of order
 * is inserted at its place. `revision` grows with every change: hand it to the chart
 * (`ChartSeries.revision`) so it redraws the same, changed, object.
 */
export class SeriesBuffer implements SeriesColumns {
  readonly steps: number[] = [];
  readonly values: (number | null)[] = [];
  readonly times: number[] = [];
  revision = 0;

  /** A buffer holding a copy of `series` (its steps must ascend). */
  static from(series: SeriesColumns): SeriesBuffer {
    const buffer = new SeriesBuffer();
    const n = series.steps.length;
    for (let i = 0; i < n; i++) {
      buffer.steps.push(series.steps[i] as number);
      buffer.values.push(series.values[i] ?? null);
      buffer.times.push(series.times ? (series.times[i] as number) : Number.NaN);
    }
    buffer.revision = 1;
    return buffer;
  }

  get length(): number {
    return this.steps.length;
  }

  /** Merges points (any order; within `points`, the later of two with one step wins).
   * Returns how many steps were added (replacements not counted). */
  merge(points: readonly PointLike[]): number {
    if (points.length === 0) return 0;
    let ordered = points;
    for (let i = 1; i < points.length; i++) {
      if ((points[i] as PointLike).step < (points[i - 1] as PointLike).step) {
        // stable: of two points with one step, the later one is applied last and wins
        ordered = [...points].sort((a, b) => a.step - b.step);
        break;
      }
    }
    const before = this.steps.length;
    for (const point of ordered) this.put(point);
    this.revision += 1;
    return this.steps.length - before;
  }

  private put(point: PointLike): void {
    const step = checkStep(point.step, "SeriesBuffer.merge");
    const value = point.value ?? null;
    const time = parseTime(point.timestamp);
    const n = this.steps.length;
    const last = n > 0 ? (this.steps[n - 1] as number) : -1;
    if (step > last) {
      this.steps.push(step);
      this.values.push(value);
      this.times.push(time);
      return;
    }
    const at = step === last ? n - 1 : lowerBound(this.steps, step);
    if (this.steps[at] === step) {
      this.values[at] = value;
      this.times[at] = time;
      return;
    }
    this.steps.splice(at, 0, step);
    this.values.splice(at, 0, value);
    this.times.splice(at, 0, time);
  }
}

/** Merges a live event's points (`MetricsEvent.points`, several keys) into one buffer per
 * key, making a buffer for a key not seen before. Returns the keys that changed. */
export function mergeKeyedPoints(
  buffers: Map<string, SeriesBuffer>,
  points: readonly KeyedPointLike[],
): Set<string> {
  const byKey = new Map<string, KeyedPointLike[]>();
  for (const point of points) {
    let list = byKey.get(point.key);
    if (list === undefined) byKey.set(point.key, (list = []));
    list.push(point);
  }
  for (const [key, list] of byKey) {
    let buffer = buffers.get(key);
    if (buffer === undefined) buffers.set(key, (buffer = new SeriesBuffer()));
    buffer.merge(list);
  }
  return new Set(byKey.keys());
}
