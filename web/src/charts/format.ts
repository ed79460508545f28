/** How the charts write steps and values as text (the summary beside a chart, the
 * legend, the axes). */

const STEP = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const PLAIN = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 6 });

/** A step with thousands separators: `1,234`. Fractional positions (the cursor between
 * two steps) are rounded. */
export function formatStep(step: number): string {
  return STEP.format(step);
}

/** A metric value: up to 6 significant digits, `1.5e-7` / `2.5e+9` style for very small
 * and very large magnitudes, `—` for a value that is not a finite number (the API gives
 * null for NaN and infinities). */
export function formatValue(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return "—";
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e9)) {
    return value.toExponential(3).replace(/\.?0+e/, "e");
  }
  return PLAIN.format(value);
}

/** The text summary of a series' last point: `Last: step 1,234 · 0.0123`. */
export function lastPointText(last: { step: number; value: number | null } | null): string {
  if (last === null) return "Last: no points yet";
  return `Last: step ${formatStep(last.step)} · ${formatValue(last.value)}`;
}

/** The y axis' tick labels: as `formatValue` writes values, so that a small metric (a
 * learning rate of 3e-4) gets ticks that tell apart, not uPlot's default of 3 decimals
 * (every tick `0`). */
export function formatTicks(splits: readonly number[]): string[] {
  return splits.map((split) => formatValue(split));
}
