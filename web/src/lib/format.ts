/** How the console writes numbers, money, times and progress. */

const EMPTY = "—";

export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(amount);
  } catch {
    // a code Intl does not know: the number and the code
    return `${amount.toFixed(2)} ${currency}`;
  }
}

export function formatCount(value: number): string {
  return new Intl.NumberFormat("en-US").format(value);
}

/** `2025-01-02 13:45` in the browser's time zone; the full ISO time is the tooltip. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return EMPTY;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return EMPTY;
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** `45s`, `12m 05s`, `3h 07m`, `2d 04h`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return EMPTY;
  const total = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m ${pad(total % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${pad(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d ${pad(hours % 24)}h`;
}

export interface ProgressLike {
  step?: number | null;
  totalSteps?: number | null;
  epoch?: number | null;
  totalEpochs?: number | null;
  fraction?: number | null;
}

/** A fraction in [0, 1], or null when the run reported nothing to measure it by. */
export function progressFraction(progress: ProgressLike): number | null {
  const { fraction } = progress;
  if (fraction == null || !Number.isFinite(fraction)) return null;
  return Math.min(1, Math.max(0, fraction));
}

/** `1,200 / 10,000 steps · 12%`, `epoch 3 / 10 · 30%`, `step 1,200`, or `—`. */
export function formatProgress(progress: ProgressLike): string {
  const fraction = progressFraction(progress);
  const percent = fraction == null ? "" : ` · ${Math.floor(fraction * 100)}%`;
  const { step, totalSteps, epoch, totalEpochs } = progress;
  if (step != null && totalSteps != null) {
    return `${formatCount(step)} / ${formatCount(totalSteps)} steps${percent}`;
  }
  if (epoch != null && totalEpochs != null) {
    return `epoch ${formatCount(epoch)} / ${formatCount(totalEpochs)}${percent}`;
  }
  if (step != null) return `step ${formatCount(step)}${percent}`;
  return fraction == null ? EMPTY : `${Math.floor(fraction * 100)}%`;
}

const STATUS_LABELS: Record<string, string> = {
  QUEUED: "Queued",
  RUNNING: "Running",
  COMPLETED: "Completed",
  FAILED: "Failed",
  STOPPED: "Stopped",
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** A waiting run's place in the GPU queue and its estimated start, short enough for a
 * table cell: `#3 in queue · ~01-02 13:05` (`no estimate` when the service has none:
 * more GPUs than the pool has, a cap). */
export function formatQueue(queue: {
  position: number;
  estimatedStartAt?: string | null;
}): string {
  const at = queue.estimatedStartAt ? formatDateTime(queue.estimatedStartAt) : EMPTY;
  const when = at === EMPTY ? "no estimate" : `~${at.slice(5)}`;
  return `#${queue.position} in queue · ${when}`;
}
