"""The metric batch's activity touch (one prepared statement on PostgreSQL) gives the answers
of the SQLAlchemy touch built from ``experiment_actable`` (what log lines and SQLite use),
for every role and relation to the experiment."""

from __future__ import annotations

import asyncio

import pytest

from app.errors import DomainError, InvalidTransition
from app.experiments import service as experiments
from app.experiments.activity import (
    check_running_for_metrics,
    touch_running,
    touch_running_for_metrics,
)
from app.metrics import service as metrics
from app.metrics.batch import MetricBatch
from app.models.base import utcnow
from app.models.enums import Role
from tests.builders import create_experiment, create_hypothesis, create_running


async def outcome(services, touch, actor, experiment_id) -> str:
    """``ok`` or the error code; the transaction is rolled back either way."""
    async with services.db.sessions() as session:
        try:
            await touch(session, actor=actor, experiment_id=experiment_id, now=utcnow())
        except DomainError as exc:
            return type(exc).__name__
        finally:
            await session.rollback()
    return "ok"


async def metrics_touch(session, **kwargs):
    return await touch_running_for_metrics(session, **kwargs)


async def metrics_check(session, **kwargs):
    await check_running_for_metrics(session, **kwargs)


async def sqlalchemy_touch(session, **kwargs):
    return await touch_running(session, what="metrics", **kwargs)


@pytest.fixture
async def cast(services, make_user):
    owner, _ = await make_user(Role.DS)
    lead, _ = await make_user(Role.TL)
    people = {
        "owner": owner,
        "lead": lead,
        "other_ds": (await make_user(Role.DS))[0],
        "other_tl": (await make_user(Role.TL))[0],
        "mle": (await make_user(Role.MLE))[0],
        "curator": (await make_user(Role.CURATOR))[0],
        "admin": (await make_user(Role.ADMIN))[0],
    }
    hypothesis = await create_hypothesis(services, owner, team_lead=lead)
    running = await create_running(services, owner, hypothesis)
    queued = await create_experiment(services, owner, hypothesis)
    return people, running.id, queued.id


async def test_same_answers_for_every_role(services, cast):
    people, running, queued = cast
    answers = {}
    for name, person in people.items():
        for experiment_id in (running, queued):
            fast = await outcome(services, metrics_touch, person, experiment_id)
            slow = await outcome(services, sqlalchemy_touch, person, experiment_id)
            check = await outcome(services, metrics_check, person, experiment_id)
            assert fast == slow == check, (name, experiment_id == running)
            answers[name, experiment_id == running] = fast
    assert answers["owner", True] == "ok"
    assert answers["lead", True] == "ok"
    assert answers["other_ds", True] != "ok"
    assert answers["owner", False] == "InvalidTransition"


async def test_each_batch_gets_the_next_sequence_number(services, cast):
    people, running, _ = cast
    async with services.db.unit_of_work() as session:
        first = await touch_running_for_metrics(
            session, actor=people["owner"], experiment_id=running, now=utcnow()
        )
    async with services.db.unit_of_work() as session:
        second = await touch_running_for_metrics(
            session, actor=people["owner"], experiment_id=running, now=utcnow()
        )
    assert second == first + 1


# --- the order of a batch: check, write, touch --------------------------------------------


def is_postgres(services) -> bool:
    return services.db.engine.dialect.name == "postgresql"


def batch_of(steps: range, key: str = "loss") -> MetricBatch:
    return MetricBatch(
        keys=[key] * len(steps),
        steps=list(steps),
        values=[float(step) for step in steps],
        timestamps=[utcnow()] * len(steps),
    )


class PausingMirror:
    """Holds a batch between its write and its touch (the mirror runs there) until let go."""

    def __init__(self) -> None:
        self.written = asyncio.Event()
        self.go_on = asyncio.Event()

    async def on_metrics(self, session, experiment_id, batch) -> None:
        self.written.set()
        await self.go_on.wait()


async def ingest(services, owner, experiment_id, batch, mirror=None):
    async with services.db.unit_of_work() as session:
        return await metrics.ingest_metrics(
            session, actor=owner, experiment_id=experiment_id, batch=batch, mirror=mirror
        )


async def test_a_batch_being_written_does_not_hold_up_another_of_the_same_experiment(
    services, cast
):
    """The experiment's row lock is taken by the touch after the write, so a second batch
    commits while the first is still writing (on PostgreSQL; SQLite has one writer). Batches
    of one key still queue on that key's summary row."""
    if not is_postgres(services):
        pytest.skip("concurrent writers: PostgreSQL only")
    people, running, _ = cast
    owner = people["owner"]
    paused = PausingMirror()
    first = asyncio.create_task(ingest(services, owner, running, batch_of(range(10)), paused))
    await paused.written.wait()
    try:
        async with asyncio.timeout(10):  # blocked behind ``first`` would mean a timeout
            second = await ingest(services, owner, running, batch_of(range(10), "acc"))
    finally:
        paused.go_on.set()
    assert second.seq == 1 and (await first).seq == 2  # sequence numbers follow the commits
    async with services.db.reader() as session:
        rows = await metrics.summaries_by_experiment(session, [running])
    assert [(row.key, row.count) for row in rows[running]] == [("acc", 10), ("loss", 10)]


async def test_a_run_ended_during_the_write_refuses_the_batch_and_keeps_nothing(services, cast):
    if not is_postgres(services):
        pytest.skip("concurrent writers: PostgreSQL only")
    people, running, _ = cast
    owner = people["owner"]
    paused = PausingMirror()
    first = asyncio.create_task(ingest(services, owner, running, batch_of(range(5)), paused))
    await paused.written.wait()
    try:
        async with asyncio.timeout(10), services.db.unit_of_work() as session:
            await experiments.complete_experiment(session, actor=owner, experiment_id=running)
    finally:
        paused.go_on.set()
    with pytest.raises(InvalidTransition):
        await first
    async with services.db.reader() as session:
        rows = await metrics.summaries_by_experiment(session, [running])
    assert rows[running] == []
