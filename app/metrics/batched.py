"""The history path: every metric history REST and GraphQL read goes through
``read_many`` — planner → store reads → assembler → kept answers — for one series or
many at once, in a fixed number of statements.

Every series of a request (one ``GET …/metrics?key=``, a comparison of 100 experiments, or
``metric(key)`` on a page of 500 experiments) is planned first (``_plan``: the read's step
range and, for a downsampled one, its ``rules.Bucketing``), and each kind of store read
(``app.metrics.stores.MetricStore``) then runs once for all of them, only when some series
needs it:

1. the stored points of series that fit in ``max_points`` (returned as they are);
2. the output buckets of downsampled reads reduced to their extremes
   (``rules.bucket_extremes``; on PostgreSQL in SQL — per series one row of arrays, split
   over two connections when the pool has one to spare —, on SQLite folded in Python),
   with the number of points in range;
3. a re-read of the points of downsampled reads that turned out to hold no more than
   ``max_points`` (sparse steps), and the last point at or before ``stepTo`` of sub-range
   reads (the summary row holds it for reads that reach the end).

The assembler (``_cut``) cuts the extremes at the true last point and keeps the last
``max_points`` of them, as slices of the columns (``PointColumns``: no object per point).
So a read costs at most four statements (usually one: the buckets) whatever the number of
series.

**Answers are kept** (``ANSWERS``, a process-wide LRU bounded by points): a series only
ever grows by appended batches, and every batch adds its count to the summary row in the
transaction that writes its points and rollups, so the summary's ``count`` (with the
experiment, the key and the series id) names one state of the series' points. An answer
is kept under that state and the read's arguments; a batch moves ``count``, so the next
read misses and reads again. A finished experiment's series never change: reading it
again reads no points at all. The copies handed out share the kept copy's ``derived``
forms (GraphQL's columns of the points, coerced once), so reading it again builds no
per-point objects either.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from cachetools import LRUCache
from sqlalchemy.ext.asyncio import AsyncSession

from app.floats import read_value
from app.metrics.batched_sql import Extremes, PointsRequest, Range
from app.metrics.history import Derived, Point, PointColumns, Series
from app.metrics.rules import Bucketing, bucketing
from app.metrics.stores import MetricStore, store_of
from app.models import MetricSeries


@dataclass(frozen=True)
class SeriesRead:
    """One history to read: the series' summary row (``None``: nothing logged), the key,
    the most points to return and the step range (inclusive; None: from the first / to
    the last)."""

    series: MetricSeries | None
    key: str
    max_points: int
    step_from: int | None = None
    step_to: int | None = None


@dataclass
class _Plan:
    read: SeriesRead
    lo: int = 0
    hi: int = -1
    answer: Series | None = None  # known without reading (empty)
    whole_raw: bool = False  # the stored points are the answer
    bucketing: Bucketing | None = None  # a downsampled read's buckets
    extremes: Extremes | None = None  # the store's answer for them
    total: int = 0

    @property
    def series(self) -> MetricSeries:
        assert self.read.series is not None
        return self.read.series

    @property
    def range(self) -> Range:
        return (self.series.id, self.lo, self.hi)

    @property
    def points_request(self) -> PointsRequest:
        """The bucketing, grouped by the output width, or into one bucket (``hi + 1``
        wide) when fewer than 5 points leave room only for the overall extremes."""
        assert self.bucketing is not None
        group = self.bucketing.width if self.read.max_points >= 5 else self.hi + 1
        return (self.bucketing, group)


def _plan(read: SeriesRead) -> _Plan:
    """What to read for this series: nothing (empty), its stored points, or buckets."""
    plan = _Plan(read)
    series = read.series
    if series is None or series.count == 0 or series.last_step is None:
        plan.answer = Series(read.key, [], 0, False)
        return plan
    first_step = series.first_step or 0
    plan.lo = max(read.step_from if read.step_from is not None else 0, first_step)
    plan.hi = min(read.step_to if read.step_to is not None else series.last_step, series.last_step)
    if plan.lo > plan.hi:
        plan.answer = Series(read.key, [], 0, False)
        return plan
    whole = plan.lo <= first_step and plan.hi >= series.last_step
    if whole and series.count <= read.max_points:
        plan.whole_raw = True
        return plan
    plan.bucketing = bucketing(series.id, plan.lo, plan.hi, read.max_points)
    return plan


# --- kept answers ---------------------------------------------------------------------------


class Answers:
    """Answers by the state of their series, least recently used dropped first once they
    hold more than ``max_points`` points (a point is ~250 bytes, ~400 once GraphQL's
    columns of it are made (``Series.derived``): 150,000 are ~40-60 MB)."""

    def __init__(self, max_points: int) -> None:
        self.max_points = max_points
        self._kept: LRUCache[Hashable, Series] = LRUCache(
            max_points, getsizeof=lambda answer: len(answer.points)
        )

    @property
    def points(self) -> int:
        return int(self._kept.currsize)

    def get(self, key: Hashable) -> Series | None:
        return self._kept.get(key)  # a hit is the most recently used

    def put(self, key: Hashable, answer: Series) -> None:
        if len(answer.points) > self.max_points or key in self._kept:
            return
        self._kept[key] = answer

    def clear(self) -> None:
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


ANSWERS = Answers(150_000)


def _state(plan: _Plan) -> Hashable:
    """What the answer depends on: the series' state (its summary, which every batch
    moves) and the read's arguments."""
    series, read = plan.series, plan.read
    return (
        series.experiment_id,
        series.key,
        series.id,
        series.count,
        series.first_step,
        series.last_step,
        series.last_value,
        series.last_timestamp,
        read.key,
        read.max_points,
        plan.lo,
        plan.hi,
    )


def _own(points: Sequence[Point]) -> Sequence[Point]:
    """Points nobody else can change: a list of its own; ``PointColumns`` (read-only) as
    they are."""
    return points if type(points) is PointColumns else list(points)


def _kept(answer: Series) -> Series:
    """The copy to keep: its own points, and forms made from them later."""
    points = _own(answer.points)
    return Series(answer.key, points, answer.total_points, answer.downsampled, Derived(points))


def _copy(answer: Series) -> Series:
    """A kept answer handed out: points of its own, the kept copy's derived forms."""
    return Series(
        answer.key, _own(answer.points), answer.total_points, answer.downsampled, answer.derived
    )


# --- putting it together -------------------------------------------------------------------


async def read_many(
    session: AsyncSession, reads: Sequence[SeriesRead], store: MetricStore | None = None
) -> list[Series]:
    """Every read's history, in the same order, in at most four statements (none for
    the reads whose answer is kept); ``store``: the one ``Services`` chose (by default the
    session's database's)."""
    plans = [_plan(read) for read in reads]
    states = {id(plan): _state(plan) for plan in plans if plan.answer is None}
    for plan in plans:
        if plan.answer is None:
            kept = ANSWERS.get(states[id(plan)])
            plan.answer = None if kept is None else _copy(kept)
    live = [plan for plan in plans if plan.answer is None]
    if not live:
        return [plan.answer for plan in plans if plan.answer is not None]
    reader = store or store_of(session)
    whole = [plan.range for plan in live if plan.whole_raw]
    raw = await reader.raw_points(session, whole) if whole else {}
    bucketed = [plan for plan in live if plan.bucketing is not None]
    if bucketed:
        reduced = await reader.bucket_points(session, [plan.points_request for plan in bucketed])
        for plan in bucketed:
            plan.extremes = reduced[plan.points_request]
            plan.total = plan.extremes[0]
    small = [plan.range for plan in bucketed if plan.total <= plan.read.max_points]
    again = await reader.raw_points(session, small) if small else {}
    down = [plan for plan in bucketed if plan.total > plan.read.max_points]
    cut = [plan.range for plan in down if not _last_from_summary(plan)]
    lasts = await reader.last_points(session, cut) if cut else {}
    for plan in live:
        kept = _kept(_answer(plan, raw, again, lasts))
        ANSWERS.put(states[id(plan)], kept)
        plan.answer = _copy(kept)
    return [plan.answer for plan in plans if plan.answer is not None]


def _last_from_summary(plan: _Plan) -> bool:
    """The summary row holds the last point when the read reaches the end of the series."""
    series = plan.series
    return (
        series.last_step is not None
        and series.last_timestamp is not None
        and plan.hi >= series.last_step
    )


def _answer(
    plan: _Plan,
    raw: Mapping[Range, Sequence[Point]],
    again: Mapping[Range, Sequence[Point]],
    lasts: dict[Range, Point | None],
) -> Series:
    key = plan.read.key
    if plan.whole_raw:
        return Series(key, raw[plan.range], plan.series.count, False)
    if plan.total <= plan.read.max_points:
        return Series(key, again[plan.range], plan.total, False)
    series = plan.series
    if _last_from_summary(plan):
        assert series.last_step is not None and series.last_timestamp is not None
        last: Point | None = Point(
            series.last_step, read_value(series.last_value), series.last_timestamp
        )
    else:
        last = lasts[plan.range]
    assert plan.extremes is not None
    return Series(key, _cut(plan.extremes, last, plan.read.max_points), plan.total, True)


def _cut(extremes: Extremes, last: Point | None, max_points: int) -> PointColumns:
    """The assembler: the bucket extremes (in step order) before the last point's step,
    the last point, the final ``max_points`` of them — as slices of the columns, no object
    per point. Under 5 points the extremes are the overall ones (one bucket), of which
    ``max_points - 1`` come before the last point."""
    _, steps, values, stamps = extremes
    end = len(steps)
    if max_points < 5:  # the overall extremes (one bucket), then the last point
        end = min(end, max(0, max_points - 1))
    if last is not None:
        end = bisect_left(steps, last.step, 0, end)
    room = max_points - (last is not None)
    start = max(0, end - room) if max_points > 0 else 0
    points = PointColumns(steps[start:end], values[start:end], stamps[start:end])
    if last is not None:
        points.steps.append(last.step)
        points.values.append(last.value)
        points.stamps.append(last.timestamp)
        if max_points <= 0:  # ``points[-0:]`` would be all of them
            return points
        return points[-max_points:]
    return points
