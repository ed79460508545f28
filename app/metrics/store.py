"""SQLite's metric writes (summaries, points, rollups) and the batch ids of both databases
(PostgreSQL's write: ``pg_store``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import dialect_insert
from app.experiments.activity import check_running_for_metrics, touch_running_for_metrics
from app.floats import stored_value
from app.metrics.batch import MetricBatch
from app.metrics.rules import (
    Aggregate,
    batch_summaries,
    rollup_merge,
    rollup_rows,
    summary_merge,
)
from app.models import MetricSeries, User, metric_points, metric_rollups

CHUNK_ROWS = 1000
T = TypeVar("T")


def _chunks(rows: Sequence[T], size: int = CHUNK_ROWS) -> Iterable[Sequence[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def write_batch(
    session: AsyncSession, experiment_id: uuid.UUID, batch: MetricBatch, now: datetime, actor: User
) -> int:
    """SQLite's write of a batch (``stores.SQLiteMetricStore``): the check that ``actor``
    may log to the RUNNING experiment, its summaries, points and rollups computed by
    ``app.metrics.rules``, then the experiment's activity touch; returns the batch's
    sequence number, or refuses (NOT_FOUND, FORBIDDEN or INVALID_TRANSITION) having
    written nothing."""
    await check_running_for_metrics(session, actor=actor, experiment_id=experiment_id)
    ids = await upsert_series(session, experiment_id, batch, now)
    series_ids = [ids[key] for key in batch.keys]
    times = driver_times(session, batch)
    await insert_points(session, series_ids, batch, times)
    await upsert_rollups(session, series_ids, batch, times)
    return await touch_running_for_metrics(
        session, actor=actor, experiment_id=experiment_id, now=now
    )


async def upsert_series(
    session: AsyncSession, experiment_id: uuid.UUID, batch: MetricBatch, now: datetime
) -> dict[str, int]:
    """Fold the batch into each key's summary; return the series id of every key."""
    summaries = list(batch_summaries(batch).values())
    rows = [{**row, "experiment_id": experiment_id, "updated_at": now} for row in summaries]
    table = MetricSeries.__table__
    statement = dialect_insert(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=["experiment_id", "key"],
        set_=summary_merge(table, statement.excluded),
    ).returning(table.c.id, table.c.key)
    ids: dict[str, int] = {}
    for chunk in _chunks(rows):
        for series_id, key in (await session.execute(statement, list(chunk))).all():
            ids[key] = int(series_id)
    return ids


def _compiled(
    session: AsyncSession, statement: Any, columns: Sequence[str]
) -> tuple[str, list[str]]:
    """``statement`` as the dialect's SQL text with one placeholder per column, and the
    columns in placeholder order; compiled once per statement and dialect."""
    dialect = session.get_bind().dialect
    key = (id(statement), dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        compiled = statement.compile(dialect=dialect, column_keys=list(columns))
        found = _COMPILED[key] = (compiled.string, list(compiled.positiontup or ()))
    return found


_COMPILED: dict[tuple[int, str], tuple[str, list[str]]] = {}


async def _executemany(
    session: AsyncSession,
    statement: Any,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """Run ``statement`` once per row (tuples in ``columns`` order) through the driver's
    ``executemany``: SQLAlchemy neither compiles it again nor processes each row's
    parameters (that per-row work cost more than SQLite's insert itself). The values must
    already be what the driver takes (``driver_times`` for timestamps)."""
    sql, order = _compiled(session, statement, columns)
    if list(columns) != order:
        raise AssertionError(f"placeholders in order {order}, columns given {columns}")
    connection = await session.connection()
    for chunk in _chunks(rows):
        await connection.exec_driver_sql(sql, list(chunk))


def driver_times(session: AsyncSession, batch: MetricBatch) -> list[Any]:
    """The batch's timestamps as the driver stores them: on SQLite the text SQLAlchemy's
    ``DATETIME`` writes (UTC, ``YYYY-MM-DD HH:MM:SS.ffffff``), elsewhere the datetimes."""
    if session.get_bind().dialect.name != "sqlite":
        return batch.timestamps
    if batch.epoch_ms is None:
        return [
            stamp.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
            for stamp in batch.timestamps
        ]
    seconds = _SecondTexts()  # points of one batch share few seconds: format each once
    millis = _MILLI_TEXTS
    return [seconds[ms // 1000] + millis[ms % 1000] for ms in batch.epoch_ms]


class _SecondTexts(dict[int, str]):
    """Epoch seconds → ``YYYY-MM-DD HH:MM:SS`` (UTC), each formatted when first asked."""

    def __missing__(self, second: int) -> str:
        text = self[second] = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%d %H:%M:%S")
        return text


_MILLI_TEXTS = [f".{milli:03d}000" for milli in range(1000)]  # the fraction, in microseconds


POINT_COLUMNS = ("series_id", "step", "value", "timestamp")
INSERT_POINT = metric_points.insert()


async def insert_points(
    session: AsyncSession, series_ids: list[int], batch: MetricBatch, times: list[Any]
) -> None:
    """Raw points, by the driver's ``executemany`` (``times``: ``driver_times``)."""
    values = [stored_value(value) for value in batch.values]
    rows = list(zip(series_ids, batch.steps, values, times, strict=True))
    await _executemany(session, INSERT_POINT, POINT_COLUMNS, rows)


def _rollup_row(key: tuple[int, int, int], agg: Aggregate) -> tuple[Any, ...]:
    """One row of ``metric_rollups``, its columns in the table's order."""
    series_id, level, bucket = key
    return (
        series_id,
        level,
        bucket,
        agg.count,
        agg.min_value,
        agg.min_step,
        agg.min_timestamp,
        agg.max_value,
        agg.max_step,
        agg.max_timestamp,
    )


ROLLUP_COLUMNS = tuple(column.name for column in metric_rollups.c)


def _rollup_upsert(insert: Any) -> Any:
    """Merge a batch's rollup rows into the stored ones (``rules.rollup_merge``)."""
    return insert.on_conflict_do_update(
        index_elements=["series_id", "level", "bucket"],
        set_=rollup_merge(metric_rollups, insert.excluded),
    )


UPSERT_ROLLUP = {
    "sqlite": _rollup_upsert(sqlite.insert(metric_rollups)),
    "postgresql": _rollup_upsert(postgresql.insert(metric_rollups)),
}


async def upsert_rollups(
    session: AsyncSession, series_ids: list[int], batch: MetricBatch, times: list[Any]
) -> None:
    """The batch's rollup rows merged into the stored ones (``times``: ``driver_times``)."""
    aggregates = rollup_rows(series_ids, batch.steps, batch.values, times)
    rows = [_rollup_row(key, agg) for key, agg in aggregates.items()]
    statement = UPSERT_ROLLUP[session.get_bind().dialect.name]
    await _executemany(session, statement, ROLLUP_COLUMNS, rows)
