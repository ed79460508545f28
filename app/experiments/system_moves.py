"""Moves the service makes on its own (no caller): failing a RUNNING experiment for a
reason of the system's — silence, an expired reservation. Guarded by a condition so a
concurrent change (new activity, an extension, a completion) wins the race."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.events.names import EVENT_FOR_STATUS
from app.events.outbox import append_experiment_event
from app.logs.system import append_system_line
from app.models import Experiment
from app.models.enums import ExperimentStatus, FailureReason, LogLevel
from app.resources.service import release


async def fail_running(
    session: AsyncSession,
    *,
    experiment_id: uuid.UUID,
    reason: FailureReason,
    message: str,
    now: datetime,
    guard: ColumnElement[bool] | None = None,
) -> Experiment | None:
    """RUNNING → FAILED if ``guard`` still holds; releases its reservation, writes a ``system``
    log line and the ``ExperimentFailed`` event. None when it was not failed."""
    experiment = await session.get(Experiment, experiment_id)
    if experiment is None:
        return None
    started = experiment.started_at
    statement = (
        update(Experiment)
        .where(
            Experiment.id == experiment_id,
            Experiment.status == ExperimentStatus.RUNNING,
            guard if guard is not None else true(),
        )
        .values(
            status=ExperimentStatus.FAILED,
            failure_reason=reason,
            failure_message=message,
            finished_at=now,
            duration_seconds=(now - started).total_seconds() if started else None,
            updated_at=now,
        )
        .returning(Experiment.id)
        .execution_options(synchronize_session=False)
    )
    if (await session.execute(statement)).scalar_one_or_none() is None:
        return None
    await release(session, experiment_id, now)
    await append_system_line(
        session,
        experiment_id=experiment_id,
        message=f"experiment failed ({reason.value}): {message}",
        now=now,
        level=LogLevel.WARNING,
    )
    await session.refresh(experiment)
    await append_experiment_event(
        session,
        EVENT_FOR_STATUS[ExperimentStatus.FAILED],
        experiment,
        previous={"status": ExperimentStatus.RUNNING.value},  # the UPDATE's condition
    )
    return experiment
