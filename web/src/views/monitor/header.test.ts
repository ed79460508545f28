import { describe, expect, it } from "vitest";

import { elapsedSeconds, liveCost, progressText } from "./header";

const cost = { gpu: 1, cpu: 0, api: 0.5, total: 1.5, currency: "USD" };
const reservation = { gpuCount: 2, hourlyCostPerGpu: 3, reservedAt: "2025-01-01T00:00:00Z" };
const at = (iso: string) => Date.parse(iso);

describe("liveCost", () => {
  it("grows with the time the GPUs are held while running", () => {
    const now = at("2025-01-01T00:30:00Z");
    expect(liveCost(cost, reservation, true, now)).toEqual({ ...cost, gpu: 3, total: 3.5 });
  });

  it("adds the cores held at the pool's rate per core-hour", () => {
    const now = at("2025-01-01T01:00:00Z");
    const withCores = { ...reservation, cpuCores: 8, hourlyCostPerCpuCore: 0.05 };
    const live = liveCost(cost, withCores, true, now);
    expect(live.gpu).toBe(6);
    expect(live.cpu).toBeCloseTo(0.4);
    expect(live.total).toBeCloseTo(6.9);
  });

  it("is the API's once released, stopped, or without GPUs", () => {
    const now = at("2025-01-01T05:00:00Z");
    expect(liveCost(cost, { ...reservation, releasedAt: "2025-01-01T01:00:00Z" }, true, now)).toBe(cost);
    expect(liveCost(cost, reservation, false, now)).toBe(cost);
    expect(liveCost(cost, null, true, now)).toBe(cost);
  });
});

describe("elapsedSeconds", () => {
  it("to now while it runs, to the end once finished, nothing before a start", () => {
    expect(elapsedSeconds("2025-01-01T00:00:00Z", null, at("2025-01-01T00:01:30Z"))).toBe(90);
    expect(elapsedSeconds("2025-01-01T00:00:00Z", "2025-01-01T00:00:10Z", at("2025-01-02T00:00:00Z"))).toBe(10);
    expect(elapsedSeconds(null, null, 0)).toBeNull();
  });
});

describe("progressText", () => {
  it("writes each part the run reported", () => {
    expect(progressText({ step: 1200, totalSteps: 10000, epoch: 3, totalEpochs: 10, fraction: 0.12 })).toBe(
      "step 1,200 / 10,000 · epoch 3 / 10 · 12%",
    );
    expect(progressText({ step: 5 })).toBe("step 5");
    expect(progressText({})).toBe("no progress reported yet");
  });
});
