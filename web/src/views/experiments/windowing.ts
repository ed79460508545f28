/** Windowed rendering for long tables: with a fixed row height, only the rows in (or near)
 * the scrolled viewport are rendered; spacers above and below keep the scroll height. */

export interface RowWindow {
  /** First row rendered */
  start: number;
  /** One past the last row rendered */
  end: number;
  /** Height of the spacer above the rendered rows, px */
  before: number;
  /** Height of the spacer below them, px */
  after: number;
}

export interface WindowInput {
  /** The scroll container's scrollTop, px */
  scrollTop: number;
  /** The container's visible height, px */
  viewport: number;
  /** Pixels above the first row inside the container (the table's header) */
  offset: number;
  count: number;
  rowHeight: number;
  /** Rows rendered beyond each edge of the viewport */
  overscan: number;
}

export function visibleRows({
  scrollTop,
  viewport,
  offset,
  count,
  rowHeight,
  overscan,
}: WindowInput): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, before: 0, after: 0 };
  const top = Math.max(0, scrollTop - offset);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, viewport)) / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, Math.max(start, last + overscan));
  return { start, end, before: start * rowHeight, after: (count - end) * rowHeight };
}
