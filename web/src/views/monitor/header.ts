/** The Run Monitor's header figures: live cost, elapsed time, progress as text. */
import { formatCount } from "../../lib/format";

export interface CostLike {
  readonly gpu: number;
  readonly cpu?: number;
  readonly api: number;
  readonly total: number;
  readonly currency: string;
}

export interface ReservationLike {
  readonly gpuCount: number;
  readonly hourlyCostPerGpu: number;
  readonly cpuCores?: number;
  readonly hourlyCostPerCpuCore?: number;
  readonly reservedAt: string;
  readonly releasedAt?: string | null;
}

/** The cost at `now`: while the run holds its reservation, the GPU part grows by GPUs ×
 * hourly rate × time held and the CPU part by cores × hourly rate per core × time held (the
 * service's own formula, `app/resources/costs.py`); once released (or without a
 * reservation) it is what the API said. */
export function liveCost(
  cost: CostLike,
  reservation: ReservationLike | null | undefined,
  running: boolean,
  now: number,
): CostLike {
  if (!running || !reservation || reservation.releasedAt) return cost;
  const since = Date.parse(reservation.reservedAt);
  if (Number.isNaN(since)) return cost;
  const hours = Math.max(0, now - since) / 3_600_000;
  const gpu = Math.max(cost.gpu, reservation.gpuCount * reservation.hourlyCostPerGpu * hours);
  const cpuRate = (reservation.cpuCores ?? 0) * (reservation.hourlyCostPerCpuCore ?? 0);
  const cpu = Math.max(cost.cpu ?? 0, cpuRate * hours);
  return { ...cost, gpu, cpu, total: gpu + cpu + cost.api };
}

/** Seconds from the start to the end (or to `now` while it runs); null before a start. */
export function elapsedSeconds(
  startedAt: string | null | undefined,
  finishedAt: string | null | undefined,
  now: number,
): number | null {
  if (!startedAt) return null;
  const start = Date.parse(startedAt);
  const end = finishedAt ? Date.parse(finishedAt) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, (end - start) / 1000);
}

export interface ProgressLike {
  readonly step?: number | null;
  readonly totalSteps?: number | null;
  readonly epoch?: number | null;
  readonly totalEpochs?: number | null;
  readonly fraction?: number | null;
}

/** `step 1,200 / 10,000 · epoch 3 / 10 · 12%`: each part the run reported. */
export function progressText(progress: ProgressLike): string {
  const parts: string[] = [];
  const { step, totalSteps, epoch, totalEpochs, fraction } = progress;
  if (step != null) {
    parts.push(
      totalSteps != null
        ? `step ${formatCount(step)} / ${formatCount(totalSteps)}`
        : `step ${formatCount(step)}`,
    );
  }
  if (epoch != null) {
    parts.push(
      totalEpochs != null
        ? `epoch ${formatCount(epoch)} / ${formatCount(totalEpochs)}`
        : `epoch ${formatCount(epoch)}`,
    );
  }
  if (fraction != null && Number.isFinite(fraction)) {
    parts.push(`${Math.floor(Math.min(1, Math.max(0, fraction)) * 100)}%`);
  }
  return parts.length ? parts.join(" · ") : "no progress reported yet";
}
