"""What a caller does to an experiment's resources, checked and applied: extend its
reservation, record an API cost. GraphQL's ``extendReservation`` / ``addApiCost`` and the
REST routes call these, so the checks (visible → may act → the rule) live here only."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.experiments.service import get_actionable_experiment
from app.models import Experiment, User
from app.models.base import utcnow
from app.resources import costs, service


async def extend_reservation(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    minutes: int,
    settings: Settings,
) -> Experiment:
    """Push a RUNNING experiment's reservation back by ``minutes`` (up to the maximum)."""
    experiment = await get_actionable_experiment(session, actor=actor, experiment_id=experiment_id)
    await service.extend_reservation(
        session, experiment=experiment, minutes=minutes, settings=settings, now=utcnow()
    )
    return experiment


async def add_api_cost(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    amount: float,
    description: str,
) -> Experiment:
    """Record an API cost against the experiment; the answer carries the new sum."""
    experiment = await get_actionable_experiment(session, actor=actor, experiment_id=experiment_id)
    await costs.add_api_cost(
        session,
        actor=actor,
        experiment_id=experiment_id,
        amount=amount,
        description=description,
        now=utcnow(),
    )
    await session.refresh(experiment)
    return experiment
