/** The Compare view's state in the URL (`/compare?ids=a,b,c&baseline=b&diff=1`) and how its
 * tables write values and deltas. Unknown or malformed parameters are dropped. */
import { paths } from "../../app/paths";
import type { MetricGoal } from "../../gql/graphql";

/** What `compareExperiments` accepts at most. */
export const MAX_COMPARED = 100;

export interface CompareState {
  /** In the order asked, each once. */
  ids: string[];
  /** One of `ids`: the one given, else the first (null with no ids). */
  baselineId: string | null;
  onlyDifferences: boolean;
}

export function parseCompareState(params: URLSearchParams): CompareState {
  const ids = [
    ...new Set(
      (params.get("ids") ?? "")
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ].slice(0, MAX_COMPARED);
  const asked = params.get("baseline")?.trim() ?? "";
  const baselineId = ids.includes(asked) ? asked : (ids[0] ?? null);
  return { ids, baselineId, onlyDifferences: params.get("diff") === "1" };
}

/** The link to a comparison: `paths.compare` plus the baseline (when not the first) and the
 * `Only differences` toggle. */
export function compareLink(
  ids: readonly string[],
  options: { baselineId?: string | null; onlyDifferences?: boolean } = {},
): string {
  const base = paths.compare(ids);
  const extra = new URLSearchParams();
  if (options.baselineId && ids.includes(options.baselineId) && options.baselineId !== ids[0]) {
    extra.set("baseline", options.baselineId);
  }
  if (options.onlyDifferences) extra.set("diff", "1");
  const tail = extra.toString();
  if (!tail) return base;
  return `${base}${base.includes("?") ? "&" : "?"}${tail}`;
}

const EMPTY = "—";
const MINUS = "\u2212";

/** A parameter's value as text: strings bare, everything else as compact JSON. */
export function formatParamValue(value: unknown): string {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** A metric value: up to 5 significant digits, exponent form for very large or small. */
export function formatMetric(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return EMPTY;
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value).replace(/^-/, MINUS);
  const magnitude = Math.abs(value);
  const text =
    magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-3)
      ? value.toExponential(3).replace(/\.?0+e/, "e")
      : String(Number(value.toPrecision(5)));
  return text.replace(/^-/, MINUS);
}

/** `+0.0123 (+4.1%)`, `−2 (−50%)`, `0`; `—` without a delta. */
export function formatDelta(delta: number | null | undefined, percent: number | null | undefined): string {
  if (delta == null || !Number.isFinite(delta)) return EMPTY;
  if (delta === 0) return "0";
  const sign = delta > 0 ? "+" : MINUS;
  const magnitude = formatMetric(Math.abs(delta));
  if (percent == null || !Number.isFinite(percent)) return `${sign}${magnitude}`;
  const pct = Math.abs(percent);
  const pctText = pct >= 100 ? pct.toFixed(0) : pct >= 10 ? pct.toFixed(1) : pct.toFixed(2);
  return `${sign}${magnitude} (${sign}${pctText.replace(/\.?0+$/, "")}%)`;
}

export type DeltaTone = "better" | "worse" | "same";

/** Whether a delta against the baseline is an improvement for the metric's goal. */
export function deltaTone(delta: number | null | undefined, goal: MetricGoal): DeltaTone | null {
  if (delta == null || !Number.isFinite(delta)) return null;
  if (delta === 0) return "same";
  return (delta > 0) === (goal === "MAX") ? "better" : "worse";
}

export interface ParamRowLike {
  differs: boolean;
}

/** The rows shown: all of them, or only those whose values differ. */
export function visibleParams<T extends ParamRowLike>(rows: readonly T[], onlyDifferences: boolean): T[] {
  return onlyDifferences ? rows.filter((row) => row.differs) : [...rows];
}
