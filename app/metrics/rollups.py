"""Rollup levels: per-level buckets of steps holding count, min and max.

Level ``n`` (1…8) groups steps into buckets ``16**n`` steps wide. A downsampled read
picks the coarsest level finer than the bucket it wants, so it reads at most ~16 rollup
rows per output bucket whatever the length of the series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

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
    series_ids: list[int], steps: list[int], values: list[float], timestamps: list[datetime]
) -> dict[tuple[int, int, int], Aggregate]:
    """Aggregates of one batch for every (series, level, bucket) it touches.

    Level 1 is built from the points; each higher level from the one below it, so the
    work is one pass over the points plus a shrinking pass per level.
    """
    width = level_width(LEVELS[0])
    level: dict[tuple[int, int], Aggregate] = {}
    for series_id, step, value, stamp in zip(series_ids, steps, values, timestamps, strict=True):
        key = (series_id, step // width)
        aggregate = level.get(key)
        if aggregate is None:
            aggregate = level[key] = Aggregate()
        aggregate.add(step, value, stamp)
    rows = {(series_id, LEVELS[0], bucket): agg for (series_id, bucket), agg in level.items()}
    for number in LEVELS[1:]:
        coarser: dict[tuple[int, int], Aggregate] = {}
        for (series_id, bucket), aggregate in level.items():
            key = (series_id, bucket // LEVEL_BASE)
            target = coarser.get(key)
            if target is None:
                target = coarser[key] = Aggregate()
            target.merge(aggregate)
        rows.update(
            {(series_id, number, bucket): agg for (series_id, bucket), agg in coarser.items()}
        )
        level = coarser
    return rows
