import { describe, expect, it } from "vitest";

import { type LogLineRow, levelsArgument, matchesSearch, mergeLines } from "./logLines";

const line = (seq: number, message = `line ${seq}`): LogLineRow => ({
  seq,
  timestamp: "2025-01-01T00:00:00Z",
  level: "INFO",
  message,
});

describe("mergeLines", () => {
  it("appends newer lines", () => {
    const merged = mergeLines([line(1), line(2)], [line(3), line(4)]);
    expect(merged.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
  });

  it("keeps each seq once when a replay overlaps what is shown", () => {
    const merged = mergeLines([line(1), line(2), line(3)], [line(2), line(3), line(4)]);
    expect(merged.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
  });

  it("puts lines arriving out of order in place", () => {
    const merged = mergeLines([line(1), line(5)], [line(3)]);
    expect(merged.map((l) => l.seq)).toEqual([1, 3, 5]);
  });

  it("keeps the newest lines past the cap", () => {
    const merged = mergeLines([line(1), line(2)], [line(3), line(4)], 3);
    expect(merged.map((l) => l.seq)).toEqual([2, 3, 4]);
  });

  it("returns the same list when nothing arrives", () => {
    const lines = [line(1)];
    expect(mergeLines(lines, [])).toBe(lines);
  });
});

describe("filters", () => {
  it("matches the search case-insensitively, anything without one", () => {
    expect(matchesSearch(line(1, "Epoch 3 loss=0.2"), "LOSS")).toBe(true);
    expect(matchesSearch(line(1, "Epoch 3"), "loss")).toBe(false);
    expect(matchesSearch(line(1, "Epoch 3"), "  ")).toBe(true);
  });

  it("sends no level filter for all or none, else the chosen in order", () => {
    expect(levelsArgument([])).toBeNull();
    expect(levelsArgument(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])).toBeNull();
    expect(levelsArgument(["ERROR", "INFO"])).toEqual(["INFO", "ERROR"]);
  });
});
