/** The log tail's rules: levels and their order, the level filter, following the end. */

export const LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
export type Level = (typeof LEVELS)[number];

/** The lines at `minimum` or above (all lines when `minimum` is null). */
export function atLeast<T extends { level: string }>(lines: readonly T[], minimum: Level | null): readonly T[] {
  if (minimum === null) return lines;
  const floor = LEVELS.indexOf(minimum);
  return lines.filter((line) => LEVELS.indexOf(line.level as Level) >= floor);
}

/** Whether a scrolled box shows its end (within `slack` pixels): the user is following. */
export function isAtEnd(
  box: { scrollTop: number; clientHeight: number; scrollHeight: number },
  slack = 8,
): boolean {
  return box.scrollTop + box.clientHeight >= box.scrollHeight - slack;
}
