"""The activity watchdog: fail RUNNING experiments that went quiet.

Activity is any accepted metrics or log batch, progress report or heartbeat; each one sets
``experiments.last_activity_at`` (start sets it too). An experiment with none for
``EXPSVC_ACTIVITY_TIMEOUT_SECONDS`` fails with ``LOGGING_TIMEOUT``: one conditional UPDATE
per experiment, guarded by ``status = RUNNING`` and "last activity still older than the
cutoff", so activity that lands while the watchdog works wins, and so does a concurrent
complete/stop. The system log line and the ``ExperimentFailed`` outbox event are written in
the same transaction. The job runs on one replica at a time (``app.leader``).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import Database
from app.experiments.system_moves import fail_running
from app.leader import LeaderLock, PeriodicJob
from app.models import Experiment
from app.models.base import utcnow
from app.models.enums import ExperimentStatus, FailureReason

log = logging.getLogger("expsvc.watchdog")

JOB_NAME = "activity-watchdog"
BATCH_SIZE = 500
MAX_INTERVAL_SECONDS = 60.0


def _last_seen() -> ColumnElement[datetime]:
    """When the experiment last showed life (a RUNNING one always has ``started_at``)."""
    return func.coalesce(Experiment.last_activity_at, Experiment.started_at, Experiment.created_at)


def _is_stale(cutoff: datetime) -> ColumnElement[bool]:
    return (Experiment.status == ExperimentStatus.RUNNING) & (_last_seen() < cutoff)


async def stale_experiment_ids(
    db: Database, cutoff: datetime, limit: int = BATCH_SIZE
) -> list[uuid.UUID]:
    """RUNNING experiments with no activity since ``cutoff``, the quietest first."""
    query = select(Experiment.id).where(_is_stale(cutoff)).order_by(_last_seen()).limit(limit)
    async with db.reader() as session:
        return list((await session.scalars(query)).all())


def timeout_message(idle_seconds: float, timeout_seconds: int) -> str:
    return (
        f"no metrics, logs, progress or heartbeat for {int(idle_seconds)} s"
        f" (the limit is {timeout_seconds} s)"
    )


async def fail_if_inactive(
    session: AsyncSession,
    *,
    experiment_id: uuid.UUID,
    cutoff: datetime,
    now: datetime,
    timeout_seconds: int,
) -> Experiment | None:
    """Fail one experiment if it is still RUNNING and still quiet since ``cutoff``.

    Returns the failed experiment, or None when it moved on or showed activity meanwhile.
    Only flushes; the caller's unit of work commits.
    """
    experiment = await session.get(Experiment, experiment_id)
    if experiment is None:
        return None
    last_seen = experiment.last_activity_at or experiment.started_at or experiment.created_at
    return await fail_running(
        session,
        experiment_id=experiment_id,
        reason=FailureReason.LOGGING_TIMEOUT,
        message=timeout_message((now - last_seen).total_seconds(), timeout_seconds),
        now=now,
        guard=_is_stale(cutoff),
    )


async def fail_inactive(
    db: Database, *, timeout_seconds: int, now: datetime | None = None
) -> list[uuid.UUID]:
    """Fail every RUNNING experiment quiet for ``timeout_seconds``; return their ids."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=timeout_seconds)
    failed: list[uuid.UUID] = []
    for experiment_id in await stale_experiment_ids(db, cutoff):
        if await _fail_one(db, experiment_id, cutoff, now, timeout_seconds):
            failed.append(experiment_id)
    return failed


async def _fail_one(
    db: Database, experiment_id: uuid.UUID, cutoff: datetime, now: datetime, timeout_seconds: int
) -> bool:
    """One experiment in its own transaction; an error is logged and retried next run."""
    try:
        async with db.unit_of_work() as session:
            experiment = await fail_if_inactive(
                session,
                experiment_id=experiment_id,
                cutoff=cutoff,
                now=now,
                timeout_seconds=timeout_seconds,
            )
    except Exception:
        log.exception("activity timeout of experiment %s not recorded", experiment_id)
        return False
    if experiment is None:
        return False
    log.warning("experiment %s failed: %s", experiment_id, experiment.failure_message)
    return True


def watchdog_interval(timeout_seconds: int) -> float:
    """How often to look: a quarter of the timeout, between 1 s and a minute."""
    return min(MAX_INTERVAL_SECONDS, max(1.0, timeout_seconds / 4))


def activity_watchdog(db: Database, settings: Settings) -> PeriodicJob:
    """The periodic job failing quiet experiments, on one replica at a time."""
    timeout = settings.activity_timeout_seconds

    async def run() -> list[uuid.UUID]:
        return await fail_inactive(db, timeout_seconds=timeout)

    return PeriodicJob(JOB_NAME, watchdog_interval(timeout), run, LeaderLock(db, JOB_NAME))
