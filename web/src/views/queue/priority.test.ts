import { describe, expect, it } from "vitest";

import { parsePriority, priorityLabel, priorityOptions, priorityRange } from "./priority";

describe("priorityRange", () => {
  it("offers above 0 only to a user who may raise it", () => {
    expect(priorityRange(true)).toEqual({ min: -1000, max: 1000 });
    expect(priorityRange(false)).toEqual({ min: -1000, max: 0 });
  });
});

describe("priorityLabel", () => {
  it("names the levels and signs the value", () => {
    expect(priorityLabel(0)).toBe("Normal (0)");
    expect(priorityLabel(10)).toBe("High (+10)");
    expect(priorityLabel(-10)).toBe("Low (\u221210)");
    expect(priorityLabel(37)).toBe("Custom (+37)");
  });
});

describe("priorityOptions", () => {
  it("gives a lead every level, highest first", () => {
    expect(priorityOptions(0, true).map((o) => o.value)).toEqual([100, 10, 0, -10]);
  });

  it("gives a DS 0 or less", () => {
    const options = priorityOptions(0, false);
    expect(options.map((o) => o.value)).toEqual([0, -10]);
    expect(options.every((o) => !o.disabled)).toBe(true);
  });

  it("keeps a custom current value in its place", () => {
    expect(priorityOptions(-3, false).map((o) => o.label)).toEqual([
      "Normal (0)",
      "Custom (\u22123)",
      "Low (\u221210)",
    ]);
  });

  it("shows a raised value a DS cannot choose again, disabled", () => {
    const options = priorityOptions(10, false);
    expect(options).toEqual([
      { value: 10, label: "High (+10)", disabled: true },
      { value: 0, label: "Normal (0)", disabled: false },
      { value: -10, label: "Low (\u221210)", disabled: false },
    ]);
  });
});

describe("parsePriority", () => {
  it("reads whole numbers in range", () => {
    expect(parsePriority(" 25 ", true)).toEqual({ value: 25 });
    expect(parsePriority("-1000", false)).toEqual({ value: -1000 });
    expect(parsePriority("+0", false)).toEqual({ value: 0 });
  });

  it("refuses what is not a whole number", () => {
    expect(parsePriority("", true).error).toBe("is required");
    expect(parsePriority("1.5", true).error).toBe("must be a whole number");
    expect(parsePriority("ten", true).error).toBe("must be a whole number");
  });

  it("refuses out of range, above 0 for a DS", () => {
    expect(parsePriority("-1001", true).error).toBe("must be >= -1000");
    expect(parsePriority("1001", true).error).toBe("must be <= 1000");
    expect(parsePriority("1", false).error).toBe("must be 0 or less");
  });
});
