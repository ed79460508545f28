"""Activity on a RUNNING experiment: the check-and-touch every ingest does first."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, NoReturn, cast

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import actor_params, experiment_actable, running_and_actable
from app.db import asyncpg_connection
from app.errors import InvalidTransition
from app.experiments.service import get_actionable_experiment
from app.models import Experiment, User
from app.models.enums import ExperimentStatus

# ``_touch`` for a metric batch as one prepared statement on the session's asyncpg
# connection: the SQLAlchemy UPDATE costs ~0.4 ms of CPU per batch to build and run, more
# than the rest of the request's database work. The condition is ``experiment_actable``'s
# ($3: the actor sees everything, $4: the actor, $5: the actor is a TL, who also acts on
# experiments of hypotheses they lead); tests/metrics/test_touch.py holds the two to the
# same answers for every role.
PG_TOUCH_FOR_METRICS = f"""
UPDATE experiments AS e
SET metric_seq = e.metric_seq + 1, updated_at = $2, last_activity_at = $2
WHERE {running_and_actable("$1", "$3", "$4", "$5")}
RETURNING e.metric_seq
"""
# The same condition without the lock
PG_CHECK_FOR_METRICS = f"""
SELECT true FROM experiments AS e WHERE {running_and_actable("$1", "$2", "$3", "$4")}
"""


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
    if value is None:
        await refuse(session, actor=actor, experiment_id=experiment_id, what=what)
    return int(value)


async def refuse(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID, what: str
) -> NoReturn:
    """Say why the touch changed nothing: NOT_FOUND, FORBIDDEN, or not RUNNING."""
    experiment = await get_actionable_experiment(session, actor=actor, experiment_id=experiment_id)
    raise InvalidTransition(
        f"only a RUNNING experiment accepts {what}; this one is {experiment.status.value}",
        details={"status": experiment.status.value},
    )


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


async def _pg_metrics_statement(
    session: AsyncSession, statement: str, actor: User, experiment_id: uuid.UUID, *extra: Any
) -> Any:
    """``statement`` with the experiment id, ``extra`` and ``actor_params``, on the session's
    asyncpg connection (inside its transaction); no row refuses."""
    driver = await asyncpg_connection(session)
    value = await driver.fetchval(statement, experiment_id, *extra, *actor_params(actor))
    if value is None:
        await refuse(session, actor=actor, experiment_id=experiment_id, what="metrics")
    return value


async def check_running_for_metrics(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID
) -> None:
    """``touch_running_for_metrics``'s check without its row lock or write: a batch is
    checked before it is written and touched after, so concurrent batches of one
    experiment hold the experiment's row lock only from the touch to the commit instead of
    queueing behind each other's whole write (the touch checks again under the lock)."""
    if session.get_bind().dialect.name == "postgresql":
        await _pg_metrics_statement(session, PG_CHECK_FOR_METRICS, actor, experiment_id)
        return
    table = cast(Table, Experiment.__table__)
    query = select(table.c.id).where(
        Experiment.id == experiment_id,
        Experiment.status == ExperimentStatus.RUNNING,
        experiment_actable(actor),
    )
    if (await session.execute(query)).first() is None:
        await refuse(session, actor=actor, experiment_id=experiment_id, what="metrics")


async def touch_running_for_metrics(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID, now: datetime
) -> int:
    """As ``touch_running``, for a metric batch: returns the batch's sequence number."""
    if session.get_bind().dialect.name == "postgresql":
        value = await _pg_metrics_statement(
            session, PG_TOUCH_FOR_METRICS, actor, experiment_id, now
        )
        return int(value)
    return await _touch(
        session,
        actor=actor,
        experiment_id=experiment_id,
        now=now,
        what="metrics",
        counter=Experiment.metric_seq,
        increment=1,
    )
