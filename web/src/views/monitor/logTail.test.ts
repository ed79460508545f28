import { describe, expect, it } from "vitest";

import { atLeast, isAtEnd } from "./logTail";

describe("atLeast", () => {
  const lines = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"].map((level) => ({ level }));
  it("keeps the lines at the level or above", () => {
    expect(atLeast(lines, "WARNING").map((l) => l.level)).toEqual(["WARNING", "ERROR", "CRITICAL"]);
    expect(atLeast(lines, null)).toBe(lines);
  });
});

describe("isAtEnd", () => {
  it("at the end, or within a few pixels of it", () => {
    expect(isAtEnd({ scrollTop: 600, clientHeight: 400, scrollHeight: 1000 })).toBe(true);
    expect(isAtEnd({ scrollTop: 595, clientHeight: 400, scrollHeight: 1000 })).toBe(true);
    expect(isAtEnd({ scrollTop: 300, clientHeight: 400, scrollHeight: 1000 })).toBe(false);
  });
});
