import { describe, expect, it } from "vitest";

import { downsampleMinMax, windowOf } from "./downsample";

function series(n: number, value: (i: number) => number | null): { x: Float64Array; y: (number | null)[] } {
  const x = new Float64Array(n);
  const y = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    x[i] = i;
    y[i] = value(i);
  }
  return { x, y };
}

function nonNull(y: ArrayLike<number | null>): number {
  let count = 0;
  for (let i = 0; i < y.length; i++) if (y[i] !== null) count += 1;
  return count;
}

describe("downsampleMinMax", () => {
  it("keeps one spike among 1,000,000 points, the first and the last, within 4 × width", () => {
    const width = 800;
    const data = series(1_000_000, (i) => Math.sin(i / 1000) * 0.01 + 1);
    data.y[654_321] = 50; // the spike
    data.y[123_456] = -40; // and a dip
    const out = downsampleMinMax(data, width);
    expect(out.x.length).toBeLessThanOrEqual(4 * width);
    expect(out.x[0]).toBe(0);
    expect(out.y[0]).toBe(data.y[0]);
    expect(out.x[out.x.length - 1]).toBe(999_999);
    expect(out.y[out.y.length - 1]).toBe(data.y[999_999]);
    const spike = Array.prototype.indexOf.call(out.x, 654_321);
    expect(spike).toBeGreaterThan(0);
    expect(out.y[spike]).toBe(50);
    expect(Math.max(...(out.y as number[]))).toBe(50);
    expect(Math.min(...(out.y as number[]))).toBe(-40);
    for (let i = 1; i < out.x.length; i++) {
      expect(out.x[i] as number).toBeGreaterThan(out.x[i - 1] as number);
    }
  });

  it("keeps each column's extremes: the envelope per column is the original's", () => {
    const width = 50;
    const data = series(10_000, (i) => ((i * 7919) % 1000) / 10);
    const out = downsampleMinMax(data, width);
    const columnOf = (x: number): number => Math.min(width - 1, Math.floor((x / 9_999) * width));
    const range = (xs: ArrayLike<number>, ys: ArrayLike<number | null>) => {
      const lo = new Array<number>(width).fill(Infinity);
      const hi = new Array<number>(width).fill(-Infinity);
      for (let i = 0; i < xs.length; i++) {
        const c = columnOf(xs[i] as number);
        lo[c] = Math.min(lo[c] as number, ys[i] as number);
        hi[c] = Math.max(hi[c] as number, ys[i] as number);
      }
      return [lo, hi];
    };
    expect(range(out.x, out.y)).toEqual(range(data.x, data.y));
  });

  it("returns the same series when it already fits", () => {
    const data = series(400, (i) => i);
    expect(downsampleMinMax(data, 100)).toBe(data);
  });

  it("keeps a gap as a null in its column", () => {
    const data = series(100_000, (i) => i % 3);
    data.y[50_000] = null;
    const out = downsampleMinMax(data, 100);
    const at = Array.prototype.indexOf.call(out.x, 50_000);
    expect(at).toBeGreaterThan(0);
    expect(out.y[at]).toBeNull();
    expect(nonNull(out.y)).toBeLessThanOrEqual(4 * 100);
  });

  it("a column of nulls only stays one gap", () => {
    const data = series(10_000, (i) => (i >= 5_000 && i < 5_500 ? null : 1));
    const out = downsampleMinMax(data, 100);
    const inside = Array.from(out.x).filter((x) => x >= 5_000 && x < 5_500);
    expect(inside.length).toBeGreaterThan(0);
    for (const x of inside) expect(out.y[Array.prototype.indexOf.call(out.x, x)]).toBeNull();
  });

  it("over a range: the points inside, thinned, plus one neighbour each side", () => {
    const data = series(1_000_000, (i) => (i === 500_123 ? 9 : 0));
    const out = downsampleMinMax(data, 200, { from: 400_000, to: 600_000 });
    expect(out.x[0]).toBe(399_999);
    expect(out.x[out.x.length - 1]).toBe(600_001);
    expect(out.x.length).toBeLessThanOrEqual(4 * 200 + 2);
    expect(out.y[Array.prototype.indexOf.call(out.x, 500_123)]).toBe(9);
  });

  it("over a small range: every point in it, unthinned", () => {
    const data = series(1_000_000, (i) => i);
    const out = downsampleMinMax(data, 200, { from: 10, to: 20 });
    expect(Array.from(out.x)).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });
});

describe("windowOf", () => {
  it("includes both ends of the range", () => {
    const x = [1, 3, 5, 7, 9];
    expect(windowOf(x, { from: 3, to: 7 })).toEqual([1, 4]);
    expect(windowOf(x, { from: 2, to: 8 })).toEqual([1, 4]);
    expect(windowOf(x, { from: 10, to: 20 })).toEqual([5, 5]);
    expect(windowOf(x, null)).toEqual([0, 5]);
  });
});
