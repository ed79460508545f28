"""What a caller does to an experiment's resources, checked and applied: extend its
reservation, record an API cost. GraphQL's ``extendReservation`` / ``addApiCost`` and the
REST routes call these (``workflows.add_api_cost`` for the cost), so the checks (visible
→ may act → the rule) live here only."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.errors import InvalidTransition, ValidationFailed
from app.experiments.service import get_actionable_experiment
from app.models import Experiment, User
from app.models.base import utcnow
from app.models.enums import ExperimentStatus
from app.models.resource import ApiCost, Reservation
from app.resources.costs import MAX_API_COST
from app.validation import text_problem


async def extend_reservation(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    minutes: int,
    settings: Settings,
    now: datetime | None = None,
) -> Experiment:
    """Push a RUNNING experiment's reservation back by ``minutes``; the whole reservation
    may last at most the configured maximum."""
    experiment = await get_actionable_experiment(session, actor=actor, experiment_id=experiment_id)
    now = now or utcnow()
    if experiment.status is not ExperimentStatus.RUNNING:
        raise InvalidTransition(
            "only a RUNNING experiment's reservation can be extended",
            details={"status": experiment.status.value},
        )
    if not 1 <= minutes <= settings.max_duration_minutes:
        raise ValidationFailed({"minutes": f"must be 1-{settings.max_duration_minutes}"})
    reservation = (
        await session.scalars(
            select(Reservation).where(
                Reservation.experiment_id == experiment.id, Reservation.released_at.is_(None)
            )
        )
    ).one_or_none()
    if reservation is None:
        raise InvalidTransition("this experiment holds no reservation", details={})
    limit = reservation.reserved_at + timedelta(minutes=settings.max_duration_minutes)
    wanted = max(reservation.expires_at, now) + timedelta(minutes=minutes)
    if wanted > limit:
        raise ValidationFailed(
            {"minutes": f"a reservation lasts at most {settings.max_duration_minutes} minutes"}
        )
    reservation.expires_at = wanted
    reservation.warned_at = None  # a new "expires soon" warning is due before the new end
    await session.flush()
    return experiment


async def add_api_cost(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    amount: float,
    description: str,
    now: datetime | None = None,
) -> Experiment:
    """Record an API cost (an LLM call, a paid dataset…) against the experiment, in any
    status (bills arrive late); the answer carries the new sum."""
    experiment = await get_actionable_experiment(session, actor=actor, experiment_id=experiment_id)
    now = now or utcnow()
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
    await session.refresh(experiment)
    return experiment
