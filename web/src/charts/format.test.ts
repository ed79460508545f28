import { describe, expect, it } from "vitest";

import { formatStep, formatTicks, formatValue, lastPointText } from "./format";
import { SERIES_COLORS, seriesColor } from "./palette";
import { MAX_POINTS, MIN_POINTS, maxPointsFor, settledMaxPoints } from "./width";

describe("text", () => {
  it("writes the last point as the summary beside a chart", () => {
    expect(lastPointText({ step: 1234, value: 0.0123 })).toBe("Last: step 1,234 · 0.0123");
    expect(lastPointText({ step: 5, value: null })).toBe("Last: step 5 · —");
    expect(lastPointText(null)).toBe("Last: no points yet");
  });

  it("formats steps and values", () => {
    expect(formatStep(1_000_000)).toBe("1,000,000");
    expect(formatValue(0.123456789)).toBe("0.123457");
    expect(formatValue(1234.5)).toBe("1,234.5");
    expect(formatValue(0.00000123)).toBe("1.23e-6");
    expect(formatValue(2.5e12)).toBe("2.5e+12");
    expect(formatValue(0)).toBe("0");
    expect(formatValue(Number.NaN)).toBe("—");
  });
});

describe("formatTicks", () => {
  it("tells apart the ticks of a small metric (uPlot's default writes each as 0)", () => {
    expect(formatTicks([0, 0.0001, 0.0002, 0.0003])).toEqual(["0", "0.0001", "0.0002", "0.0003"]);
    expect(formatTicks([0.1 + 0.2, 1, 2.5])).toEqual(["0.3", "1", "2.5"]);
    expect(formatTicks([0, 2e-5, 4e-5])).toEqual(["0", "2e-5", "4e-5"]);
  });
});

describe("palette", () => {
  it("gives distinct colours and starts over past the end", () => {
    expect(new Set(SERIES_COLORS).size).toBe(SERIES_COLORS.length);
    expect(seriesColor(0)).toBe(SERIES_COLORS[0]);
    expect(seriesColor(SERIES_COLORS.length + 2)).toBe(SERIES_COLORS[2]);
  });
});

describe("maxPointsFor", () => {
  it("asks for one point per device pixel, within 200..4000", () => {
    expect(maxPointsFor(640, 1)).toBe(640);
    expect(maxPointsFor(640, 2)).toBe(1280);
    expect(maxPointsFor(333.4, 1.5)).toBe(500);
    expect(maxPointsFor(50, 1)).toBe(MIN_POINTS);
    expect(maxPointsFor(3000, 2)).toBe(MAX_POINTS);
    expect(maxPointsFor(0, 1)).toBe(MIN_POINTS);
  });

  it("keeps the current count through small resizes", () => {
    expect(settledMaxPoints(null, 800)).toBe(800);
    expect(settledMaxPoints(800, 850)).toBe(800);
    expect(settledMaxPoints(800, 700)).toBe(700);
    expect(settledMaxPoints(800, 1000)).toBe(1000);
  });
});
