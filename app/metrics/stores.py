"""MetricStore: where metric batches are written and read, one implementation per database.

``Services`` picks one at start-up (``metric_store``, by the database's dialect) and the
callers hand it on: REST, GraphQL and the MLflow API write through ``write_batch`` /
``write_alone`` and read through the history path (``app.metrics.batched.read_many``:
planner → these reads → assembler → kept answers). Both implementations follow the rules
of ``app.metrics.rules``: SQLite by running them in Python, PostgreSQL by its own SQL
(``pg_store``, ``batched_pg``), checked against them by tests/metrics/test_rules_pg.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import sqlite_thread
from app.db import Database
from app.experiments.activity import refuse
from app.metrics import batched_sql, pg_store, store
from app.metrics.batch import MetricBatch
from app.metrics.batched_sql import Extremes, PointsRequest, Range
from app.metrics.history import Point
from app.models import MetricSeries, User
from app.validation import check_batch_id


class MetricStore(Protocol):
    """Writes of parsed batches and the reads the history path is made of."""

    name: str

    async def write_batch(
        self,
        session: AsyncSession,
        experiment_id: uuid.UUID,
        batch: MetricBatch,
        now: datetime,
        actor: User,
    ) -> int:
        """Summaries, points and rollups of a batch by ``actor`` and the experiment's
        activity touch, in the session's transaction: the batch's sequence number, or a
        refusal (``refuse``) with nothing written."""
        ...

    async def write_alone(
        self, db: Database, experiment_id: uuid.UUID, batch: MetricBatch, now: datetime, actor: User
    ) -> int:
        """``write_batch`` in a transaction of its own."""
        ...

    async def claim_and_write_alone(
        self,
        db: Database,
        experiment_id: uuid.UUID,
        batch: MetricBatch,
        batch_id: str,
        now: datetime,
        actor: User,
    ) -> store.Written | None:
        """``batch_id``'s claim and ``write_batch`` in a transaction of its own, where this
        store has a way to do it without a unit of work; None where it has not (the caller
        then claims and writes in one). A repeated ``batch_id`` writes nothing
        (``Written.previous``: its first count)."""
        ...

    async def summaries(
        self, session: AsyncSession, experiment_ids: list[uuid.UUID], keys: list[str] | None
    ) -> dict[uuid.UUID, list[MetricSeries]]:
        """Every series' summary row of many experiments (sorted by key)."""
        ...

    async def raw_points(
        self, session: AsyncSession, ranges: Sequence[Range]
    ) -> Mapping[Range, Sequence[Point]]:
        """The stored points of every step range, in step order."""
        ...

    async def bucket_points(
        self, session: AsyncSession, requests: Sequence[PointsRequest]
    ) -> dict[PointsRequest, Extremes]:
        """Every downsampled read's points in its range and its bucket extremes in order
        (``rules.bucket_extremes``): one or many series at a resolution."""
        ...

    async def last_points(
        self, session: AsyncSession, ranges: Sequence[Range]
    ) -> dict[Range, Point | None]:
        """The last stored point at or before each range's end."""
        ...

    async def points_page(
        self, session: AsyncSession, series_id: int, *, from_step: int, skip: int, limit: int
    ) -> list[Point]:
        """Stored points from ``from_step`` on, after the first ``skip``: a page of the raw
        history, exact when a step was logged several times."""
        ...


class _SharedReads:
    """The reads whose SQL is the same on both databases."""

    async def summaries(
        self, session: AsyncSession, experiment_ids: list[uuid.UUID], keys: list[str] | None
    ) -> dict[uuid.UUID, list[MetricSeries]]:
        query = select(MetricSeries).where(MetricSeries.experiment_id.in_(set(experiment_ids)))
        if keys is not None:
            query = query.where(MetricSeries.key.in_(set(keys)))
        result: dict[uuid.UUID, list[MetricSeries]] = {i: [] for i in experiment_ids}
        for row in (await session.scalars(query.order_by(MetricSeries.key))).all():
            result[row.experiment_id].append(row)
        return result


class SQLiteMetricStore(_SharedReads):
    """The rules run in Python; writes are ``executemany`` of precompiled statements,
    reads fold the rows of a few plain statements. Each point is a row of
    ``metric_points``."""

    name = "sqlite"

    async def last_points(
        self, session: AsyncSession, ranges: Sequence[Range]
    ) -> dict[Range, Point | None]:
        return await batched_sql.sqlite_last_points(session, ranges)

    async def points_page(
        self, session: AsyncSession, series_id: int, *, from_step: int, skip: int, limit: int
    ) -> list[Point]:
        return await batched_sql.sqlite_points_page(
            session, series_id, from_step=from_step, skip=skip, limit=limit
        )

    async def raw_points(
        self, session: AsyncSession, ranges: Sequence[Range]
    ) -> Mapping[Range, Sequence[Point]]:
        return await batched_sql.sqlite_raw_points(session, ranges)

    async def write_batch(
        self,
        session: AsyncSession,
        experiment_id: uuid.UUID,
        batch: MetricBatch,
        now: datetime,
        actor: User,
    ) -> int:
        return await store.write_batch(session, experiment_id, batch, now, actor)

    async def write_alone(
        self, db: Database, experiment_id: uuid.UUID, batch: MetricBatch, now: datetime, actor: User
    ) -> int:
        if not sqlite_thread.usable():
            async with db.unit_of_work() as session:
                return await self.write_batch(session, experiment_id, batch, now, actor)
        written = await self._in_driver_thread(db, experiment_id, batch, None, now, actor)
        return written.seq

    async def claim_and_write_alone(
        self,
        db: Database,
        experiment_id: uuid.UUID,
        batch: MetricBatch,
        batch_id: str,
        now: datetime,
        actor: User,
    ) -> store.Written | None:
        """One call to the driver's thread (``store.write_alone``), where aiosqlite is one
        ``app.sqlite_thread`` was written for."""
        if not sqlite_thread.usable():
            return None
        check_batch_id(batch_id)  # (the session path's claim checks it as it claims)
        return await self._in_driver_thread(db, experiment_id, batch, batch_id, now, actor)

    async def _in_driver_thread(
        self,
        db: Database,
        experiment_id: uuid.UUID,
        batch: MetricBatch,
        batch_id: str | None,
        now: datetime,
        actor: User,
    ) -> store.Written:
        written = await store.write_alone(db, experiment_id, batch, now, actor, batch_id)
        if written is None:  # nothing was written: say why
            async with db.reader() as session:
                await refuse(session, actor=actor, experiment_id=experiment_id, what="metrics")
        return written

    async def bucket_points(
        self, session: AsyncSession, requests: Sequence[PointsRequest]
    ) -> dict[PointsRequest, Extremes]:
        return await batched_sql.sqlite_bucket_points(session, requests)


class PostgresMetricStore(_SharedReads):
    """The rules run in PostgreSQL: a batch is one statement, a downsampled read one
    statement that returns the bucket extremes as arrays. The points are kept as
    ``metric_chunks`` (``pg_store``; ``batched_pg.stored_points`` reads them)."""

    name = "postgresql"

    async def last_points(
        self, session: AsyncSession, ranges: Sequence[Range]
    ) -> dict[Range, Point | None]:
        return await batched_sql.pg_last_points(session, ranges)

    async def points_page(
        self, session: AsyncSession, series_id: int, *, from_step: int, skip: int, limit: int
    ) -> list[Point]:
        return await batched_sql.pg_points_page(
            session, series_id, from_step=from_step, skip=skip, limit=limit
        )

    async def raw_points(
        self, session: AsyncSession, ranges: Sequence[Range]
    ) -> Mapping[Range, Sequence[Point]]:
        return await batched_sql.pg_raw_points(session, ranges)

    async def write_batch(
        self,
        session: AsyncSession,
        experiment_id: uuid.UUID,
        batch: MetricBatch,
        now: datetime,
        actor: User,
    ) -> int:
        seq = await pg_store.write_batch(session, experiment_id, batch, now, actor)
        if seq is None:
            await refuse(session, actor=actor, experiment_id=experiment_id, what="metrics")
        return seq

    async def write_alone(
        self, db: Database, experiment_id: uuid.UUID, batch: MetricBatch, now: datetime, actor: User
    ) -> int:
        """One statement outside any transaction (``pg_store.write_batch_alone``): one
        round trip instead of BEGIN, statement and COMMIT, and the experiment's row lock
        is released as the statement commits."""
        async with db.autocommit_driver() as connection:
            seq = await pg_store.write_batch_alone(connection, experiment_id, batch, now, actor)
        if seq is None:  # nothing was written: say why
            async with db.reader() as session:
                await refuse(session, actor=actor, experiment_id=experiment_id, what="metrics")
        return seq

    async def claim_and_write_alone(
        self,
        db: Database,
        experiment_id: uuid.UUID,
        batch: MetricBatch,
        batch_id: str,
        now: datetime,
        actor: User,
    ) -> store.Written | None:
        """None: the claim and the write go in a unit of work (``ingest_metrics``)."""
        return None

    async def bucket_points(
        self, session: AsyncSession, requests: Sequence[PointsRequest]
    ) -> dict[PointsRequest, Extremes]:
        return await batched_sql.pg_bucket_points(session, requests)


STORES: dict[str, MetricStore] = {
    "sqlite": SQLiteMetricStore(),
    "postgresql": PostgresMetricStore(),
}


def metric_store(dialect: str) -> MetricStore:
    """The store of a database dialect (chosen once, by ``Services``)."""
    return STORES[dialect]


def store_of(session: AsyncSession) -> MetricStore:
    """The store of a session's database, for callers not handed one (scripts, tests)."""
    return STORES[session.get_bind().dialect.name]
