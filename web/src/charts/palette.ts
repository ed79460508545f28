/** The colours of a chart's series, in order: the Okabe–Ito palette (Okabe & Ito, "Color
 * Universal Design"), distinguishable with the common colour-vision deficiencies. Yellow,
 * the faintest on white, comes last. Compare's legend takes its colours from here, so a
 * run has the same colour in the legend, the table and the chart. */
export const SERIES_COLORS: readonly string[] = Object.freeze([
  "#0072B2", // blue
  "#E69F00", // orange
  "#009E73", // bluish green
  "#D55E00", // vermillion
  "#CC79A7", // reddish purple
  "#56B4E9", // sky blue
  "#000000", // black
  "#F0E442", // yellow
]);

/** The colour of the `index`-th series (0-based); past the palette's end it starts over. */
export function seriesColor(index: number): string {
  const size = SERIES_COLORS.length;
  const at = ((Math.trunc(index) % size) + size) % size;
  return SERIES_COLORS[at] as string;
}
