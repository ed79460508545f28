"""The statements of ``app.metrics.batched``: each reads one kind of range for many series.

The ranges travel as one relation ``r`` (column ``i`` numbers them, so every answer row
says which range it belongs to): ``unnest`` of arrays on PostgreSQL, so the statement text
is the same for any number of ranges (and its plan is cached); a ``VALUES`` CTE on
SQLite, ``SQLITE_CHUNK`` ranges per statement.

On PostgreSQL the statements that feed downsampling return one row per output bucket,
so Python handles a few rows per bucket instead of every point or rollup row. A bucket's
minimum is ``min(ARRAY[value, step, µs since the epoch])`` (arrays compare element by
element, so equal values go to the earliest step) and its maximum
``max(ARRAY[value, -step, µs])``: one pass with no sort per group, about twice as fast as
``array_agg(… ORDER BY …)[1]``. Steps and microsecond times are exact in a float8 below
2**53 (steps up to 9e15, times up to the year 2255). SQLite returns the rows and Python
folds them the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    FromClause,
    Select,
    and_,
    bindparam,
    cast,
    column,
    extract,
    func,
    select,
    values,
)
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.ext.asyncio import AsyncSession

from app.metrics.history import Point, _value
from app.metrics.rollups import Aggregate, level_width
from app.models import metric_points, metric_rollups

# Ranges per statement on SQLite (4-7 parameters each, below its 32766-parameter limit)
SQLITE_CHUNK = 2000

Range = tuple[int, int, int]  # series id, first step, last step (inclusive)
FoldRange = tuple[int, int, int, int]  # series id, first step, last step, output width
RollupRange = tuple[int, int, int, int, int]  # series id, level, first, last, output width
Buckets = list[tuple[int, Aggregate]]  # (output bucket, its aggregate), several per bucket
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _relation(
    session: AsyncSession, names: Sequence[str], rows: Sequence[Sequence[int]]
) -> FromClause:
    numbered = [(index, *row) for index, row in enumerate(rows)]
    columns = ["i", *names]
    typed = [column(name, BigInteger) for name in columns]
    if is_postgresql(session):
        arrays = [
            bindparam(f"r_{name}", [row[at] for row in numbered], type_=ARRAY(BigInteger))
            for at, name in enumerate(columns)
        ]
        return func.unnest(*arrays).table_valued(*typed).render_derived(name="r")
    return values(*typed, name="r").data(numbered).cte("r")


def _chunks(session: AsyncSession, ranges: Sequence[Any]) -> list[Sequence[Any]]:
    if is_postgresql(session):
        return [ranges] if ranges else []
    return [ranges[at : at + SQLITE_CHUNK] for at in range(0, len(ranges), SQLITE_CHUNK)]


def _extremes(value: Any, step: Any, stamp: Any, wanted: ColumnElement[bool]) -> tuple[Any, Any]:
    """The lowest and highest ``value`` among the rows where ``wanted``, with their step
    and time, as ``[value, step, µs]`` and ``[value, -step, µs]`` (see the module)."""
    micros = cast(extract("epoch", stamp) * 1_000_000, Float)
    as_float = cast(step, Float)
    low = func.min(array([value, as_float, micros], type_=Float)).filter(wanted)
    high = func.max(array([value, -as_float, micros], type_=Float)).filter(wanted)
    return low, high


def _aggregate(count: int, low: list[float] | None, high: list[float] | None) -> Aggregate:
    """An ``Aggregate`` from a count and the arrays of ``_extremes``."""
    aggregate = Aggregate(int(count))
    if low is not None:
        aggregate.min_value, aggregate.min_step = low[0], int(low[1])
        aggregate.min_timestamp = EPOCH + timedelta(microseconds=int(low[2]))
    if high is not None:
        aggregate.max_value, aggregate.max_step = high[0], -int(high[1])
        aggregate.max_timestamp = EPOCH + timedelta(microseconds=int(high[2]))
    return aggregate


def _points_join(r: FromClause) -> Any:
    p = metric_points.c
    return and_(p.series_id == r.c.s, p.step >= r.c.lo, p.step <= r.c.hi)


async def raw_points(session: AsyncSession, ranges: Sequence[Range]) -> dict[Range, list[Point]]:
    """The stored points of every range, in step order."""
    found: dict[Range, list[Point]] = {r: [] for r in ranges}
    for chunk in _chunks(session, [r for r in found if r[1] <= r[2]]):
        r = _relation(session, ("s", "lo", "hi"), chunk)
        p = metric_points.c
        query = (
            select(r.c.i, p.step, p.value, p.timestamp)
            .select_from(r.join(metric_points, _points_join(r)))
            .order_by(r.c.i, p.step)
        )
        for index, step, value, stamp in await session.execute(query):
            found[chunk[index]].append(Point(step, _value(value), stamp))
    return found


def _grouped_points_query(r: FromClause) -> Select[Any]:
    p = metric_points.c
    idx = (p.step // r.c.width).label("idx")
    finite = p.value.between(-sys.float_info.max, sys.float_info.max)  # not NaN (NULL) or ±inf
    return (
        select(r.c.i, idx, func.count(), *_extremes(p.value, p.step, p.timestamp, finite))
        .select_from(r.join(metric_points, _points_join(r)))
        .group_by(r.c.i, idx)
    )


async def folded_points(
    session: AsyncSession, ranges: Sequence[FoldRange]
) -> dict[FoldRange, Buckets]:
    """The stored points of every range as output buckets (``step // width``)."""
    found: dict[FoldRange, Buckets] = {r: [] for r in ranges}
    fold = _fold_grouped if is_postgresql(session) else _fold_rows
    for chunk in _chunks(session, [r for r in found if r[1] <= r[2]]):
        r = _relation(session, ("s", "lo", "hi", "width"), chunk)
        for index, buckets in (await fold(session, r)).items():
            found[chunk[index]] = buckets
    return found


async def _fold_grouped(session: AsyncSession, r: FromClause) -> dict[int, Buckets]:
    found: dict[int, Buckets] = {}
    for index, bucket, count, low, high in await session.execute(_grouped_points_query(r)):
        found.setdefault(index, []).append((int(bucket), _aggregate(count, low, high)))
    return found


async def _fold_rows(session: AsyncSession, r: FromClause) -> dict[int, Buckets]:
    p = metric_points.c
    query = (
        select(r.c.i, p.step, p.value, p.timestamp, r.c.width)
        .select_from(r.join(metric_points, _points_join(r)))
        .order_by(r.c.i, p.step)
    )
    folded: dict[tuple[int, int], Aggregate] = {}
    for index, step, value, stamp, width in await session.execute(query):
        key = (index, step // width)
        aggregate = folded.get(key)
        if aggregate is None:
            aggregate = folded[key] = Aggregate()
        aggregate.add(step, _value(value), stamp)
    found: dict[int, Buckets] = {}
    for (index, bucket), aggregate in folded.items():
        found.setdefault(index, []).append((bucket, aggregate))
    return found


def _rollups_join(r: FromClause) -> Any:
    m = metric_rollups.c
    return and_(
        m.series_id == r.c.s, m.level == r.c.level, m.bucket >= r.c.first, m.bucket <= r.c.last
    )


def _rollups_query(r: FromClause, grouped: bool) -> Select[Any]:
    m = metric_rollups.c
    idx = ((m.bucket * r.c.rollup) // r.c.width).label("idx")
    join = r.join(metric_rollups, _rollups_join(r))
    if not grouped:
        extremes = [m.min_value, m.min_step, m.min_timestamp]
        extremes += [m.max_value, m.max_step, m.max_timestamp]
        return select(r.c.i, idx, m.count, *extremes).select_from(join).order_by(r.c.i, m.bucket)
    low, _ = _extremes(m.min_value, m.min_step, m.min_timestamp, m.min_value.is_not(None))
    _, high = _extremes(m.max_value, m.max_step, m.max_timestamp, m.max_value.is_not(None))
    return select(r.c.i, idx, func.sum(m.count), low, high).select_from(join).group_by(r.c.i, idx)


async def folded_rollups(
    session: AsyncSession, ranges: Sequence[RollupRange]
) -> dict[RollupRange, Buckets]:
    """Rollup aggregates of every range, keyed by output bucket (``step // width``)."""
    found: dict[RollupRange, Buckets] = {r: [] for r in ranges}
    names = ("s", "level", "first", "last", "rollup", "width")
    for chunk in _chunks(session, list(found)):
        rows = [(s, lv, first, last, level_width(lv), w) for s, lv, first, last, w in chunk]
        grouped = is_postgresql(session)
        query = _rollups_query(_relation(session, names, rows), grouped)
        for index, bucket, count, *extremes in await session.execute(query):
            aggregate = _aggregate(count, *extremes) if grouped else Aggregate(count, *extremes)
            found[chunk[index]].append((int(bucket), aggregate))
    return found


async def last_points(session: AsyncSession, ranges: Sequence[Range]) -> dict[Range, Point | None]:
    """The last stored point at or before each range's end."""
    found: dict[Range, Point | None] = {r: None for r in ranges}
    for chunk in _chunks(session, list(found)):
        r = _relation(session, ("s", "lo", "hi"), chunk)
        p = metric_points.c
        inner = metric_points.alias("q")
        last_step = (
            select(inner.c.step)
            .where(inner.c.series_id == r.c.s, inner.c.step <= r.c.hi)
            .order_by(inner.c.step.desc())
            .limit(1)
            .scalar_subquery()
        )
        query = select(r.c.i, p.step, p.value, p.timestamp).select_from(
            r.join(metric_points, and_(p.series_id == r.c.s, p.step == last_step))
        )
        for index, step, value, stamp in await session.execute(query):
            found[chunk[index]] = Point(step, _value(value), stamp)
    return found
