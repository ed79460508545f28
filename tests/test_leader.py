"""One replica at a time: ``LeaderLock`` and ``PeriodicJob``.

The lock tests run on every backend (the ``database_url`` fixture); those that need a real
second session — a dropped connection, the lock seen in ``pg_locks`` — are defined only when
``EXPSVC_TEST_DATABASE_URL`` points at a PostgreSQL server.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import text

from app.db import Database
from app.leader import LeaderLock, PeriodicJob, lock_key
from tests.pg import TEST_DATABASE_ENV

WAIT_SECONDS = 5.0

DatabaseFactory = Callable[[], Database]


@pytest.fixture
async def databases(database_url: str) -> AsyncIterator[DatabaseFactory]:
    """``new()`` → a separate Database (its own engine and pool), as another replica has."""
    opened: list[Database] = []

    def new() -> Database:
        db = Database(database_url)
        opened.append(db)
        return db

    yield new
    for db in opened:
        await db.dispose()


def job_name() -> str:
    """A name no other test (or earlier run on the same server) holds."""
    return f"test-job-{uuid.uuid4().hex}"


def test_lock_key_is_a_stable_signed_64_bit_number() -> None:
    assert lock_key("activity-watchdog") == -443596133964252733
    assert lock_key("activity-watchdog") != lock_key("reservation-expiry")
    assert -(2**63) <= lock_key("x") < 2**63


async def test_only_one_holder_per_name_until_released(databases: DatabaseFactory) -> None:
    name = job_name()
    first, second = LeaderLock(databases(), name), LeaderLock(databases(), name)
    try:
        assert await first.acquire()
        assert not await second.acquire()
        assert await first.acquire(), "the leader stays the leader"
        assert (first.is_leader, second.is_leader) == (True, False)

        await first.release()
        assert not first.is_leader
        assert await second.acquire()
        assert not await first.acquire()
    finally:
        await first.release()
        await second.release()


async def test_different_names_do_not_conflict(databases: DatabaseFactory) -> None:
    one, other = LeaderLock(databases(), job_name()), LeaderLock(databases(), job_name())
    try:
        assert await one.acquire()
        assert await other.acquire()
    finally:
        await one.release()
        await other.release()


async def test_release_without_leadership_is_harmless(databases: DatabaseFactory) -> None:
    lock = LeaderLock(databases(), job_name())
    await lock.release()
    assert await lock.acquire()
    await lock.release()
    await lock.release()
    assert not lock.is_leader


async def test_job_runs_repeatedly_and_survives_a_failing_run(
    databases: DatabaseFactory,
) -> None:
    calls = 0
    enough = asyncio.Event()

    async def run() -> None:
        nonlocal calls
        calls += 1
        if calls >= 3:
            enough.set()
        if calls == 1:
            raise RuntimeError("boom")

    job = PeriodicJob("test", 0.01, run, LeaderLock(databases(), job_name()))
    job.start()
    try:
        await asyncio.wait_for(enough.wait(), WAIT_SECONDS)
        assert job.running
    finally:
        await job.stop()
    assert job.failures == 1
    assert job.runs >= 3
    assert not job.running


async def test_job_runs_only_while_leader(databases: DatabaseFactory) -> None:
    name = job_name()
    holder = LeaderLock(databases(), name)
    calls: list[int] = []

    async def run() -> None:
        calls.append(1)

    job = PeriodicJob("test", 60, run, LeaderLock(databases(), name))
    try:
        assert await holder.acquire()
        assert not await job.tick()
        assert calls == []
        await holder.release()
        assert await job.tick()
        assert calls == [1]
    finally:
        await job.stop()
        await holder.release()


async def test_stopping_a_job_hands_leadership_over(databases: DatabaseFactory) -> None:
    name = job_name()
    ran = asyncio.Event()

    async def run() -> None:
        ran.set()

    job = PeriodicJob("test", 60, run, LeaderLock(databases(), name))
    job.start()
    successor = LeaderLock(databases(), name)
    try:
        await asyncio.wait_for(ran.wait(), WAIT_SECONDS)
        assert not await successor.acquire()
        await job.stop()
        assert await successor.acquire()
    finally:
        await job.stop()
        await successor.release()


async def test_a_failing_leadership_check_does_not_stop_the_job(
    databases: DatabaseFactory,
) -> None:
    class BrokenLock(LeaderLock):
        async def acquire(self) -> bool:
            raise ConnectionError("database down")

    async def run() -> None:
        raise AssertionError("must not run without leadership")

    job = PeriodicJob("test", 60, run, BrokenLock(databases(), job_name()))
    assert not await job.tick()
    assert job.runs == 0


if os.environ.get(TEST_DATABASE_ENV):
    PG_URL = os.environ[TEST_DATABASE_ENV]

    @pytest.fixture
    async def pg() -> AsyncIterator[DatabaseFactory]:
        """Separate Databases on the PostgreSQL test server."""
        opened: list[Database] = []

        def new() -> Database:
            db = Database(PG_URL)
            opened.append(db)
            return db

        yield new
        for db in opened:
            await db.dispose()

    def _lock_ids(name: str) -> dict[str, int]:
        unsigned = lock_key(name) & 0xFFFF_FFFF_FFFF_FFFF
        return {"classid": unsigned >> 32, "objid": unsigned & 0xFFFF_FFFF}

    HOLDERS = text(
        "SELECT a.pid, a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted"
        " AND l.classid = CAST(:classid AS oid) AND l.objid = CAST(:objid AS oid)"
    )

    async def _holders(db: Database, name: str) -> list[tuple[int, str]]:
        async with db.reader() as session:
            rows = (await session.execute(HOLDERS, _lock_ids(name))).all()
        return [(int(pid), str(state)) for pid, state in rows]

    def _name_with_key(negative: bool) -> str:
        while (lock_key(name := job_name()) < 0) != negative:
            pass
        return name

    @pytest.mark.parametrize("negative_key", [True, False])
    async def test_pg_lock_is_an_idle_session_level_advisory_lock(
        pg: DatabaseFactory, negative_key: bool
    ) -> None:
        name = _name_with_key(negative_key)
        lock, observer = LeaderLock(pg(), name), pg()
        try:
            assert await lock.acquire()
            holders = await _holders(observer, name)
            assert len(holders) == 1
            assert holders[0][1] == "idle", "the lock must not keep a transaction open"
            assert await lock.acquire()
            assert await _holders(observer, name) == holders, "kept on the same connection"
            await lock.release()
            assert await _holders(observer, name) == []
        finally:
            await lock.release()

    async def _eventually(check: Callable[[], Awaitable[bool]]) -> bool:
        """Poll ``check`` until it holds (a terminated backend takes a moment to exit)."""
        for _ in range(int(WAIT_SECONDS / 0.05)):
            if await check():
                return True
            await asyncio.sleep(0.05)
        return False

    async def test_pg_dropped_connection_loses_leadership(pg: DatabaseFactory) -> None:
        name = job_name()
        first, second, admin = LeaderLock(pg(), name), LeaderLock(pg(), name), pg()
        try:
            assert await first.acquire()
            [(pid, _)] = await _holders(admin, name)
            async with admin.reader() as session:
                await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            assert await _eventually(second.acquire), "the server frees the lock as it goes"
            assert not await first.acquire(), "its connection is gone, and the lock with it"
            assert not first.is_leader

            await second.release()
            assert await first.acquire(), "leadership is taken again on a new connection"
        finally:
            await first.release()
            await second.release()
