import { describe, expect, it } from "vitest";

import {
  SeriesBuffer,
  columnsFromPoints,
  lastPoint,
  mergeKeyedPoints,
} from "./columns";

describe("columnsFromPoints", () => {
  it("turns MetricSeries.points into columns, null values kept, times parsed", () => {
    const columns = columnsFromPoints([
      { step: 0, value: 1.5, timestamp: "2025-01-01T00:00:00+00:00" },
      { step: 10, value: null, timestamp: "2025-01-01T00:00:01Z" },
      { step: 9_007_199_254_740_991, value: 2, timestamp: "2025-01-01T00:00:02Z" },
    ]);
    expect(Array.from(columns.steps)).toEqual([0, 10, 9_007_199_254_740_991]);
    expect(Array.from(columns.values)).toEqual([1.5, null, 2]);
    expect(Array.from(columns.times ?? [])).toEqual([
      Date.UTC(2025, 0, 1, 0, 0, 0),
      Date.UTC(2025, 0, 1, 0, 0, 1),
      Date.UTC(2025, 0, 1, 0, 0, 2),
    ]);
  });

  it("treats a value left out of the selection as a gap and a missing time as NaN", () => {
    const columns = columnsFromPoints([{ step: 1 }]);
    expect(Array.from(columns.values)).toEqual([null]);
    expect(Number.isNaN(columns.times?.[0])).toBe(true);
  });

  it("refuses steps that do not ascend, or are not integers", () => {
    expect(() => columnsFromPoints([{ step: 2 }, { step: 1 }])).toThrow(/ascend/);
    expect(() => columnsFromPoints([{ step: 1 }, { step: 1 }])).toThrow(/ascend/);
    expect(() => columnsFromPoints([{ step: 1.5 }])).toThrow(/safe integer/);
    expect(() => columnsFromPoints([{ step: "3" as unknown as number }])).toThrow(/safe integer/);
  });
});

describe("SeriesBuffer", () => {
  const at = (step: number, value: number | null) => ({
    step,
    value,
    timestamp: new Date(Date.UTC(2025, 0, 1) + step * 1000).toISOString(),
  });

  it("appends in order, replaces a repeated step, inserts a late point at its place", () => {
    const buffer = SeriesBuffer.from(columnsFromPoints([at(0, 0), at(10, 1)]));
    const revision = buffer.revision;
    expect(buffer.merge([at(20, 2), at(30, 3)])).toBe(2);
    expect(buffer.merge([at(30, 33)])).toBe(0); // repeated: replaced
    expect(buffer.merge([at(5, 0.5)])).toBe(1); // late: inserted
    expect(buffer.merge([at(40, 4), at(15, 1.5), at(40, 44)])).toBe(2); // unordered batch
    expect(buffer.steps).toEqual([0, 5, 10, 15, 20, 30, 40]);
    expect(buffer.values).toEqual([0, 0.5, 1, 1.5, 2, 33, 44]);
    expect(buffer.times[1]).toBe(Date.UTC(2025, 0, 1) + 5000);
    expect(buffer.revision).toBe(revision + 4);
    expect(lastPoint(buffer)).toEqual({ step: 40, value: 44 });
  });

  it("grows in place: a live point does not copy the series", () => {
    const buffer = new SeriesBuffer();
    const steps = buffer.steps;
    const values = buffer.values;
    for (let i = 0; i < 1_000; i++) buffer.merge([at(i, i)]);
    expect(buffer.steps).toBe(steps);
    expect(buffer.values).toBe(values);
    expect(buffer.length).toBe(1_000);
  });

  it("an empty merge changes nothing", () => {
    const buffer = new SeriesBuffer();
    expect(buffer.merge([])).toBe(0);
    expect(buffer.revision).toBe(0);
    expect(lastPoint(buffer)).toBeNull();
  });
});

describe("mergeKeyedPoints", () => {
  it("sorts an event's points into one buffer per key", () => {
    const buffers = new Map<string, SeriesBuffer>();
    buffers.set("loss", SeriesBuffer.from({ steps: [1], values: [0.9] }));
    const changed = mergeKeyedPoints(buffers, [
      { key: "loss", step: 2, value: 0.8, timestamp: "2025-01-01T00:00:00Z" },
      { key: "acc", step: 2, value: 0.1, timestamp: "2025-01-01T00:00:00Z" },
      { key: "loss", step: 3, value: null, timestamp: "2025-01-01T00:00:01Z" },
    ]);
    expect([...changed].sort()).toEqual(["acc", "loss"]);
    expect(buffers.get("loss")?.steps).toEqual([1, 2, 3]);
    expect(buffers.get("loss")?.values).toEqual([0.9, 0.8, null]);
    expect(buffers.get("acc")?.values).toEqual([0.1]);
  });
});
