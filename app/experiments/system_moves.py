"""Moves the service makes on its own (no caller): failing a RUNNING experiment for a
reason of the system's — silence, an expired reservation. Guarded by a condition so a
concurrent change (new activity, an extension, a completion) wins the race."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from app.experiments.lifecycle import transition
from app.experiments.system_log import append_system_line
from app.models import Experiment
from app.models.enums import FailureReason, LogLevel


async def fail_running(
    session: AsyncSession,
    *,
    experiment_id: uuid.UUID,
    reason: FailureReason,
    message: str,
    now: datetime,
    guard: ColumnElement[bool] | None = None,
) -> Experiment | None:
    """RUNNING → FAILED if ``guard`` still holds (``lifecycle.transition``: its reservation
    released, the ``ExperimentFailed`` event), with a ``system`` log line. None when it was
    not failed."""
    experiment = await session.get(Experiment, experiment_id, populate_existing=True)
    if experiment is None:
        return None
    values = {"failure_reason": reason, "failure_message": message}
    if not await transition(session, experiment, "fail", now=now, values=values, guard=guard):
        return None
    await append_system_line(
        session,
        experiment_id=experiment_id,
        message=f"experiment failed ({reason.value}): {message}",
        now=now,
        level=LogLevel.WARNING,
    )
    return experiment
