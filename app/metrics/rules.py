"""The metric rules, each written once in Python: a batch's summary per key, the rollup
levels and their buckets, and the bucketing of a downsampled read (finiteness and NaN's
storage are the float rules of ``app.floats``).

The PostgreSQL store computes the same rules in SQL (``app.metrics.pg_store``'s write,
``app.metrics.batched_pg``'s read); ``tests/metrics/test_rules_pg.py`` checks that both
agree on random series. The SQLite store runs these functions and the merge expressions
below (``summary_merge``, ``rollup_merge``) as its upserts.

Rollup level ``n`` (1…8) groups steps into buckets ``16**n`` steps wide. A downsampled
read picks the coarsest level finer than the bucket it wants, so it reads at most ~16
rollup rows per output bucket whatever the length of the series.

A summary statistic (the mean is one) is added in this module: its rule in
``batch_summaries`` (per batch), ``summary_merge`` (into the stored row; the mean keeps a
sum and a count of finite values), ``summary_statistics`` (what REST and GraphQL show) and
``STATISTICS`` (its description in REST's OpenAPI document and the GraphQL schema); and
outside it: the same in ``pg_store.WRITE_BATCH`` (the per-batch figure as a parameter,
like ``key_sums``, or in SQL; the merge in SQL), a column of ``metric_series`` (the model
and a migration) and a field of the GraphQL type ``schema.metrics.types.MetricSummary``.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import case

from app.floats import all_finite, finite_or_none, is_finite, read_value, stored_value

if TYPE_CHECKING:
    from app.metrics.batch import MetricBatch

# --- a batch's summary per key ---------------------------------------------------------------


def batch_summaries(batch: MetricBatch) -> dict[str, dict[str, Any]]:
    """Each key's summary of the batch (the columns of ``metric_series``): count, first
    step, the point at the highest step (the batch's last one on a tie), the finite
    minimum and maximum (None when no value is finite), and the sum and count of the
    finite values (``finite_sum``). Works per key on whole columns, so the per-point work
    is in C."""
    summary: dict[str, dict[str, Any]] = {}
    for key, positions in batch.positions_by_key().items():
        if isinstance(positions, range):
            steps, values = batch.steps, batch.values
        else:
            steps = [batch.steps[index] for index in positions]
            values = [batch.values[index] for index in positions]
        top = max(steps)
        last = len(steps) - 1 - steps[::-1].index(top)
        finite = _finite(values)
        value_sum, finite_count = finite_sum(finite)
        summary[key] = {
            "key": key,
            "count": len(steps),
            "first_step": min(steps),
            "last_step": top,
            "last_value": stored_value(values[last]),
            "last_timestamp": batch.timestamp_at(positions[last]),
            "min_value": min(finite) if finite else None,
            "max_value": max(finite) if finite else None,
            "value_sum": value_sum,
            "finite_count": finite_count,
        }
    return summary


def _finite(values: list[float]) -> list[float]:
    return values if all_finite(values) else [v for v in values if is_finite(v)]


def finite_sum(finite: list[float]) -> tuple[float, int]:
    """The sum and the number of finite values (the mean's parts)."""
    return sum(finite, 0.0), len(finite)


def key_sums(batch: MetricBatch) -> tuple[list[float], list[int]]:
    """``finite_sum`` of each key's values, the keys in the order they first appear (the
    PostgreSQL store's per-batch figures, merged there in SQL)."""
    sums: list[float] = []
    counts: list[int] = []
    values = batch.values
    for positions in batch.positions_by_key().values():
        mine = values if isinstance(positions, range) else [values[at] for at in positions]
        value_sum, count = finite_sum(_finite(mine))
        sums.append(value_sum)
        counts.append(count)
    return sums, counts


def _least(old: Any, new: Any) -> Any:
    return case((old.is_(None), new), (new.is_(None), old), (new < old, new), else_=old)


def _greatest(old: Any, new: Any) -> Any:
    return case((old.is_(None), new), (new.is_(None), old), (new > old, new), else_=old)


def summary_merge(table: Any, new: Any) -> dict[str, Any]:
    """A stored summary (``table``'s columns) merged with a batch's (``new``, an upsert's
    ``excluded``): counts add up, the earlier first step, the point at the higher last
    step (the batch's on a tie), the lower minimum and the higher maximum, sums and
    counts of finite values added."""
    newer = new.last_step >= table.c.last_step
    return {
        "count": table.c.count + new.count,
        "first_step": _least(table.c.first_step, new.first_step),
        "last_step": case((newer, new.last_step), else_=table.c.last_step),
        "last_value": case((newer, new.last_value), else_=table.c.last_value),
        "last_timestamp": case((newer, new.last_timestamp), else_=table.c.last_timestamp),
        "min_value": _least(table.c.min_value, new.min_value),
        "max_value": _greatest(table.c.max_value, new.max_value),
        "value_sum": table.c.value_sum + new.value_sum,
        "finite_count": table.c.finite_count + new.finite_count,
        "updated_at": new.updated_at,
    }


# The statistics ``summary_statistics`` shows besides the last point and the count: each
# a JSON number, or null when no value counts (REST's OpenAPI document lists them from here)
STATISTICS: dict[str, str] = {
    "min": "The finite minimum; null when no value is finite.",
    "max": "The finite maximum; null when no value is finite.",
    "mean": "The mean of the finite values; null when none is finite or their sum overflows.",
}


def summary_statistics(row: Any) -> dict[str, Any]:
    """A series' summary row (``metric_series``) as the statistics REST and GraphQL show,
    by their public names: the last value (NaN as NaN; None before any point), its step,
    the finite minimum, maximum and mean, the count."""
    return {
        "last": None if row.last_step is None else read_value(row.last_value),
        "last_step": row.last_step,
        "min": row.min_value,
        "max": row.max_value,
        "mean": finite_or_none(row.value_sum / row.finite_count) if row.finite_count else None,
        "count": row.count,
    }


# --- rollups --------------------------------------------------------------------------------

LEVEL_BASE = 16
LEVEL_SHIFT = 4  # log2(LEVEL_BASE): a level-1 bucket is ``step >> LEVEL_SHIFT``
LEVELS = tuple(range(1, 9))


def level_width(level: int) -> int:
    return int(LEVEL_BASE**level)


@dataclass
class Aggregate:
    """Count of points, and the finite minimum and maximum with their step and time."""

    count: int = 0
    min_value: float | None = None
    min_step: int | None = None
    min_timestamp: datetime | None = None
    max_value: float | None = None
    max_step: int | None = None
    max_timestamp: datetime | None = None

    def add(self, step: int, value: float, timestamp: datetime) -> None:
        self.count += 1
        if not is_finite(value):
            return
        if self.min_value is None or value < self.min_value:
            self.min_value, self.min_step, self.min_timestamp = value, step, timestamp
        if self.max_value is None or value > self.max_value:
            self.max_value, self.max_step, self.max_timestamp = value, step, timestamp

    def merge(self, other: Aggregate) -> None:
        self.count += other.count
        if other.min_value is not None and (
            self.min_value is None or other.min_value < self.min_value
        ):
            self.min_value, self.min_step = other.min_value, other.min_step
            self.min_timestamp = other.min_timestamp
        if other.max_value is not None and (
            self.max_value is None or other.max_value > self.max_value
        ):
            self.max_value, self.max_step = other.max_value, other.max_step
            self.max_timestamp = other.max_timestamp


def rollup_merge(table: Any, new: Any) -> dict[str, Any]:
    """A stored rollup row merged with a batch's (``new``, an upsert's ``excluded``):
    counts add up, the lower minimum and the higher maximum win with their step and time
    (``Aggregate.merge``)."""
    lower = (table.c.min_value.is_(None) & new.min_value.is_not(None)) | (
        new.min_value < table.c.min_value
    )
    higher = (table.c.max_value.is_(None) & new.max_value.is_not(None)) | (
        new.max_value > table.c.max_value
    )
    return {
        "count": table.c.count + new.count,
        "min_value": case((lower, new.min_value), else_=table.c.min_value),
        "min_step": case((lower, new.min_step), else_=table.c.min_step),
        "min_timestamp": case((lower, new.min_timestamp), else_=table.c.min_timestamp),
        "max_value": case((higher, new.max_value), else_=table.c.max_value),
        "max_step": case((higher, new.max_step), else_=table.c.max_step),
        "max_timestamp": case((higher, new.max_timestamp), else_=table.c.max_timestamp),
    }


# A level-1 bucket of a batch: one key's points with ``step >> LEVEL_SHIFT`` equal, as a
# plain tuple (one per 16 steps on the write path, where a NamedTuple's constructor cost
# ~25 % more), its fields named by ``LEVEL1_COLUMNS``: the key (a series id, or the key's
# number in the batch), the bucket, its number of points, the lowest step, the highest step
# and the ordinal of its last point, the finite minimum and the ordinal of its earliest
# point, the same for the maximum (ordinals are 1-based positions in the batch; the
# minimum and maximum are None when no value is finite).
LEVEL1_COLUMNS = (
    "k",
    "bucket",
    "size",
    "first_step",
    "last_step",
    "last_ord",
    "lo",
    "lo_ord",
    "hi",
    "hi_ord",
)
Level1 = tuple[int, int, int, int, int, int, float | None, int, float | None, int]


_INF = math.inf


def level1_buckets(keys: list[int] | None, steps: list[int], values: list[float]) -> list[Level1]:
    """The level-1 buckets of a batch (``keys``: each point's key; None: all key 1). On a
    tie the earliest point of the batch holds the minimum (maximum)."""
    if keys is None or keys.count(keys[0]) == len(keys):
        one = 1 if keys is None else keys[0]
        fast = _sorted_finite_buckets(one, steps, values)
        if fast is not None:
            return fast
    return _any_buckets(keys, steps, values)


def _sorted_finite_buckets(k: int, steps: list[int], values: list[float]) -> list[Level1] | None:
    """The common case, one key with steps in order and finite values, bucket by bucket
    with builtins (each bucket is a slice; ``min``/``max`` and ``index`` give the earliest
    point of a tie, as ``_any_buckets`` does). None when the batch is not like that."""
    if not all_finite(values) or steps != sorted(steps):
        return None
    rows: list[Level1] = []
    start, end = 0, len(steps)
    while start < end:
        number = steps[start] >> LEVEL_SHIFT
        stop = bisect_left(steps, (number + 1) << LEVEL_SHIFT, start, end)
        part = values[start:stop]
        lo, hi = min(part), max(part)
        rows.append(
            (
                k,
                number,
                stop - start,
                steps[start],
                steps[stop - 1],
                stop,  # the bucket's last point is the stop-th
                lo,
                start + 1 + part.index(lo),
                hi,
                start + 1 + part.index(hi),
            )
        )
        start = stop
    return rows


def _any_buckets(keys: list[int] | None, steps: list[int], values: list[float]) -> list[Level1]:
    """Level-1 buckets of any batch: several keys, steps in any order, NaN and ±Infinity."""
    buckets: dict[tuple[int, int], list[Any]] = {}
    get = buckets.get
    each = keys if keys is not None else [1] * len(steps)
    for ordinal, (k, step, value) in enumerate(zip(each, steps, values, strict=True), 1):
        key = (k, step >> LEVEL_SHIFT)
        bucket = get(key)
        finite = -_INF < value < _INF  # not NaN, not ±Infinity
        if bucket is None:  # (often: one point per key and bucket)
            if finite:
                buckets[key] = [1, step, step, ordinal, value, ordinal, value, ordinal]
            else:
                buckets[key] = [1, step, step, ordinal, None, 0, None, 0]
            continue
        bucket[0] += 1
        if step < bucket[1]:
            bucket[1] = step
        if step >= bucket[2]:
            bucket[2], bucket[3] = step, ordinal
        if finite:
            if bucket[4] is None or value < bucket[4]:
                bucket[4], bucket[5] = value, ordinal
            if bucket[6] is None or value > bucket[6]:
                bucket[6], bucket[7] = value, ordinal
    return [(k, number, *rest) for (k, number), rest in buckets.items()]


def rollup_rows(
    series_ids: list[int], steps: list[int], values: list[float], timestamps: Sequence[Any]
) -> dict[tuple[int, int, int], Aggregate]:
    """Aggregates of one batch for every (series, level, bucket) it touches.

    ``timestamps`` are carried to the aggregates as given: datetimes, or on SQLite's write
    the text the driver stores (``store.driver_times``).

    Level 1 is built from the points (``level1_buckets``); each higher level from the one
    below it. A bucket's minimum (maximum) is its lowest (highest) finite value; on ties,
    the earliest point of the batch."""
    # per bucket: [count, min value, its ordinal, max value, its ordinal]
    level: dict[tuple[int, int], list[Any]] = {
        (k, bucket): [size, lo, lo_ord, hi, hi_ord]
        for k, bucket, size, _, _, _, lo, lo_ord, hi, hi_ord in level1_buckets(
            series_ids, steps, values
        )
    }
    rows: dict[tuple[int, int, int], Aggregate] = {}
    for number in LEVELS:
        if number != LEVELS[0]:
            level = _coarser(level)
        for (series_id, bucket_number), (count, low, at_low, high, at_high) in level.items():
            aggregate = Aggregate(count)
            if low is not None:
                aggregate.min_value, aggregate.min_step = low, steps[at_low - 1]
                aggregate.min_timestamp = timestamps[at_low - 1]
                aggregate.max_value, aggregate.max_step = high, steps[at_high - 1]
                aggregate.max_timestamp = timestamps[at_high - 1]
            rows[(series_id, number, bucket_number)] = aggregate
    return rows


def _coarser(level: dict[tuple[int, int], list[Any]]) -> dict[tuple[int, int], list[Any]]:
    """The next level's buckets (``LEVEL_BASE`` times wider) folded from this one's."""
    coarser: dict[tuple[int, int], list[Any]] = {}
    for (series_id, bucket_number), (count, low, at_low, high, at_high) in level.items():
        key = (series_id, bucket_number >> LEVEL_SHIFT)
        target = coarser.get(key)
        if target is None:
            coarser[key] = [count, low, at_low, high, at_high]
            continue
        target[0] += count
        if low is not None:
            if target[1] is None or (low, at_low) < (target[1], target[2]):
                target[1], target[2] = low, at_low
            if target[3] is None or high > target[3] or (high == target[3] and at_high < target[4]):
                target[3], target[4] = high, at_high
    return coarser


# --- bucketing a downsampled read -----------------------------------------------------------


class Bucketing(NamedTuple):
    """How a downsampled read of ``lo..hi`` (inclusive) of a series is bucketed: output
    buckets are ``step // width``; the rollup rows ``first..last`` of ``level`` cover the
    middle, the raw points ``lo..e1`` and ``e2..hi`` the unaligned edges (``level`` 0 and
    ``first > last``: all raw, no right edge)."""

    series_id: int
    lo: int
    e1: int
    e2: int
    hi: int
    width: int
    level: int
    first: int
    last: int


def pick_level(bucket_width: int) -> int | None:
    """The coarsest rollup level whose buckets fit in an output bucket."""
    fitting = [level for level in LEVELS if level_width(level) <= bucket_width]
    return fitting[-1] if fitting else None


def bucket_width(lo: int, hi: int, buckets: int) -> int:
    """A width ≥ span/buckets that is a multiple of a rollup level (so buckets align)."""
    wanted = max(1, -(-(hi - lo + 1) // buckets))
    level = pick_level(wanted)
    if level is None:
        return wanted
    rollup = level_width(level)
    return -(-wanted // rollup) * rollup


def bucketing(series_id: int, lo: int, hi: int, max_points: int) -> Bucketing:
    """The bucketing of a read of ``lo..hi`` downsampled to ``max_points``: about
    ``(max_points - 3) / 2`` output buckets (each gives its minimum and maximum point)."""
    width = bucket_width(lo, hi, max(1, (max_points - 3) // 2))
    level = pick_level(width)
    if level is None:
        return Bucketing(series_id, lo, hi, hi + 1, hi, width, 0, 1, 0)
    rollup = level_width(level)
    first_full = -(-lo // rollup)  # the first rollup bucket that starts at or after lo
    end_full = (hi + 1) // rollup  # rollup buckets before this one end at or before hi
    if first_full >= end_full:  # all raw: no right edge, no rollups
        return Bucketing(series_id, lo, hi, hi + 1, hi, width, 0, 1, 0)
    left, right = first_full * rollup - 1, end_full * rollup
    return Bucketing(series_id, lo, left, right, hi, width, level, first_full, end_full - 1)


def _extremes(aggregate: Aggregate) -> list[tuple[Any, float, Any]]:
    """A bucket's lowest and highest point in step order (the lowest first on one step),
    one when they are the same point, none when no value is finite."""
    if aggregate.min_value is None or aggregate.max_value is None:
        return []
    low = (aggregate.min_step, aggregate.min_value, aggregate.min_timestamp)
    high = (aggregate.max_step, aggregate.max_value, aggregate.max_timestamp)
    if low[0] == high[0] and low[1] == high[1]:
        return [low]
    return [low, high] if (low[0], 0) <= (high[0], 1) else [high, low]


def bucket_extremes(buckets: dict[int, Aggregate]) -> tuple[list[int], list[float], list[Any]]:
    """What a downsampled read shows of its output buckets, before the series' true last
    point: each bucket's extremes (``_extremes``), buckets in order, as three columns
    (steps, values, times). The assembler (``app.metrics.batched``) then cuts them at the
    last point."""
    steps: list[int] = []
    values: list[float] = []
    stamps: list[Any] = []
    for index in sorted(buckets):
        for step, value, stamp in _extremes(buckets[index]):
            steps.append(step)
            values.append(value)
            stamps.append(stamp)
    return steps, values, stamps
