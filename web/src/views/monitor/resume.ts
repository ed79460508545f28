/** How the Run Monitor stays gap-free: what to read from the API to fill what the live
 * feed did not bring.
 *
 * `runMonitor` starts live: it replays nothing, and it starts again whenever the socket
 * comes back (graphql-ws resubscribes by itself after a dropped connection, and the
 * monitor resubscribes after an error such as `SUBSCRIPTION_LAGGED`). Every (re)start
 * begins with a `StatusEvent`, sent once the server's live subscription is in place. So,
 * on each `StatusEvent`, the monitor *syncs*: it asks what is stored (each key's last
 * step, the log's last seq) and reads what it does not hold yet —
 *
 * - per metric key, the points past the last step it holds (`metric(key, stepFrom)`), or
 *   the whole history (downsampled to the chart's width) for a key it has not seen;
 * - the log lines past the last seq it holds, at most the tail it shows.
 *
 * What is committed before the read is in the answer; what is committed after it comes
 * live. A point or line that is in both is merged once: a point by its step (a
 * `SeriesBuffer` replaces a step it holds), a line by its seq (`mergeLines`). So nothing
 * logged while the socket was down is missing, and nothing shows twice.
 *
 * The positions (`ResumeTracker`) are the client's own: up to where it holds *everything*
 * — not merely the highest step it has drawn. A live point counts only once the sync of
 * the live session it came in has finished (before that, the read may not have covered
 * what came before it); each `StatusEvent` may open a new session, so live points count
 * from the last one on. They are the server's `SUBSCRIPTION_LAGGED` details or behind
 * them, and behind is safe.
 */

/** A series as the API stores it (`MetricSummary`): its key and last step. */
export interface StoredSeries {
  readonly key: string;
  readonly lastStep: number | null;
}

/** A metric read to make: the points of `key` from `stepFrom` on, or its whole history
 * when `stepFrom` is null. */
export interface MetricRead {
  readonly key: string;
  readonly stepFrom: number | null;
}

/** The reads that bring the held series (key → last step held) up to what is stored:
 * new keys whole, known keys past their last step, nothing for a key already complete. */
export function metricReads(
  held: ReadonlyMap<string, number>,
  stored: readonly StoredSeries[],
): MetricRead[] {
  const reads: MetricRead[] = [];
  for (const { key, lastStep } of stored) {
    if (lastStep === null) continue;
    const last = held.get(key);
    if (last === undefined) reads.push({ key, stepFrom: null });
    else if (lastStep > last) reads.push({ key, stepFrom: last + 1 });
  }
  return reads;
}

/** The `after` to read the log from so that the held lines (up to `heldSeq`, null when
 * none is held yet) reach `storedLastSeq`, reading at most the last `tail` lines; null
 * when nothing is missing. */
export function logReadAfter(
  heldSeq: number | null,
  storedLastSeq: number,
  tail: number,
): number | null {
  if (storedLastSeq <= (heldSeq ?? 0)) return null;
  const floor = Math.max(0, storedLastSeq - tail);
  return heldSeq === null ? floor : Math.max(heldSeq, floor);
}

export interface SeqLine {
  readonly seq: number;
}

/** `held` and `incoming` as one list by ascending seq, each seq once (an incoming line
 * replaces a held one with its seq), the last `limit` of them. `held` is ascending. */
export function mergeLines<T extends SeqLine>(
  held: readonly T[],
  incoming: readonly T[],
  limit: number,
): T[] {
  if (incoming.length === 0) return held.length > limit ? held.slice(-limit) : [...held];
  const last = held[held.length - 1];
  let merged: T[];
  if (last === undefined || isAscendingAfter(incoming, last.seq)) {
    merged = [...held, ...incoming]; // the usual case: live lines after what is held
  } else {
    const bySeq = new Map<number, T>();
    for (const line of held) bySeq.set(line.seq, line);
    for (const line of incoming) bySeq.set(line.seq, line);
    merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
  return merged.length > limit ? merged.slice(-limit) : merged;
}

function isAscendingAfter(lines: readonly SeqLine[], seq: number): boolean {
  let previous = seq;
  for (const line of lines) {
    if (line.seq <= previous) return false;
    previous = line.seq;
  }
  return true;
}

/**
 * Up to where the monitor holds every point of each key and every log line, so that a
 * sync reads exactly what is missing (see the module).
 *
 * - `statusSeen()` on each `StatusEvent`: live points count from here on;
 * - `live(points)` / `liveLines(lines)` as they arrive;
 * - a sync: `beginSync()`, then `metricReads` / `logReadAfter`, `readMetric` /
 *   `readLog` for what each read covered, then `endSync(epoch)`.
 */
export class ResumeTracker {
  /** key → every point up to this step is held */
  readonly steps = new Map<string, number>();
  /** every wanted line up to this seq is held (null: none read yet) */
  logSeq: number | null = null;
  private epoch = 0;
  private syncedEpoch = -1;
  private liveSteps = new Map<string, number>();
  private liveSeq: number | null = null;

  statusSeen(): void {
    this.epoch += 1;
    this.liveSteps = new Map();
    this.liveSeq = null;
  }

  live(points: readonly { key: string; step: number }[]): void {
    const counts = this.syncedEpoch === this.epoch;
    for (const { key, step } of points) {
      if (step > (this.liveSteps.get(key) ?? -1)) this.liveSteps.set(key, step);
      if (counts) raise(this.steps, key, step);
    }
  }

  liveLines(lines: readonly SeqLine[]): void {
    const last = lines[lines.length - 1];
    if (last === undefined) return;
    this.liveSeq = Math.max(this.liveSeq ?? 0, last.seq);
    if (this.syncedEpoch === this.epoch) this.logSeq = Math.max(this.logSeq ?? 0, last.seq);
  }

  beginSync(): number {
    return this.epoch;
  }

  metricReads(stored: readonly StoredSeries[]): MetricRead[] {
    return metricReads(this.steps, stored);
  }

  logReadAfter(storedLastSeq: number, tail: number): number | null {
    return logReadAfter(this.logSeq, storedLastSeq, tail);
  }

  /** A read of `key` answered: everything up to `step` is held. */
  readMetric(key: string, step: number): void {
    raise(this.steps, key, step);
  }

  /** The log was read up to `seq`. */
  readLog(seq: number): void {
    this.logSeq = Math.max(this.logSeq ?? 0, seq);
  }

  /** The sync begun at `epoch` is done: if no `StatusEvent` came meanwhile, the live
   * points of this session count, now and from here on. */
  endSync(epoch: number): void {
    if (epoch !== this.epoch) return; // another sync follows (SyncGate)
    for (const [key, step] of this.liveSteps) raise(this.steps, key, step);
    if (this.liveSeq !== null) this.logSeq = Math.max(this.logSeq ?? 0, this.liveSeq);
    this.syncedEpoch = epoch;
  }
}

function raise(map: Map<string, number>, key: string, step: number): void {
  if (step > (map.get(key) ?? -1)) map.set(key, step);
}

/** Runs `sync` one at a time: a request while one runs makes one more run after it (any
 * number of requests meanwhile make one), so every request is followed by a complete
 * sync that started after it. */
export class SyncGate {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly sync: () => Promise<void>) {}

  request(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.sync();
    } while (this.again);
  }
}
