"""The reference history read of one series, statement by statement (what the history
path, ``app.metrics.batched.read_many``, must answer read for read): the stored points
when they fit, else the output buckets of ``rules.bucketing`` folded from the raw edges
and the rollup rows (merged in SQL on PostgreSQL), each bucket's extremes, the last point.
"""

from __future__ import annotations

import math

from sqlalchemy import and_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.metrics.history import Point, Series
from app.metrics.rules import Aggregate, bucket_width, level_width, pick_level
from app.models import MetricSeries, metric_rollups
from tests.metrics.stored import stored_points


def _value(stored: float | None) -> float:
    return math.nan if stored is None else float(stored)


async def _raw(
    session: AsyncSession, series_id: int, lo: int, hi: int, limit: int | None = None
) -> list[Point]:
    points = [
        Point(step, _value(value), stamp)
        for step, value, stamp in (await stored_points(session, [series_id]))[series_id]
        if lo <= step <= hi
    ]
    return points if limit is None else points[:limit]


async def _last_point(session: AsyncSession, series: MetricSeries, hi: int) -> Point | None:
    if series.last_step is not None and series.last_timestamp and hi >= series.last_step:
        return Point(series.last_step, _value(series.last_value), series.last_timestamp)
    before = await _raw(session, series.id, 0, hi)
    return before[-1] if before else None


async def _rollups(
    session: AsyncSession, series_id: int, level: int, first: int, last: int
) -> list[tuple[int, Aggregate]]:
    """Rollup buckets ``first..last`` (inclusive) of one level."""
    table = metric_rollups
    query = (
        select(
            table.c.bucket,
            table.c.count,
            table.c.min_value,
            table.c.min_step,
            table.c.min_timestamp,
            table.c.max_value,
            table.c.max_step,
            table.c.max_timestamp,
        )
        .where(
            and_(
                table.c.series_id == series_id,
                table.c.level == level,
                table.c.bucket >= first,
                table.c.bucket <= last,
            )
        )
        .order_by(table.c.bucket)
    )
    return [
        (int(bucket), Aggregate(count, mn, mn_step, mn_ts, mx, mx_step, mx_ts))
        for bucket, count, mn, mn_step, mn_ts, mx, mx_step, mx_ts in await session.execute(query)
    ]


# PostgreSQL folds the rollup rows into output buckets itself: one row per output bucket
# comes back instead of ~16, which is most of the cost of a long read.
_GROUPED_SQL = text(
    """
    SELECT (bucket * :rollup) / :width AS idx,
           sum(count),
           (array_agg(min_value ORDER BY min_value) FILTER (WHERE min_value IS NOT NULL))[1],
           (array_agg(min_step ORDER BY min_value) FILTER (WHERE min_value IS NOT NULL))[1],
           (array_agg(min_timestamp ORDER BY min_value)
               FILTER (WHERE min_value IS NOT NULL))[1],
           (array_agg(max_value ORDER BY max_value DESC)
               FILTER (WHERE max_value IS NOT NULL))[1],
           (array_agg(max_step ORDER BY max_value DESC) FILTER (WHERE max_value IS NOT NULL))[1],
           (array_agg(max_timestamp ORDER BY max_value DESC)
               FILTER (WHERE max_value IS NOT NULL))[1]
    FROM metric_rollups
    WHERE series_id = :series_id AND level = :level AND bucket BETWEEN :first AND :last
    GROUP BY idx
    ORDER BY idx
    """
)


async def _grouped_rollups(
    session: AsyncSession,
    series_id: int,
    level: int,
    first: int,
    last: int,
    width: int,
) -> list[tuple[int, Aggregate]]:
    """Rollup buckets ``first..last`` already merged per output bucket (``step // width``)."""
    if session.get_bind().dialect.name != "postgresql":
        rollup = level_width(level)
        merged: dict[int, Aggregate] = {}
        for bucket, aggregate in await _rollups(session, series_id, level, first, last):
            merged.setdefault(bucket * rollup // width, Aggregate()).merge(aggregate)
        return list(merged.items())
    params = {
        "rollup": level_width(level),
        "width": width,
        "series_id": series_id,
        "level": level,
        "first": first,
        "last": last,
    }
    rows = await session.execute(_GROUPED_SQL, params)
    return [
        (int(idx), Aggregate(int(count), mn, mn_step, mn_ts, mx, mx_step, mx_ts))
        for idx, count, mn, mn_step, mn_ts, mx, mx_step, mx_ts in rows
    ]


def _extremes(aggregate: Aggregate) -> list[Point]:
    if aggregate.min_value is None or aggregate.max_value is None:
        return []
    assert aggregate.min_step is not None and aggregate.max_step is not None
    assert aggregate.min_timestamp is not None and aggregate.max_timestamp is not None
    low = Point(aggregate.min_step, aggregate.min_value, aggregate.min_timestamp)
    high = Point(aggregate.max_step, aggregate.max_value, aggregate.max_timestamp)
    if low.step == high.step and low.value == high.value:
        return [low]
    return [low, high] if (low.step, 0) <= (high.step, 1) else [high, low]


async def _bucketed(
    session: AsyncSession, series_id: int, lo: int, hi: int, width: int
) -> tuple[dict[int, Aggregate], int]:
    """Output buckets (``step // width``) over [lo, hi], and the number of points in it."""
    buckets: dict[int, Aggregate] = {}
    total = 0

    def fold(index: int, aggregate: Aggregate) -> None:
        nonlocal total
        total += aggregate.count
        target = buckets.get(index)
        if target is None:
            buckets[index] = target = Aggregate()
        target.merge(aggregate)

    def fold_raw(points: list[Point]) -> None:
        for point in points:
            single = Aggregate()
            single.add(point.step, point.value, point.timestamp)
            fold(point.step // width, single)

    level = pick_level(width)
    if level is None:
        fold_raw(await _raw(session, series_id, lo, hi))
        return buckets, total
    rollup = level_width(level)
    first_full = -(-lo // rollup)  # the first rollup bucket that starts at or after lo
    end_full = (hi + 1) // rollup  # rollup buckets before this one end at or before hi
    if first_full >= end_full:
        fold_raw(await _raw(session, series_id, lo, hi))
        return buckets, total
    fold_raw(await _raw(session, series_id, lo, first_full * rollup - 1))
    grouped = await _grouped_rollups(session, series_id, level, first_full, end_full - 1, width)
    for index, aggregate in grouped:
        fold(index, aggregate)
    fold_raw(await _raw(session, series_id, end_full * rollup, hi))
    return buckets, total


async def read_series(
    session: AsyncSession,
    series: MetricSeries | None,
    *,
    key: str,
    max_points: int,
    step_from: int | None = None,
    step_to: int | None = None,
) -> Series:
    if series is None or series.count == 0 or series.last_step is None:
        return Series(key, [], 0, False)
    lo = max(step_from if step_from is not None else 0, series.first_step or 0)
    hi = min(step_to if step_to is not None else series.last_step, series.last_step)
    if lo > hi:
        return Series(key, [], 0, False)
    whole = lo <= (series.first_step or 0) and hi >= series.last_step
    if whole and series.count <= max_points:
        return Series(key, await _raw(session, series.id, lo, hi), series.count, False)
    target = max(1, (max_points - 3) // 2)
    width = bucket_width(lo, hi, target)
    buckets, total = await _bucketed(session, series.id, lo, hi, width)
    if total <= max_points:
        return Series(key, await _raw(session, series.id, lo, hi), total, False)
    last = await _last_point(session, series, hi)
    return Series(key, _assemble(buckets, last, max_points), total, True)


def _assemble(buckets: dict[int, Aggregate], last: Point | None, max_points: int) -> list[Point]:
    points: list[Point] = []
    if max_points >= 5:
        for index in sorted(buckets):
            points.extend(_extremes(buckets[index]))
    else:  # too few points for per-bucket extremes: the overall min and max, then the last
        overall = Aggregate()
        for aggregate in buckets.values():
            overall.merge(aggregate)
        points = _extremes(overall)[: max(0, max_points - 1)]
    if last is not None:
        points = [p for p in points if p.step < last.step]
        points.append(last)
    return points[-max_points:]
