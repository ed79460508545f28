"""The metric batch's activity touch (one prepared statement on PostgreSQL) gives the answers
of the SQLAlchemy touch built from ``experiment_actable`` (what log lines and SQLite use),
for every role and relation to the experiment."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select, text

from app.errors import DomainError, InvalidTransition
from app.experiments import service as experiments
from app.experiments.activity import (
    check_running_for_metrics,
    touch_running,
    touch_running_for_metrics,
)
from app.metrics import service as metrics
from app.metrics.batch import MetricBatch
from app.models import MetricSeries
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
    kwargs.pop("now")  # the check records nothing, so it takes no time
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


async def in_a_unit_of_work(services, owner, experiment_id, batch):
    async with services.db.unit_of_work() as session:
        return await metrics.ingest_metrics(
            session, actor=owner, experiment_id=experiment_id, batch=batch
        )


async def alone(services, owner, experiment_id, batch):
    """What REST and GraphQL call: on PostgreSQL one statement outside any transaction."""
    return await metrics.ingest_metrics_alone(
        services.db, actor=owner, experiment_id=experiment_id, batch=batch
    )


async def alone_with_a_batch_id(services, owner, experiment_id, batch):
    """What the client's batches take: on SQLite one call to the driver's thread."""
    return await metrics.ingest_metrics_alone(
        services.db,
        actor=owner,
        experiment_id=experiment_id,
        batch=batch,
        batch_id=f"b-{uuid.uuid4().hex}",
    )


INGESTS = {
    "in_a_unit_of_work": in_a_unit_of_work,
    "alone": alone,
    "alone_with_a_batch_id": alone_with_a_batch_id,
}


@pytest.fixture(params=list(INGESTS))
def ingest(request):
    return INGESTS[request.param]


@asynccontextmanager
async def held_in_its_write(services, ingest, owner, experiment_id):
    """A "loss" batch stopped in the middle of its write: another transaction holds the
    lock on the key's summary row, which the batch's upsert waits for, until the block
    ends. Yields the batch's task (not yet finished)."""
    await ingest(services, owner, experiment_id, batch_of(range(1)))  # the summary row
    async with services.db.unit_of_work() as holder:
        await holder.execute(
            select(MetricSeries.id)
            .where(MetricSeries.experiment_id == experiment_id, MetricSeries.key == "loss")
            .with_for_update()
        )
        task = asyncio.create_task(ingest(services, owner, experiment_id, batch_of(range(1, 11))))
        async with asyncio.timeout(10):
            while not await waiting_for_a_lock(holder):  # noqa: ASYNC110 - another process
                await asyncio.sleep(0.02)
        try:
            yield task
        finally:
            await holder.commit()


async def waiting_for_a_lock(session) -> bool:
    query = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
    return bool((await session.execute(query)).scalar_one())


async def test_a_batch_being_written_does_not_hold_up_another_of_the_same_experiment(
    services, cast, ingest
):
    """The experiment's row lock is taken by the touch after the write, so a second batch
    commits while the first is still writing (on PostgreSQL; SQLite has one writer).
    Batches of one key do queue, on that key's summary row."""
    if not is_postgres(services):
        pytest.skip("concurrent writers: PostgreSQL only")
    people, running, _ = cast
    owner = people["owner"]
    async with held_in_its_write(services, ingest, owner, running) as first:
        async with asyncio.timeout(10):  # blocked behind ``first`` would mean a timeout
            second = await ingest(services, owner, running, batch_of(range(10), "acc"))
    assert second.seq == 2 and (await first).seq == 3  # sequence numbers follow the commits
    async with services.db.reader() as session:
        rows = await metrics.summaries_by_experiment(session, [running])
    assert [(row.key, row.count) for row in rows[running]] == [("acc", 10), ("loss", 11)]


async def test_a_run_ended_during_the_write_refuses_the_batch_and_keeps_nothing(
    services, cast, ingest
):
    if not is_postgres(services):
        pytest.skip("concurrent writers: PostgreSQL only")
    if ingest is alone_with_a_batch_id:
        # the claim's row references the experiment's (a foreign key): the completion's
        # FOR UPDATE waits for the batch to commit, and the batch is accepted
        pytest.skip("a claimed batch finishes before the run can end")
    people, running, _ = cast
    owner = people["owner"]
    async with (
        held_in_its_write(services, ingest, owner, running) as first,
        asyncio.timeout(10),
        services.db.unit_of_work() as session,
    ):
        await experiments.complete_experiment(session, actor=owner, experiment_id=running)
    with pytest.raises(InvalidTransition):
        await first
    async with services.db.reader() as session:
        rows = await metrics.summaries_by_experiment(session, [running])
    assert [(row.key, row.count) for row in rows[running]] == [("loss", 1)]  # the first only


async def test_the_write_refuses_whom_the_touch_refuses_and_writes_nothing(services, cast, ingest):
    """The batch's write (one statement with its touch on PostgreSQL) answers as the touch
    does for every role; accepted batches are kept and refused ones leave no row."""
    people, running, queued = cast
    accepted = 0
    for name, person in people.items():
        for experiment_id in (running, queued, uuid.uuid4()):
            want = await outcome(services, metrics_touch, person, experiment_id)
            try:
                await ingest(
                    services, person, experiment_id, batch_of(range(accepted, accepted + 3))
                )
                got = "ok"
            except DomainError as exc:
                got = type(exc).__name__
            assert got == want, (name, experiment_id)
            accepted += 3 if got == "ok" else 0
    assert accepted == 3 * 4  # the owner, the lead, the curator and the admin
    async with services.db.reader() as session:
        rows = await metrics.summaries_by_experiment(session, [running, queued])
    assert [(row.key, row.count) for row in rows[running]] == [("loss", accepted)]
    assert rows[queued] == []
