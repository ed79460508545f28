import { describe, expect, it } from "vitest";

import { gridAlign, joinSeries } from "./align";

describe("joinSeries", () => {
  it("puts series on the union of their x, undefined where one has no point", () => {
    const [x, a, b] = joinSeries([
      { x: [1, 2, 4], y: [10, null, 40] },
      { x: [2, 3, 4, 5], y: [2, 3, 4, 5] },
    ]);
    expect(Array.from(x)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(a ?? [])).toEqual([10, null, undefined, 40, undefined]);
    expect(Array.from(b ?? [])).toEqual([undefined, 2, 3, 4, 5]);
  });

  it("does not copy series that share their x", () => {
    const x = [0, 1, 2];
    const first = { x, y: [1, 2, 3] };
    const second = { x: [0, 1, 2], y: [4, 5, 6] };
    const joined = joinSeries([first, second]);
    expect(joined[0]).toBe(x);
    expect(joined[1]).toBe(first.y);
    expect(joined[2]).toBe(second.y);
  });

  it("of no series is an empty x", () => {
    expect(joinSeries([])).toEqual([[]]);
  });
});

describe("gridAlign", () => {
  it("keeps every series' spikes and bounds the x to 5 per column", () => {
    const n = 10_000;
    const list = Array.from({ length: 100 }, (_, s) => {
      const x = new Float64Array(n);
      const y = new Array<number | null>(n);
      for (let i = 0; i < n; i++) {
        x[i] = i * 10;
        y[i] = s + Math.sin(i / 50);
      }
      y[(s * 97) % n] = 1000 + s; // one spike per series, each elsewhere
      return { x, y };
    });
    const columns = 500;
    const [x, ...ys] = gridAlign(list, columns, { from: 0, to: (n - 1) * 10 });
    expect(x.length).toBeLessThanOrEqual(5 * columns);
    expect(ys).toHaveLength(100);
    ys.forEach((y, s) => {
      expect(y.length).toBe(x.length);
      const values = Array.from(y).filter((v): v is number => typeof v === "number");
      expect(Math.max(...values)).toBe(1000 + s);
      expect(Math.min(...values)).toBeCloseTo(s - 1, 2);
    });
    for (let i = 1; i < x.length; i++) expect(x[i] as number).toBeGreaterThan(x[i - 1] as number);
    expect(x[0] as number).toBeGreaterThanOrEqual(0);
    expect(x[x.length - 1] as number).toBeLessThanOrEqual((n - 1) * 10);
  });

  it("keeps a gap as null and leaves columns a series has no point in undefined", () => {
    const dense = { x: Array.from({ length: 1000 }, (_, i) => i), y: Array.from({ length: 1000 }, () => 1 as number | null) };
    dense.y[500] = null;
    const sparse = { x: [0, 999], y: [5, 6] };
    const [x, a, b] = gridAlign([dense, sparse], 10, { from: 0, to: 999 });
    expect(Array.from(a ?? []).filter((v) => v === null)).toHaveLength(1);
    const defined = Array.from(b ?? []).filter((v) => v !== undefined);
    expect(defined).toEqual([5, 6]);
    expect(x.length).toBeLessThanOrEqual(50);
  });
});
