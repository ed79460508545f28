"""A metric's history as read: points, series, and where the next raw page starts.

A series that fits in ``max_points`` is returned as stored. A longer one is cut into
output buckets aligned to a rollup level (``rules.bucketing``); each bucket contributes
its minimum and its maximum point, and the series always ends with the true last point.
The work is bounded by ``max_points`` (about 16 rollup rows per output bucket, plus raw
points at the two unaligned edges), not by the length of the series. The reading itself
is ``app.metrics.batched.read_many``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, overload

MAX_POINTS_CAP = 10_000

T = TypeVar("T")


@dataclass(frozen=True)
class Point:
    step: int
    value: float  # NaN where a NaN was logged
    timestamp: datetime


class PointColumns(Sequence[Point]):
    """Points held as three parallel lists, a ``Point`` made only when one is read.

    PostgreSQL returns a downsampled series as arrays (``app.metrics.batched``); kept as
    they come, tens of thousands of points go on to GraphQL's columns
    (``schema.metrics.types.point_columns``) without an object per point. Read-only: the
    lists are shared by slices' owners and copies, never changed."""

    __slots__ = ("stamps", "steps", "values")

    def __init__(self, steps: list[int], values: list[float], stamps: list[datetime]) -> None:
        if not len(steps) == len(values) == len(stamps):
            raise ValueError("columns of one length are needed")
        self.steps = steps
        self.values = values
        self.stamps = stamps

    def __len__(self) -> int:
        return len(self.steps)

    @overload
    def __getitem__(self, index: int) -> Point: ...

    @overload
    def __getitem__(self, index: slice) -> PointColumns: ...

    def __getitem__(self, index: int | slice) -> Point | PointColumns:
        if isinstance(index, slice):
            return PointColumns(self.steps[index], self.values[index], self.stamps[index])
        return Point(self.steps[index], self.values[index], self.stamps[index])

    def __iter__(self) -> Iterator[Point]:
        return map(Point, self.steps, self.values, self.stamps)

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same points (a list of ``Point``s included)."""
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PointColumns({list(self)!r})"


def columns_of(points: Sequence[Point]) -> tuple[list[int], list[float], list[datetime]]:
    """Steps, values and times of ``points``: ``PointColumns`` lend their lists (which
    nobody may change), anything else is read point by point."""
    if type(points) is PointColumns:
        return points.steps, points.values, points.stamps
    return [p.step for p in points], [p.value for p in points], [p.timestamp for p in points]


class Derived:
    """Forms made from one kept answer's points (which never change: the kept copy is
    never handed out), each made on first use and shared by every copy of the answer —
    e.g. GraphQL's columns of the points (``schema.compare.types``), so a repeated read
    does not build them again."""

    __slots__ = ("_made", "_points")

    def __init__(self, points: Sequence[Point]) -> None:
        self._points = points
        self._made: dict[Hashable, Any] = {}

    def get(self, key: Hashable, make: Callable[[Sequence[Point]], T]) -> T:
        """``make(points)``, made once per ``key``."""
        try:
            made: T = self._made[key]
        except KeyError:
            made = self._made[key] = make(self._points)
        return made


@dataclass(frozen=True)
class Series:
    key: str
    points: Sequence[Point]  # a list, or ``PointColumns`` (never changed once made)
    total_points: int
    downsampled: bool
    # kept answers (``app.metrics.batched.ANSWERS``): shared by the copies handed out
    derived: Derived | None = field(default=None, compare=False, repr=False)


def next_page(after: tuple[int, int], page: Sequence[Point]) -> tuple[int, int]:
    """Where the page after ``page`` (a full page of ``points_page`` from ``after``, as
    (from_step, skip)) starts: at its last step, past the points of that step already
    read."""
    last = page[-1].step
    at_last = sum(1 for point in page if point.step == last)
    return last, at_last + (after[1] if last == after[0] else 0)
