/** The Run Monitor's ETA: the time left at the rate the run has been making progress.
 *
 * The monitor keeps the progress reports it has seen (`ProgressSample`: when it saw them,
 * the work done and the total, in steps — or epochs when no step total is known) and
 * estimates from them:
 *
 * - a steady rate: the rate over the recent window (`WINDOW_MS`), the time left at that
 *   rate, counted down between reports;
 * - a stall: when no progress has been seen for a while (`stallAfterMs`: three report
 *   intervals, at least `MIN_STALL_MS`), the wait so far counts in the rate, so the ETA
 *   grows for as long as the run stays put, and the estimate says it is stalled;
 * - a restart: work done going backwards (a run resumed from an earlier checkpoint) or a
 *   new total starts the history again; the old rate says nothing about the new one.
 */

export interface ProgressSample {
  /** When the report was seen, epoch milliseconds. */
  readonly at: number;
  readonly done: number;
  readonly total: number;
}

export interface Eta {
  /** Seconds left; 0 when the work is done. */
  readonly seconds: number;
  /** Units of work per second that the estimate used. */
  readonly rate: number;
  /** No progress for longer than the reports' rhythm: the rate counts the wait. */
  readonly stalled: boolean;
}

/** How far back the rate looks. */
export const WINDOW_MS = 5 * 60 * 1000;
/** The shortest silence that counts as a stall. */
export const MIN_STALL_MS = 15 * 1000;
/** Samples kept at most (the oldest go first). */
export const MAX_SAMPLES = 120;

/** The units a progress report measures work in: steps when their total is known, else
 * epochs; null when it reports nothing measurable. */
export function workOf(progress: {
  step?: number | null;
  totalSteps?: number | null;
  epoch?: number | null;
  totalEpochs?: number | null;
}): { done: number; total: number } | null {
  const { step, totalSteps, epoch, totalEpochs } = progress;
  if (step != null && totalSteps != null && totalSteps > 0) return { done: step, total: totalSteps };
  if (epoch != null && totalEpochs != null && totalEpochs > 0) {
    return { done: epoch, total: totalEpochs };
  }
  return null;
}

/** The history with `sample` added: a restart (less work done than before, or another
 * total) starts it again; a repeated report of the same work keeps the first time it was
 * seen (the run has not moved since); samples older than the window go, but two stay. */
export function addSample(
  history: readonly ProgressSample[],
  sample: ProgressSample,
): ProgressSample[] {
  const last = history[history.length - 1];
  if (last === undefined || sample.done < last.done || sample.total !== last.total) {
    return [sample];
  }
  if (sample.done === last.done) return [...history];
  const kept = [...history, sample];
  let start = 0;
  while (kept.length - start > 2 && (sample.at - (kept[start] as ProgressSample).at > WINDOW_MS || kept.length - start > MAX_SAMPLES)) {
    start += 1;
  }
  return kept.slice(start);
}

/** The silence after which the run counts as stalled: three times the mean interval
 * between the samples' reports, at least `MIN_STALL_MS`. */
export function stallAfterMs(history: readonly ProgressSample[]): number {
  const first = history[0];
  const last = history[history.length - 1];
  if (first === undefined || last === undefined || history.length < 2) return MIN_STALL_MS;
  const mean = (last.at - first.at) / (history.length - 1);
  return Math.max(MIN_STALL_MS, 3 * mean);
}

/** The ETA at `now`, or null without two samples of progress to measure a rate by
 * (or when the rate is 0). */
export function estimateEta(history: readonly ProgressSample[], now: number): Eta | null {
  const first = history[0];
  const last = history[history.length - 1];
  if (first === undefined || last === undefined) return null;
  const remaining = Math.max(0, last.total - last.done);
  if (remaining === 0) return { seconds: 0, rate: 0, stalled: false };
  if (history.length < 2 || last.at <= first.at || last.done <= first.done) return null;
  const worked = last.done - first.done;
  const since = Math.max(0, now - last.at);
  if (since > stallAfterMs(history)) {
    // the wait since the last report counts: the longer it lasts, the slower the rate
    const rate = worked / ((now - first.at) / 1000);
    return { seconds: remaining / rate, rate, stalled: true };
  }
  const rate = worked / ((last.at - first.at) / 1000);
  return { seconds: Math.max(0, remaining / rate - since / 1000), rate, stalled: false };
}
