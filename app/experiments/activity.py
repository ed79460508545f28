"""Activity on a RUNNING experiment: the check-and-touch every ingest does first."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import experiment_actable
from app.errors import InvalidTransition
from app.experiments.service import get_actionable_experiment
from app.models import Experiment, User
from app.models.enums import ExperimentStatus


async def _touch(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    now: datetime,
    what: str,
    counter: Any,
    increment: int,
) -> int:
    # a Core UPDATE on the table: the ORM's bulk-update path costs milliseconds per call
    table = cast(Table, Experiment.__table__)
    statement = (
        update(table)
        .where(
            Experiment.id == experiment_id,
            Experiment.status == ExperimentStatus.RUNNING,
            experiment_actable(actor),
        )
        .values({"last_activity_at": now, counter.key: counter + increment})
        .returning(counter)
    )
    value = (await session.execute(statement)).scalar_one_or_none()
    if value is None:  # say why: NOT_FOUND, FORBIDDEN, or not RUNNING
        experiment = await get_actionable_experiment(
            session, actor=actor, experiment_id=experiment_id
        )
        raise InvalidTransition(
            f"only a RUNNING experiment accepts {what}; this one is {experiment.status.value}",
            details={"status": experiment.status.value},
        )
    return int(value)


async def touch_running(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    now: datetime,
    what: str,
    log_lines: int = 0,
) -> int:
    """Check the caller may act and the experiment is RUNNING; record activity.

    One UPDATE does it all when it is allowed; only a refusal costs more queries.

    The conditional UPDATE takes the row lock, so a concurrent complete/stop waits for this
    transaction and a batch is never accepted after the run ended. With ``log_lines`` it
    also reserves that many log sequence numbers and returns the last one reserved.
    """
    return await _touch(
        session,
        actor=actor,
        experiment_id=experiment_id,
        now=now,
        what=what,
        counter=Experiment.log_seq,
        increment=log_lines,
    )


async def touch_running_for_metrics(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID, now: datetime
) -> int:
    """As ``touch_running``, for a metric batch: returns the batch's sequence number."""
    return await _touch(
        session,
        actor=actor,
        experiment_id=experiment_id,
        now=now,
        what="metrics",
        counter=Experiment.metric_seq,
        increment=1,
    )
