import { describe, expect, it } from "vitest";

import { plotData } from "./plotData";

const steps = (n: number, every = 1) => Float64Array.from({ length: n }, (_, i) => i * every);

describe("plotData", () => {
  it("draws a short series as it is", () => {
    const data = { steps: [0, 1, 2], values: [1, null, 3] };
    const [x, y] = plotData([data], "step", 800, null);
    expect(x).toBe(data.steps);
    expect(y).toBe(data.values);
  });

  it("thins a 1,000,000-point series to 4 points per column or fewer", () => {
    const values = Array.from({ length: 1_000_000 }, (_, i) => (i === 777_777 ? 99 : 1));
    const [x, y] = plotData([{ steps: steps(1_000_000), values }], "step", 1000, null);
    expect(x.length).toBeLessThanOrEqual(4000);
    expect(Array.from(y ?? []).includes(99)).toBe(true);
  });

  it("zoomed: only the range, at full resolution when it is short", () => {
    const values = Array.from({ length: 1_000_000 }, (_, i) => i);
    const [x] = plotData([{ steps: steps(1_000_000), values }], "step", 1000, { from: 1000, to: 1999 });
    expect(x.length).toBe(1002); // the 1,000 steps in range and a neighbour each side
    expect(x[1]).toBe(1000);
  });

  it("overlays a few series exactly on their joined steps", () => {
    const a = { steps: [0, 2, 4], values: [1, 2, 3] };
    const b = { steps: [1, 2, 3], values: [4, 5, 6] };
    const [x, ya, yb] = plotData([a, b], "step", 800, null);
    expect(Array.from(x)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(ya ?? [])).toEqual([1, undefined, 2, undefined, 3]);
    expect(Array.from(yb ?? [])).toEqual([undefined, 4, 5, 6, undefined]);
  });

  it("overlays many long series on a grid bounded by the columns", () => {
    const list = Array.from({ length: 20 }, (_, s) => ({
      steps: steps(10_000, 3),
      values: Array.from({ length: 10_000 }, (_, i) => s * i),
    }));
    const [x, ...ys] = plotData(list, "step", 300, null);
    expect(x.length).toBeLessThanOrEqual(5 * 300);
    expect(ys).toHaveLength(20);
    expect(Math.max(...Array.from(ys[19] ?? []).filter((v): v is number => typeof v === "number"))).toBe(
      19 * 9_999,
    );
  });

  it("puts times on the x in seconds for a time axis", () => {
    const data = { steps: [1, 2], values: [1, 2], times: [1_700_000_000_000, 1_700_000_001_000] };
    const [x] = plotData([data], "time", 800, null);
    expect(Array.from(x)).toEqual([1_700_000_000, 1_700_000_001]);
  });
});
