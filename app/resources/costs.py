"""What an experiment costs: GPUs * hourly rate per GPU * reserved time, plus CPU cores *
hourly rate per core * reserved time (both live while it runs, final at release), plus the
API costs recorded against it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.models import Experiment
from app.models.resource import Reservation
from app.resources.service import cpu_cost, gpu_cost

CURRENCY = "USD"
MAX_API_COST = 1_000_000.0


@dataclass(frozen=True)
class CostView:
    gpu: float
    api: float
    cpu: float = 0.0
    currency: str = CURRENCY

    @property
    def total(self) -> float:
        """Rounded like its parts, so no float noise shows (0.1 + 0.2)."""
        return round(self.gpu + self.cpu + self.api, 6)


def cost_of(experiment: Experiment, reservation: Reservation | None, now: datetime) -> CostView:
    if reservation is None or reservation.released_at is not None:
        gpu, cpu = experiment.gpu_cost, experiment.cpu_cost
    else:
        since = reservation.reserved_at
        gpu = gpu_cost(reservation.gpu_count, reservation.hourly_cost_per_gpu, since, now)
        cpu = cpu_cost(reservation.cpu_cores, reservation.hourly_cost_per_cpu_core, since, now)
    return CostView(gpu=round(gpu, 6), api=round(experiment.api_cost, 6), cpu=round(cpu, 6))
