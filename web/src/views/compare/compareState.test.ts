import { describe, expect, it } from "vitest";

import {
  MAX_COMPARED,
  compareLink,
  deltaTone,
  formatDelta,
  formatMetric,
  formatParamValue,
  parseCompareState,
  visibleParams,
} from "./compareState";

const parse = (query: string) => parseCompareState(new URLSearchParams(query));

describe("URL → compare state", () => {
  it("reads the ids in order, each once, and the baseline", () => {
    expect(parse("ids=a,%20b,,a,c&baseline=b&diff=1")).toEqual({
      ids: ["a", "b", "c"],
      baselineId: "b",
      onlyDifferences: true,
    });
  });

  it("takes the first experiment as baseline when none or a stranger is named", () => {
    expect(parse("ids=a,b").baselineId).toBe("a");
    expect(parse("ids=a,b&baseline=z").baselineId).toBe("a");
    expect(parse("").baselineId).toBeNull();
    expect(parse("").ids).toEqual([]);
  });

  it("keeps at most what the API compares", () => {
    const many = Array.from({ length: MAX_COMPARED + 5 }, (_, i) => `e${i}`).join(",");
    expect(parse(`ids=${many}`).ids).toHaveLength(MAX_COMPARED);
  });
});

describe("compare links", () => {
  it("is paths.compare for the plain case", () => {
    expect(compareLink(["a", "b"])).toBe("/compare?ids=a,b");
    expect(compareLink([])).toBe("/compare");
  });

  it("adds a baseline other than the first, and the differences toggle", () => {
    expect(compareLink(["a", "b"], { baselineId: "b", onlyDifferences: true })).toBe(
      "/compare?ids=a,b&baseline=b&diff=1",
    );
    expect(compareLink(["a", "b"], { baselineId: "a" })).toBe("/compare?ids=a,b");
    expect(compareLink(["a", "b"], { baselineId: "zz" })).toBe("/compare?ids=a,b");
  });

  it("round-trips through the parser", () => {
    const link = compareLink(["x y", "b"], { baselineId: "b", onlyDifferences: true });
    const state = parseCompareState(new URLSearchParams(link.split("?")[1]));
    expect(state).toEqual({ ids: ["x y", "b"], baselineId: "b", onlyDifferences: true });
  });
});

describe("values", () => {
  it("writes parameters", () => {
    expect(formatParamValue("adamw")).toBe("adamw");
    expect(formatParamValue(0.001)).toBe("0.001");
    expect(formatParamValue([224, 224])).toBe("[224,224]");
    expect(formatParamValue(false)).toBe("false");
    expect(formatParamValue(null)).toBe("—");
  });

  it("writes metrics with five significant digits", () => {
    expect(formatMetric(0.123456)).toBe("0.12346");
    expect(formatMetric(42)).toBe("42");
    expect(formatMetric(-1.5)).toBe("\u22121.5");
    expect(formatMetric(1234567.8)).toBe("1.235e+6");
    expect(formatMetric(0.0000123)).toBe("1.23e-5");
    expect(formatMetric(-0.0000123)).toBe("\u22121.23e-5");
    expect(formatMetric(null)).toBe("—");
    expect(formatMetric(Number.NaN)).toBe("—");
  });
});

describe("deltas against the baseline", () => {
  it("are signed, with the percentage", () => {
    expect(formatDelta(0.05, 12.5)).toBe("+0.05 (+12.5%)");
    expect(formatDelta(-2, -50)).toBe("\u22122 (\u221250%)");
    expect(formatDelta(0.1, 3.333)).toBe("+0.1 (+3.33%)");
    expect(formatDelta(3, null)).toBe("+3");
    expect(formatDelta(0, 0)).toBe("0");
    expect(formatDelta(null, null)).toBe("—");
  });

  it("are better or worse by the metric's goal", () => {
    expect(deltaTone(0.1, "MAX")).toBe("better");
    expect(deltaTone(0.1, "MIN")).toBe("worse");
    expect(deltaTone(-0.1, "MIN")).toBe("better");
    expect(deltaTone(0, "MIN")).toBe("same");
    expect(deltaTone(null, "MAX")).toBeNull();
  });
});

describe("only differences", () => {
  const rows = [
    { key: "a", differs: true },
    { key: "b", differs: false },
  ];
  it("filters to the differing rows", () => {
    expect(visibleParams(rows, true).map((r) => r.key)).toEqual(["a"]);
    expect(visibleParams(rows, false).map((r) => r.key)).toEqual(["a", "b"]);
  });
});
