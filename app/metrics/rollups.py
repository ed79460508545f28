"""Rollup levels: per-level buckets of steps holding count, min and max.

Level ``n`` (1…8) groups steps into buckets ``16**n`` steps wide. A downsampled read
picks the coarsest level finer than the bucket it wants, so it reads at most ~16 rollup
rows per output bucket whatever the length of the series.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

LEVEL_BASE = 16
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
        if math.isnan(value) or math.isinf(value):
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


def rollup_rows(
    series_ids: list[int], steps: list[int], values: list[float], timestamps: Sequence[Any]
) -> dict[tuple[int, int, int], Aggregate]:
    """Aggregates of one batch for every (series, level, bucket) it touches.

    ``timestamps`` are carried to the aggregates as given: datetimes, or on SQLite's write
    the text the driver stores (``store.driver_times``).

    Level 1 is built from the points; each higher level from the one below it, so the
    work is one pass over the points plus a shrinking pass per level. A bucket's minimum
    (maximum) is its lowest (highest) finite value; on ties, the earliest point of the
    batch — the rule PostgreSQL's one-statement write follows too (``pg_store``).
    """
    width = level_width(LEVELS[0])
    # per bucket: [count, min value, its point's index, max value, its point's index]
    level: dict[tuple[int, int], list[Any]] = {}
    for index, (series_id, step, value) in enumerate(zip(series_ids, steps, values, strict=True)):
        key = (series_id, step // width)
        bucket = level.get(key)
        if bucket is None:
            bucket = level[key] = [0, None, -1, None, -1]
        bucket[0] += 1
        if value - value == 0:  # finite: not NaN nor ±inf
            if bucket[1] is None or value < bucket[1]:
                bucket[1], bucket[2] = value, index
            if bucket[3] is None or value > bucket[3]:
                bucket[3], bucket[4] = value, index
    rows: dict[tuple[int, int, int], Aggregate] = {}
    for number in LEVELS:
        if number != LEVELS[0]:
            level = _coarser(level)
        for (series_id, bucket_number), (count, low, at_low, high, at_high) in level.items():
            aggregate = Aggregate(count)
            if low is not None:
                aggregate.min_value, aggregate.min_step = low, steps[at_low]
                aggregate.min_timestamp = timestamps[at_low]
                aggregate.max_value, aggregate.max_step = high, steps[at_high]
                aggregate.max_timestamp = timestamps[at_high]
            rows[(series_id, number, bucket_number)] = aggregate
    return rows


def _coarser(level: dict[tuple[int, int], list[Any]]) -> dict[tuple[int, int], list[Any]]:
    """The next level's buckets (``LEVEL_BASE`` times wider) folded from this one's."""
    coarser: dict[tuple[int, int], list[Any]] = {}
    for (series_id, bucket_number), (count, low, at_low, high, at_high) in level.items():
        key = (series_id, bucket_number // LEVEL_BASE)
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
