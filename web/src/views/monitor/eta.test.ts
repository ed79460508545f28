import { describe, expect, it } from "vitest";

import {
  MIN_STALL_MS,
  WINDOW_MS,
  addSample,
  estimateEta,
  stallAfterMs,
  workOf,
  type ProgressSample,
} from "./eta";

function feed(samples: ProgressSample[]): ProgressSample[] {
  return samples.reduce<ProgressSample[]>((history, s) => addSample(history, s), []);
}

/** 10 steps a second, a report every 2 s, for `reports` reports from t = 0. */
function steady(reports: number, total = 1000): ProgressSample[] {
  return feed(Array.from({ length: reports }, (_, i) => ({ at: i * 2000, done: i * 20, total })));
}

describe("estimateEta", () => {
  it("needs two samples of progress", () => {
    expect(estimateEta([], 0)).toBeNull();
    expect(estimateEta(feed([{ at: 0, done: 10, total: 100 }]), 1000)).toBeNull();
  });

  it("a steady rate: the time left at that rate, counted down between reports", () => {
    const history = steady(6); // at t = 10 s, 100 of 1000 steps, 10 steps/s
    const atReport = estimateEta(history, 10_000);
    expect(atReport).toEqual({ seconds: 90, rate: 10, stalled: false });
    const between = estimateEta(history, 11_000);
    expect(between?.seconds).toBeCloseTo(89, 6);
    expect(between?.stalled).toBe(false);
  });

  it("a faster recent rate wins once the old samples leave the window", () => {
    let history = feed([
      { at: 0, done: 0, total: 100_000 },
      { at: 60_000, done: 60, total: 100_000 }, // 1 step/s
    ]);
    for (let i = 1; i <= 40; i++) {
      history = addSample(history, { at: 60_000 + i * 10_000, done: 60 + i * 100, total: 100_000 });
    }
    expect(history[0]!.at).toBeGreaterThanOrEqual(460_000 - WINDOW_MS);
    const eta = estimateEta(history, history[history.length - 1]!.at);
    expect(eta?.rate).toBeCloseTo(10, 6); // 10 steps/s over the window, not the old 1
  });

  it("a stall: the ETA grows while the run stays put, and says so", () => {
    const history = steady(6); // last report at t = 10 s, reports every 2 s
    expect(stallAfterMs(history)).toBe(MIN_STALL_MS);
    const before = estimateEta(history, 10_000 + MIN_STALL_MS - 1)!;
    expect(before.stalled).toBe(false);
    const stalled = estimateEta(history, 10_000 + 60_000)!; // a minute without progress
    expect(stalled.stalled).toBe(true);
    const longer = estimateEta(history, 10_000 + 120_000)!;
    expect(longer.seconds).toBeGreaterThan(stalled.seconds);
    // 100 steps in 70 s: 900 left take 630 s at that rate
    expect(stalled.seconds).toBeCloseTo(630, 6);
  });

  it("a repeated report of the same step is a stall, not a new rate", () => {
    let history = steady(6);
    history = addSample(history, { at: 40_000, done: 100, total: 1000 });
    expect(history).toEqual(steady(6));
    expect(estimateEta(history, 40_000)?.stalled).toBe(true);
  });

  it("the stall threshold follows the reports' rhythm", () => {
    const slow = feed([
      { at: 0, done: 0, total: 100 },
      { at: 60_000, done: 10, total: 100 },
      { at: 120_000, done: 20, total: 100 },
    ]);
    expect(stallAfterMs(slow)).toBe(180_000);
    expect(estimateEta(slow, 120_000 + 100_000)?.stalled).toBe(false);
  });

  it("a restart (work going backwards) or a new total starts the history again", () => {
    const history = steady(6);
    const restarted = addSample(history, { at: 12_000, done: 40, total: 1000 });
    expect(restarted).toEqual([{ at: 12_000, done: 40, total: 1000 }]);
    expect(estimateEta(restarted, 12_000)).toBeNull();
    const again = addSample(restarted, { at: 14_000, done: 60, total: 1000 });
    expect(estimateEta(again, 14_000)).toEqual({ seconds: 94, rate: 10, stalled: false });
    const newTotal = addSample(history, { at: 12_000, done: 120, total: 2000 });
    expect(newTotal).toHaveLength(1);
  });

  it("done is done", () => {
    const history = feed([
      { at: 0, done: 0, total: 10 },
      { at: 1000, done: 10, total: 10 },
    ]);
    expect(estimateEta(history, 5000)).toEqual({ seconds: 0, rate: 0, stalled: false });
  });
});

describe("workOf", () => {
  it("steps when their total is known, else epochs, else nothing", () => {
    expect(workOf({ step: 5, totalSteps: 10, epoch: 1, totalEpochs: 3 })).toEqual({ done: 5, total: 10 });
    expect(workOf({ step: 5, totalSteps: null, epoch: 1, totalEpochs: 3 })).toEqual({ done: 1, total: 3 });
    expect(workOf({ step: 5 })).toBeNull();
  });
});
