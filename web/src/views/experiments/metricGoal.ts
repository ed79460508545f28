/** The goal a metric key most likely has, the way the service's compare guesses it
 * (`compareExperiments`' description): MIN when one of its words (split at non-alphanumerics
 * and camelCase) is a loss or error word, or it ends in loss or error; MAX otherwise. */
import type { MetricGoal } from "../../gql/graphql";

const LOWER_IS_BETTER = new Set([
  "loss",
  "error",
  "err",
  "mse",
  "mae",
  "rmse",
  "mape",
  "nll",
  "perplexity",
  "ppl",
  "wer",
  "cer",
  "fid",
  "latency",
]);

export function guessGoal(key: string): MetricGoal {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const lower = key.toLowerCase();
  if (words.some((word) => LOWER_IS_BETTER.has(word))) return "MIN";
  if (lower.endsWith("loss") || lower.endsWith("error")) return "MIN";
  return "MAX";
}
