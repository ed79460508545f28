"""SQLite's metric writes (summaries, points, rollups) and the batch ids of both databases
(PostgreSQL's write: ``pg_store``)."""

from __future__ import annotations

import functools
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import chain
from typing import Any, NamedTuple, TypeVar, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import actor_params, running_and_actable
from app.db import Database, dialect_insert
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
from app.sqlite_thread import in_driver_thread

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
    return sqlite_times(batch)


def sqlite_times(batch: MetricBatch) -> list[str]:
    """``driver_times`` on SQLite."""
    if batch.epoch_ms is None:
        return [sqlite_time(stamp) for stamp in batch.timestamps]
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


# --- SQLite: a whole batch in one turn of the driver's thread --------------------------------
#
# aiosqlite runs each call (cursor, execute, fetch, close, commit) as a hand-off to its
# thread and back, ~30 of them for a batch through the session; on a busy machine each
# costs a wake-up of two threads. ``write_alone`` hands the driver's thread one function
# that runs the whole transaction on the ``sqlite3`` connection (``app.sqlite_thread``, the
# pinned boundary around aiosqlite's internals; where it does not hold, the store writes
# through a unit of work). tests/metrics/test_sqlite_write.py holds its rows to the
# session path's.

# The touch (``_touch``'s UPDATE with ``experiment_actable`` as ``running_and_actable``):
# ?1 the experiment, ?2 now, then ``actor_params``. tests/metrics/test_touch.py holds the
# write to the touch's answers for every role.
SQLITE_TOUCH = f"""
UPDATE experiments SET metric_seq = metric_seq + 1, updated_at = ?2, last_activity_at = ?2
WHERE id = ?1 AND EXISTS (
  SELECT 1 FROM experiments AS e WHERE {running_and_actable("?1", "?3", "?4", "?5")})
RETURNING metric_seq
"""
# The experiment exists once the touch matched: the claim needs no INSERT … SELECT
SQLITE_CLAIM = """
INSERT INTO metric_batches (experiment_id, batch_id, accepted, created_at)
VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING accepted
"""
SQLITE_CLAIMED = "SELECT accepted FROM metric_batches WHERE experiment_id = ? AND batch_id = ?"

# Every column of ``metric_series`` but its id: the experiment, ``batch_summaries``'s
# statistics and the time of the write
SERIES_COLUMNS = tuple(
    column.name for column in MetricSeries.__table__.columns if column.name != "id"
)


def _series_upsert() -> Any:
    table = cast(Table, MetricSeries.__table__)
    statement = sqlite.insert(table)
    return statement.on_conflict_do_update(
        index_elements=["experiment_id", "key"],
        set_=summary_merge(table, statement.excluded),
    ).returning(table.c.id)


def _sqlite_sql(statement: Any, columns: Sequence[str]) -> str:
    """``statement`` as SQLite's SQL with one ``?`` per column, in ``columns`` order."""
    compiled = statement.compile(dialect=sqlite.dialect(), column_keys=list(columns))
    order = list(compiled.positiontup or ())
    if order != list(columns):
        raise AssertionError(f"placeholders in order {order}, columns given {columns}")
    return str(compiled.string)


SQLITE_SERIES = _sqlite_sql(_series_upsert(), SERIES_COLUMNS)
SQLITE_POINT = _sqlite_sql(INSERT_POINT, POINT_COLUMNS)
SQLITE_ROLLUP = _sqlite_sql(UPSERT_ROLLUP["sqlite"], ROLLUP_COLUMNS)


def sqlite_time(stamp: datetime) -> str:
    """A timestamp as SQLAlchemy's ``DATETIME`` stores it on SQLite (``driver_times``)."""
    return stamp.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


# Rows per INSERT of ``_insert_rows`` (10 columns x 200 stays far below SQLite's limit of
# 32,766 parameters)
ROWS_PER_INSERT = 200


@functools.cache
def _multi_row(sql: str, rows: int) -> str:
    """``sql`` (one ``VALUES (?, …)``) with ``rows`` rows of placeholders."""
    start = sql.index("VALUES (") + len("VALUES ")
    one = sql[start : sql.index(")", start) + 1]
    return sql[:start] + ", ".join([one] * rows) + sql[start + len(one) :]


def _insert_rows(cursor: sqlite3.Cursor, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """``sql`` (an INSERT of one row, perhaps with ON CONFLICT) for each of ``rows``, as
    multi-row INSERTs: SQLite steps once per statement instead of once per row, half the
    CPU of ``executemany`` for a batch's points."""
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start : start + ROWS_PER_INSERT]
        cursor.execute(_multi_row(sql, len(chunk)), list(chain.from_iterable(chunk)))


class Written(NamedTuple):
    seq: int  # the experiment's metric_seq after the touch
    previous: int | None  # a repeated batch_id: the count it was first accepted with


def _series_rows(batch: MetricBatch, hex_id: str, now_text: str) -> list[tuple[Any, ...]]:
    """Each key's summary of the batch as a row of ``SQLITE_SERIES``."""
    rows = []
    for summary in batch_summaries(batch).values():
        row = {
            **summary,
            "experiment_id": hex_id,
            "last_timestamp": sqlite_time(summary["last_timestamp"]),
            "updated_at": now_text,
        }
        rows.append(tuple(row[name] for name in SERIES_COLUMNS))
    return rows


def _sqlite_transaction(
    connection: sqlite3.Connection,
    touch: tuple[Any, ...],
    claim: tuple[Any, ...] | None,
    batch: MetricBatch,
) -> Written | None:
    """Runs in the driver's thread, the rows' Python work included (off the event loop):
    BEGIN IMMEDIATE, the touch (None, rolled back, when it matches nothing), the claim,
    the summaries, points and rollups, COMMIT; any error rolls it all back."""
    hex_id, now_text = touch[0], touch[1]
    times = sqlite_times(batch)
    series = _series_rows(batch, hex_id, now_text)
    cursor = connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
        found = cursor.execute(SQLITE_TOUCH, touch).fetchone()
        if found is None:
            cursor.execute("ROLLBACK")
            return None
        seq = int(found[0])
        if claim is not None and cursor.execute(SQLITE_CLAIM, claim).fetchone() is None:
            previous = cursor.execute(SQLITE_CLAIMED, claim[:2]).fetchone()[0]
            cursor.execute("COMMIT")
            return Written(seq, int(previous))
        ids = {row[1]: int(cursor.execute(SQLITE_SERIES, row).fetchone()[0]) for row in series}
        keys = batch.keys
        series_ids = [ids[keys[0]]] * len(keys) if len(ids) == 1 else [ids[k] for k in keys]
        values = [stored_value(value) for value in batch.values]
        points = list(zip(series_ids, batch.steps, values, times, strict=True))
        _insert_rows(cursor, SQLITE_POINT, points)
        aggregates = rollup_rows(series_ids, batch.steps, batch.values, times)
        _insert_rows(cursor, SQLITE_ROLLUP, [_rollup_row(k, a) for k, a in aggregates.items()])
        cursor.execute("COMMIT")
        return Written(seq, None)
    except BaseException:
        if connection.in_transaction:
            connection.rollback()
        raise
    finally:
        cursor.close()


async def write_alone(
    db: Database,
    experiment_id: uuid.UUID,
    batch: MetricBatch,
    now: datetime,
    actor: User,
    batch_id: str | None = None,
) -> Written | None:
    """SQLite's ``write_batch`` (with ``batch_id``'s claim, ``claim_batch_id``) in a
    transaction of its own, run by the driver's thread in one call: the sequence number
    and, for a repeated ``batch_id``, its first count; None when the touch matched nothing
    (the caller refuses) having written nothing."""
    hex_id = experiment_id.hex
    now_text = sqlite_time(now)
    sees_all, actor_id, is_tl = actor_params(actor)
    touch = (hex_id, now_text, int(sees_all), actor_id.hex, int(is_tl))
    claim = None if batch_id is None else (hex_id, batch_id, len(batch), now_text)
    async with db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        written: Written | None = await in_driver_thread(
            raw.driver_connection, _sqlite_transaction, touch, claim, batch
        )
        return written
