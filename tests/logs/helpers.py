"""Builders shared by the log tests: a running experiment, stored lines, a bulk loader."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, String, cast, func, insert, literal, select, update

from app.logs import service as logs
from app.logs.schemas import parse_lines
from app.logs.service import LogLineRow
from app.models import Experiment, Hypothesis, User, log_lines
from app.models.base import UTCDateTime, utcnow
from app.models.enums import Role
from app.services import Services
from tests.builders import create_hypothesis, create_running

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Run:
    """A RUNNING experiment and its owner (with the owner's token for HTTP calls)."""

    user: User
    token: str
    hypothesis: Hypothesis
    experiment: Experiment

    @property
    def id(self) -> uuid.UUID:
        return self.experiment.id


async def running(services: Services, make_user: Any, role: Role = Role.MLE) -> Run:
    user, token = await make_user(role)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    return Run(user=user, token=token, hypothesis=hypothesis, experiment=experiment)


async def append(
    services: Services, actor: User, experiment_id: uuid.UUID, items: Sequence[dict[str, Any]]
) -> list[LogLineRow]:
    """Validate and store ``items`` in one unit of work, as an edge would; the rows stored."""
    return (await append_batch(services, actor, experiment_id, items)).rows


async def append_batch(
    services: Services,
    actor: User,
    experiment_id: uuid.UUID,
    items: Sequence[dict[str, Any]],
    batch_id: str | None = None,
) -> logs.AppendResult:
    """``append`` with a batch id, answering the use case's result."""
    lines = parse_lines(list(items), now=utcnow(), limit=services.settings.logs_max_batch_lines)
    async with services.db.unit_of_work() as session:
        return await logs.append_lines(
            session, actor=actor, experiment_id=experiment_id, lines=lines, batch_id=batch_id
        )


async def stored(services: Services, experiment_id: uuid.UUID) -> list[Any]:
    """Every stored line of the experiment, by seq."""
    async with services.db.reader() as session:
        query = (
            select(log_lines)
            .where(log_lines.c.experiment_id == experiment_id)
            .order_by(log_lines.c.seq)
        )
        return list((await session.execute(query)).all())


async def bulk_load(services: Services, experiment_id: uuid.UUID, count: int) -> None:
    """Store lines 1..count in one ``INSERT … SELECT`` over a counter (``generate_series`` on
    PostgreSQL, a recursive CTE on SQLite); line ``n`` says ``line n``, and ``log_seq``
    moves past them."""
    counter: Any
    if services.db.dialect == "postgresql":
        counter = func.generate_series(1, count).table_valued("n").render_derived("counter")
    else:
        counter = select(literal(1, Integer).label("n")).cte("counter", recursive=True)
        counter = counter.union_all(select(counter.c.n + 1).where(counter.c.n < count))
    rows = select(
        literal(experiment_id, log_lines.c.experiment_id.type),
        counter.c.n,
        literal(EPOCH, UTCDateTime()),
        literal("INFO", String),
        literal("line ", String) + cast(counter.c.n, String),
        literal("stdout", String),
    )
    columns = ["experiment_id", "seq", "timestamp", "level", "message", "source"]
    async with services.db.unit_of_work() as session:
        await session.execute(insert(log_lines).from_select(columns, rows))
        await session.execute(
            update(Experiment)
            .where(Experiment.id == experiment_id)
            .values(log_seq=count)
            .execution_options(synchronize_session=False)
        )
        assert (
            await session.scalar(
                select(func.count()).where(log_lines.c.experiment_id == experiment_id)
            )
            == count
        )
