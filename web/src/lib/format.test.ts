import { describe, expect, it } from "vitest";

import {
  formatCount,
  formatDateTime,
  formatDuration,
  formatMoney,
  formatProgress,
  formatQueue,
  progressFraction,
  statusLabel,
} from "./format";

describe("formatting", () => {
  it("writes money with its currency", () => {
    expect(formatMoney(1234.5, "USD")).toBe("$1,234.50");
    expect(formatMoney(0, "EUR")).toBe("€0.00");
    expect(formatMoney(3, "NOTACODE")).toBe("3.00 NOTACODE");
  });

  it("writes counts with separators", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
  });

  it("writes a waiting run's place in the queue and its estimated start", () => {
    const local = new Date(2025, 0, 2, 13, 5, 0);
    expect(formatQueue({ position: 3, estimatedStartAt: local.toISOString() })).toBe(
      "#3 in queue · ~01-02 13:05",
    );
    expect(formatQueue({ position: 1, estimatedStartAt: null })).toBe(
      "#1 in queue · no estimate",
    );
  });

  it("writes local date and time to the minute", () => {
    const local = new Date(2025, 0, 2, 13, 5, 59);
    expect(formatDateTime(local.toISOString())).toBe("2025-01-02 13:05");
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
  });

  it("writes durations in their two largest units", () => {
    expect(formatDuration(44.6)).toBe("45s");
    expect(formatDuration(725)).toBe("12m 05s");
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe("3h 07m");
    expect(formatDuration(2 * 86400 + 4 * 3600 + 59)).toBe("2d 04h");
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(-1)).toBe("—");
  });

  it("writes progress by steps, else epochs, else the fraction", () => {
    expect(formatProgress({ step: 1200, totalSteps: 10000, fraction: 0.12 })).toBe(
      "1,200 / 10,000 steps · 12%",
    );
    expect(formatProgress({ epoch: 3, totalEpochs: 10, fraction: 0.3 })).toBe(
      "epoch 3 / 10 · 30%",
    );
    expect(formatProgress({ step: 50 })).toBe("step 50");
    expect(formatProgress({ fraction: 0.999 })).toBe("99%");
    expect(formatProgress({})).toBe("—");
  });

  it("keeps a fraction inside 0..1", () => {
    expect(progressFraction({ fraction: 1.5 })).toBe(1);
    expect(progressFraction({ fraction: -0.2 })).toBe(0);
    expect(progressFraction({ fraction: null })).toBeNull();
  });

  it("names statuses for people", () => {
    expect(statusLabel("RUNNING")).toBe("Running");
    expect(statusLabel("NEW_ONE")).toBe("NEW_ONE");
  });
});
