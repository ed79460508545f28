"""The lifecycle: which statuses each move leaves from and where it goes (``TRANSITIONS``),
and ``transition``, the one function that makes a move — a caller's (``service.py``:
start, complete, fail, stop), the service's own (``system_moves.py``: a silent run or an
expired reservation fails) and the queue's (``app/resources/queue.py``: the scheduler
starts a waiting run)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.events.names import EVENT_FOR_STATUS
from app.events.outbox import append_experiment_event
from app.experiments.start_hooks import FINISH_HOOKS
from app.models import Experiment
from app.models.enums import ExperimentStatus

# Which statuses each move may leave from, and where it goes
TRANSITIONS: dict[str, tuple[frozenset[ExperimentStatus], ExperimentStatus]] = {
    "start": (frozenset({ExperimentStatus.QUEUED}), ExperimentStatus.RUNNING),
    "complete": (frozenset({ExperimentStatus.RUNNING}), ExperimentStatus.COMPLETED),
    "fail": (frozenset({ExperimentStatus.RUNNING}), ExperimentStatus.FAILED),
    "stop": (
        frozenset({ExperimentStatus.QUEUED, ExperimentStatus.RUNNING}),
        ExperimentStatus.STOPPED,
    ),
}

# What leaving the GPU queue clears: a start by the scheduler keeps ``queue_pool``, the
# pool it starts in (its start hooks reserve there); a stop while waiting clears that too
LEFT_THE_QUEUE: dict[str, Any] = {
    "queued_at": None,
    "queue_position": None,
    "queue_estimated_start_at": None,
}


def waiting() -> ColumnElement[bool]:
    """A QUEUED experiment in the GPU queue (``app/resources/queue.py``), as SQL."""
    return and_(Experiment.status == ExperimentStatus.QUEUED, Experiment.queued_at.is_not(None))


def is_waiting(experiment: Experiment) -> bool:
    return experiment.status is ExperimentStatus.QUEUED and experiment.queued_at is not None


async def transition(
    session: AsyncSession,
    experiment: Experiment,
    move: str,
    *,
    now: datetime,
    values: dict[str, Any] | None = None,
    ended_at: datetime | None = None,
    guard: ColumnElement[bool] | None = None,
) -> bool:
    """Make ``move`` on ``experiment`` (as read, in this transaction) in one conditional
    UPDATE: only if its status is still the one read, that status may make the move, and
    ``guard`` holds; False (nothing written) otherwise — the caller says what that means
    (a caller's move is refused, the service's own is moot).

    It sets the target status, ``updated_at`` and ``values``; a waiting experiment leaves
    the queue (``LEFT_THE_QUEUE``); a terminal move sets ``finished_at`` (``ended_at``,
    else now) and the duration, and the finish hooks run (``start_hooks.FINISH_HOOKS``:
    the release of what the run held). Then the status event, with the status it left,
    goes to the outbox, and ``experiment`` is refreshed."""
    allowed, target = TRANSITIONS[move]
    left = experiment.status
    if left not in allowed:
        return False
    changes: dict[str, Any] = {"status": target, "updated_at": now, **(values or {})}
    if experiment.queued_at is not None:
        changes |= LEFT_THE_QUEUE
        if target.is_terminal:
            changes["queue_pool"] = None
    if target.is_terminal:
        ended = ended_at or now
        changes["finished_at"] = ended
        started = changes.get("started_at", experiment.started_at)
        changes["duration_seconds"] = (ended - started).total_seconds() if started else None
    result = await session.execute(
        update(Experiment)
        .where(
            Experiment.id == experiment.id,
            Experiment.status == left,
            guard if guard is not None else true(),
        )
        .values(**changes)
        .returning(Experiment.id)
        .execution_options(synchronize_session=False)
    )
    if result.scalar_one_or_none() is None:
        await session.refresh(experiment)
        return False
    if target.is_terminal:
        await FINISH_HOOKS.on_finished(session, experiment.id, now)
    await session.refresh(experiment)
    await append_experiment_event(
        session, EVENT_FOR_STATUS[target], experiment, previous={"status": left.value}
    )
    return True
