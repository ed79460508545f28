/** The Logs tab's lines: pages and live events merged in sequence order, each line once
 * (a live tail resumed after a dropped connection replays from an earlier point), the
 * search applied to live lines as the service applies it to pages. */
import type { LogLevel } from "../../gql/graphql";

export interface LogLineRow {
  seq: number;
  timestamp: string;
  level: LogLevel;
  message: string;
  source?: string | null;
}

export const LEVELS: readonly LogLevel[] = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

/** Lines kept on screen while tailing; older ones leave from the top. */
export const MAX_LINES = 5000;

/** `lines` plus `incoming`, sorted by seq, without duplicates, at most `max` (the newest). */
export function mergeLines(
  lines: readonly LogLineRow[],
  incoming: readonly LogLineRow[],
  max: number = MAX_LINES,
): LogLineRow[] {
  if (!incoming.length) return lines as LogLineRow[];
  const last = lines.at(-1)?.seq ?? -Infinity;
  let merged: LogLineRow[];
  if (incoming.every((line, i) => line.seq > (i === 0 ? last : incoming[i - 1]!.seq))) {
    merged = [...lines, ...incoming]; // the usual case: newer lines, in order
  } else {
    const bySeq = new Map<number, LogLineRow>();
    for (const line of lines) bySeq.set(line.seq, line);
    for (const line of incoming) bySeq.set(line.seq, line);
    merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}

/** The service's `search`: a case-insensitive substring of the message. */
export function matchesSearch(line: LogLineRow, search: string): boolean {
  const wanted = search.trim().toLowerCase();
  return !wanted || line.message.toLowerCase().includes(wanted);
}

/** The `levels` argument for a choice of levels: all (or none) chosen → no filter. */
export function levelsArgument(chosen: readonly LogLevel[]): LogLevel[] | null {
  if (!chosen.length || chosen.length === LEVELS.length) return null;
  return LEVELS.filter((level) => chosen.includes(level));
}
