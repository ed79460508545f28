"""Metric ingestion and summaries. One batch = one transaction: all of it or none."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.batch_ids import claim_batch_id
from app.db import Database
from app.errors import ValidationFailed
from app.experiments.activity import check_running_for_metrics, touch_running_for_metrics
from app.experiments.service import get_experiment
from app.metrics.batch import MAX_STEP, MetricBatch
from app.metrics.batched import SeriesRead, read_many
from app.metrics.history import MAX_POINTS_CAP, Point, Series, next_page
from app.metrics.stores import MetricStore, metric_store, store_of
from app.models import MetricSeries, User, metric_batches
from app.models.base import utcnow
from app.validation import check_batch_id, text_problem


class MetricMirror(Protocol):
    """Something that copies accepted batches elsewhere, inside the ingest transaction
    (the MLflow mirror's queue)."""

    async def on_metrics(
        self, session: AsyncSession, experiment_id: uuid.UUID, batch: MetricBatch
    ) -> None: ...


@dataclass(frozen=True)
class IngestResult:
    accepted: int
    duplicate: bool  # a retried batch_id: nothing was written this time
    seq: int = 0  # the batch's place among the experiment's accepted batches


async def ingest_metrics(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    batch: MetricBatch,
    batch_id: str | None = None,
    mirror: MetricMirror | None = None,
    store: MetricStore | None = None,
) -> IngestResult:
    """Write the batch, then touch the experiment (``MetricStore.write_batch``: concurrent
    batches of one run hold its row lock only from the touch to the commit, not through
    the write); a refusal at any step rolls the whole batch back with the unit of work.
    A ``batch_id`` is checked for first, so a refused batch claims nothing. ``store``: the
    one ``Services`` chose (by default the session's database's)."""
    now = utcnow()
    if batch_id is not None:
        check_batch_id(batch_id)
        await check_running_for_metrics(session, actor=actor, experiment_id=experiment_id)
        previous = await claim_batch_id(
            session, metric_batches, experiment_id, batch_id, len(batch), now
        )
        if previous is not None:
            await touch_running_for_metrics(
                session, actor=actor, experiment_id=experiment_id, now=now
            )
            return IngestResult(accepted=previous, duplicate=True)
    seq = await (store or store_of(session)).write_batch(session, experiment_id, batch, now, actor)
    if mirror is not None:
        await mirror.on_metrics(session, experiment_id, batch)
    return IngestResult(accepted=len(batch), duplicate=False, seq=seq)


async def ingest_metrics_alone(
    db: Database,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    batch: MetricBatch,
    batch_id: str | None = None,
    mirror: MetricMirror | None = None,
    store: MetricStore | None = None,
) -> IngestResult:
    """``ingest_metrics`` in a transaction of its own (what REST and GraphQL call). A
    batch with no ``batch_id`` and no mirror is the store's ``write_alone`` (on PostgreSQL
    one statement outside any transaction); one with a ``batch_id`` and no mirror its
    ``claim_and_write_alone`` where the store has one (SQLite: one call to the driver's
    thread); anything else goes through a unit of work."""
    chosen = store or metric_store(db.dialect)
    if batch_id is None and mirror is None:
        seq = await chosen.write_alone(db, experiment_id, batch, utcnow(), actor)
        return IngestResult(accepted=len(batch), duplicate=False, seq=seq)
    if mirror is None and batch_id is not None:
        written = await chosen.claim_and_write_alone(
            db, experiment_id, batch, batch_id, utcnow(), actor
        )
        if written is not None and written.previous is not None:
            return IngestResult(accepted=written.previous, duplicate=True)
        if written is not None:
            return IngestResult(accepted=len(batch), duplicate=False, seq=written.seq)
    async with db.unit_of_work() as session:
        return await ingest_metrics(
            session,
            actor=actor,
            experiment_id=experiment_id,
            batch=batch,
            batch_id=batch_id,
            mirror=mirror,
            store=chosen,
        )


async def summaries(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    keys: list[str] | None = None,
    store: MetricStore | None = None,
) -> list[MetricSeries]:
    await get_experiment(session, actor=actor, experiment_id=experiment_id)
    found = await summaries_by_experiment(session, [experiment_id], keys, store)
    return found.get(experiment_id, [])


async def summaries_by_experiment(
    session: AsyncSession,
    experiment_ids: list[uuid.UUID],
    keys: list[str] | None = None,
    store: MetricStore | None = None,
) -> dict[uuid.UUID, list[MetricSeries]]:
    """Summaries of many experiments in one query (for loaders), sorted by key."""
    return await (store or store_of(session)).summaries(session, experiment_ids, keys)


def check_history_args(
    max_points: int, step_from: int | None, step_to: int | None, key: str | None = None
) -> None:
    errors: dict[str, str] = {}
    if not 1 <= max_points <= MAX_POINTS_CAP:
        errors["maxPoints"] = f"must be 1-{MAX_POINTS_CAP}"
    if step_from is not None and not 0 <= step_from <= MAX_STEP:
        errors["stepFrom"] = f"must be 0-{MAX_STEP}"
    if step_to is not None and not 0 <= step_to <= MAX_STEP:
        errors["stepTo"] = f"must be 0-{MAX_STEP}"
    if key is not None and (problem := text_problem(key)):
        errors["key"] = problem
    if errors:
        raise ValidationFailed(errors)


async def series_of(
    session: AsyncSession,
    *,
    experiment_id: uuid.UUID,
    key: str,
    max_points: int = 1000,
    step_from: int | None = None,
    step_to: int | None = None,
    store: MetricStore | None = None,
) -> Series:
    """History of one key of an experiment the caller was already allowed to read (the
    history path: ``batched.read_many``)."""
    check_history_args(max_points, step_from, step_to, key)
    row = (
        await session.scalars(
            select(MetricSeries).where(
                MetricSeries.experiment_id == experiment_id, MetricSeries.key == key
            )
        )
    ).one_or_none()
    [series] = await read_many(
        session, [SeriesRead(row, key, max_points, step_from, step_to)], store
    )
    return series


@dataclass(frozen=True)
class RawPage:
    points: list[Point]
    # Where the next page starts: (from_step, skip), or None after the last point
    next: tuple[int, int] | None


async def raw_points(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    key: str,
    after: tuple[int, int] = (0, 0),
    limit: int = 1000,
    store: MetricStore | None = None,
) -> RawPage:
    """Every stored point of one key, a page at a time, as logged (no downsampling):
    ``after`` is the previous page's ``next``. A key never logged is an empty page."""
    await get_experiment(session, actor=actor, experiment_id=experiment_id)
    if problem := text_problem(key):
        raise ValidationFailed({"key": problem})
    from_step, skip = after
    series_id = await session.scalar(
        select(MetricSeries.id).where(
            MetricSeries.experiment_id == experiment_id, MetricSeries.key == key
        )
    )
    if series_id is None:
        return RawPage([], None)
    reader = store or store_of(session)
    points = await reader.points_page(
        session, series_id, from_step=from_step, skip=skip, limit=limit
    )
    if len(points) < limit:
        return RawPage(points, None)
    return RawPage(points, next_page(after, points))
