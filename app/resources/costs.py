"""What an experiment costs: GPUs * hourly rate per GPU * reserved time, plus CPU cores *
hourly rate per core * reserved time (both live while it runs, final at release), plus the
API costs recorded against it."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import ValidationFailed
from app.models import Experiment, User
from app.models.resource import ApiCost, Reservation
from app.resources.service import cpu_cost, gpu_cost
from app.validation import text_problem

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


async def add_api_cost(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    amount: float,
    description: str,
    now: datetime,
) -> None:
    """Record an API cost (an LLM call, a paid dataset…). The caller checked the actor may
    act on the experiment; any status is fine (bills arrive late)."""
    errors: dict[str, str] = {}
    if not math.isfinite(amount) or not 0 < amount <= MAX_API_COST:
        errors["amount"] = f"must be > 0 and at most {MAX_API_COST:g}"
    if not 1 <= len(description.strip()) <= 500:
        errors["description"] = "must be 1-500 characters"
    elif problem := text_problem(description):
        errors["description"] = problem
    if errors:
        raise ValidationFailed(errors)
    session.add(
        ApiCost(
            experiment_id=experiment_id,
            amount=amount,
            description=description.strip(),
            created_by=actor.id,
            created_at=now,
        )
    )
    await session.execute(
        update(Experiment)
        .where(Experiment.id == experiment_id)
        .values(api_cost=Experiment.api_cost + amount)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
