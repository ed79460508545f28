import { describe, expect, it } from "vitest";

import { guessGoal } from "./metricGoal";

describe("a metric key's likely goal", () => {
  it("minimises losses and errors", () => {
    for (const key of [
      "loss",
      "val_loss",
      "valLoss",
      "train/nll",
      "eval.ppl",
      "p95-latency",
      "trainloss",
      "MSE",
    ]) {
      expect(guessGoal(key), key).toBe("MIN");
    }
  });

  it("maximises the rest", () => {
    for (const key of ["accuracy", "val_acc", "f1", "bleu", "lossless_ratio_x"]) {
      expect(guessGoal(key), key).toBe("MAX");
    }
  });
});
