"""Statements sent straight to asyncpg (the PostgreSQL hot paths) belong to the session's
transaction: when the unit of work fails, they are rolled back with the rest."""

from __future__ import annotations

import contextlib

import asyncpg
import pytest
from sqlalchemy import text

from app.db import asyncpg_connection
from app.experiments.activity import touch_running_for_metrics
from app.models import Experiment
from app.models.base import utcnow
from app.models.enums import Role
from app.services import Services
from tests.builders import create_hypothesis, create_running
from tests.conftest import MakeUser


async def test_a_failed_unit_of_work_undoes_the_metric_touch(
    services: Services, make_user: MakeUser
) -> None:
    owner, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await create_running(services, owner, hypothesis)
    with pytest.raises(RuntimeError):
        async with services.db.unit_of_work() as session:
            seq = await touch_running_for_metrics(
                session, actor=owner, experiment_id=experiment.id, now=utcnow()
            )
            assert seq == 1
            raise RuntimeError("the batch failed after the touch")
    async with services.db.reader() as session:
        row = await session.get(Experiment, experiment.id)
    assert row is not None and row.metric_seq == 0


async def test_the_raw_connection_is_inside_the_transaction(services: Services) -> None:
    if services.db.dialect != "postgresql":
        pytest.skip("asyncpg only")  # SQLite has no raw asyncpg connection
    async with services.db.unit_of_work() as session:
        driver = await asyncpg_connection(session)
        assert driver.is_in_transaction()
        await session.execute(text("SELECT 1"))  # SQLAlchemy keeps using the same one
        assert driver.is_in_transaction()


async def test_the_autocommit_driver_commits_each_statement_and_returns_clean(
    services: Services, make_user: MakeUser
) -> None:
    if services.db.dialect != "postgresql":
        pytest.skip("asyncpg only")  # SQLite has no raw asyncpg connection
    owner, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await create_running(services, owner, hypothesis)
    async with services.db.autocommit_driver() as driver:
        assert not driver.is_in_transaction()
        await driver.execute("UPDATE experiments SET metric_seq = 7 WHERE id = $1", experiment.id)
        async with services.db.reader() as session:  # another connection sees it at once
            row = await session.get(Experiment, experiment.id)
            assert row is not None and row.metric_seq == 7
    for _ in range(3):  # the pooled connections still work in units of work
        async with services.db.unit_of_work() as session:
            seq = await touch_running_for_metrics(
                session, actor=owner, experiment_id=experiment.id, now=utcnow()
            )
    assert seq == 10


async def test_a_connection_lost_under_the_autocommit_driver_leaves_the_pool(
    services: Services,
) -> None:
    """SQLAlchemy never sees the driver's statements, so the driver tells the pool: a
    connection cut off under it is discarded, not handed to the next request."""
    if services.db.dialect != "postgresql":
        pytest.skip("asyncpg only")  # SQLite has no raw asyncpg connection
    # how the driver notices depends on when the server's notice arrives
    noticed = (asyncpg.InterfaceError, asyncpg.InternalClientError, asyncpg.PostgresError)
    with pytest.raises(noticed):
        async with services.db.autocommit_driver() as driver:
            pid = await driver.fetchval("SELECT pg_backend_pid()")
            async with services.db.autocommit_driver() as other:
                assert await other.fetchval("SELECT pg_terminate_backend($1)", pid)
            await driver.fetchval("SELECT 1")
    idle = services.db.engine.pool.checkedin()  # type: ignore[attr-defined]
    async with contextlib.AsyncExitStack() as stack:  # every pooled connection at once
        drivers = [
            await stack.enter_async_context(services.db.autocommit_driver())
            for _ in range(idle + 1)
        ]
        assert [await d.fetchval("SELECT 1") for d in drivers] == [1] * len(drivers)
