"""Shared test helpers: loading metric points and counting SQL statements."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from app.metrics import service as metrics
from app.metrics.batch import MetricBatch
from app.metrics.batched import SeriesRead
from app.metrics.history import Series
from app.models import User
from app.services import Services
from tests.compare.reference import read_series

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def columns(key: str, steps: list[int], values: list[float]) -> MetricBatch:
    return MetricBatch(
        keys=[key] * len(steps),
        steps=steps,
        values=values,
        timestamps=[T0 + timedelta(seconds=s) for s in steps],
    )


def merged(*batches: MetricBatch) -> MetricBatch:
    out = MetricBatch()
    for batch in batches:
        out.keys += batch.keys
        out.steps += batch.steps
        out.values += batch.values
        out.timestamps += batch.timestamps
    return out


async def ingest(
    services: Services, actor: User, experiment_id: uuid.UUID, batch: MetricBatch
) -> None:
    """One batch through the service (the experiment must be RUNNING)."""
    async with services.db.unit_of_work() as session:
        await metrics.ingest_metrics(session, actor=actor, experiment_id=experiment_id, batch=batch)


async def read_one(session: Any, read: SeriesRead) -> Series:
    """``reference.read_series`` of one ``SeriesRead``: what ``read_many`` must answer."""
    return await read_series(
        session,
        read.series,
        key=read.key,
        max_points=read.max_points,
        step_from=read.step_from,
        step_to=read.step_to,
    )


# The counter of the code being measured: background tasks started earlier (an outbox
# relay left running by a session fixture, say) run in contexts of their own and are not
# counted. SQLAlchemy runs its sync events in the caller's context (greenlet gr_context).
_COUNTING: ContextVar[StatementCounter | None] = ContextVar("counting", default=None)


class StatementCounter:
    """Counts the statements the current task (and the tasks it starts) sends, on every
    engine of the app."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if _COUNTING.get() is self:
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def selects(self) -> int:
        """Statements that read (no BEGIN, COMMIT, ROLLBACK)."""
        return sum(1 for s in self.statements if s.lstrip()[:6].upper() in {"SELECT", "WITH R"})


@contextlib.contextmanager
def count_statements(services: Services) -> Iterator[StatementCounter]:
    """Listen on ``engine`` and, on SQLite, the separate ``read_engine``."""
    counter = StatementCounter()
    db = services.db
    engines = {id(e.sync_engine): e.sync_engine for e in (db.engine, db.read_engine)}
    for engine in engines.values():
        event.listen(engine, "before_cursor_execute", counter)
    token = _COUNTING.set(counter)
    try:
        yield counter
    finally:
        _COUNTING.reset(token)
        for engine in engines.values():
            event.remove(engine, "before_cursor_execute", counter)
