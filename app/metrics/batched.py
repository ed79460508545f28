"""The histories of many series at once, in a fixed number of statements.

``history.read_series`` reads one series in up to five statements, one after the other.
Here every series of a request (a comparison of 100 experiments, or ``metric(key)`` on a
page of 500 experiments) is planned first, and each kind of read then runs once for all
of them (``app.metrics.batched_sql``), only when some series needs it:

1. the stored points of series that fit in ``max_points`` (returned as they are);
2. the output buckets of downsampled reads: their unaligned edges and their rollup rows.
   On PostgreSQL one statement reduces them to the points themselves
   (``batched_pg.POINTS``: per series one row of arrays — the bucket extremes in order —
   and the number of points; split over two connections when the pool has one to
   spare), so Python only cuts the arrays at the true last point (``PointColumns``); on
   SQLite two statements whose rows are folded into buckets here;
3. a re-read of the points of downsampled reads that turned out to hold no more than
   ``max_points`` (sparse steps), and the last point at or before ``stepTo`` of sub-range
   reads (the summary row holds it for reads that reach the end).

So a page or a comparison costs at most five statements (on PostgreSQL usually two:
``SET LOCAL jit = off`` and the buckets; twice that on the second connection of a split)
whatever the number of series. The answers are
``read_series``'s, point for point (asserted by ``tests/compare/test_batched_series.py``),
and its helpers are reused: ``rules.bucketing``, ``_assemble``.

**Answers are kept** (``ANSWERS``, a process-wide LRU bounded by points): a series only
ever grows by appended batches, and every batch adds its count to the summary row in the
transaction that writes its points and rollups, so the summary's ``count`` (with the
experiment, the key and the series id) names one state of the series' points. An answer
is kept under that state and the read's arguments; a batch moves ``count``, so the next
read misses and reads again. A finished experiment's series never change: comparing it
again reads no points at all. The copies handed out share the kept copy's ``derived``
forms (GraphQL's columns of the points, coerced once), so reading it again builds no
per-point objects either.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from app.metrics import batched_sql as sql
from app.metrics.batched_sql import Buckets, Extremes, PointsRequest, Range
from app.metrics.history import (
    Derived,
    Point,
    PointColumns,
    Series,
    _assemble,
    _value,
)
from app.metrics.rules import Aggregate, Bucketing, bucketing
from app.models import MetricSeries


@dataclass(frozen=True)
class SeriesRead:
    """One history to read: the series' summary row (``None``: nothing logged) and the
    arguments of ``read_series``."""

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
    width: int = 0
    bucketing: Bucketing | None = None  # raw edges and rollups folded into buckets
    buckets: dict[int, Aggregate] = field(default_factory=dict)
    extremes: Extremes | None = None  # PostgreSQL: the buckets reduced in SQL
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
        group = self.width if self.read.max_points >= 5 else self.hi + 1
        return (self.bucketing, group)

    def fold(self, buckets: Buckets) -> None:
        """Merge into output buckets, never changing the given aggregates (plans with the
        same request share them); on PostgreSQL each bucket comes once, merged already."""
        for index, aggregate in buckets:
            self.total += aggregate.count
            target = self.buckets.get(index)
            if target is None:
                self.buckets[index] = aggregate
                continue
            merged = Aggregate()
            merged.merge(target)
            merged.merge(aggregate)
            self.buckets[index] = merged


def _plan(read: SeriesRead) -> _Plan:
    """What ``read_series`` would read for this series, without reading it."""
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
    plan.width = plan.bucketing.width
    return plan


# --- kept answers ---------------------------------------------------------------------------


class Answers:
    """Answers by the state of their series, least recently used dropped first once they
    hold more than ``max_points`` points (a point is ~250 bytes, ~400 once GraphQL's
    columns of it are made (``Series.derived``): 150,000 are ~40-60 MB)."""

    def __init__(self, max_points: int) -> None:
        self.max_points = max_points
        self.points = 0
        self._kept: OrderedDict[Hashable, Series] = OrderedDict()

    def get(self, key: Hashable) -> Series | None:
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
        return found

    def put(self, key: Hashable, answer: Series) -> None:
        size = len(answer.points)
        if size > self.max_points or key in self._kept:
            return
        self._kept[key] = answer
        self.points += size
        while self.points > self.max_points:
            _, dropped = self._kept.popitem(last=False)
            self.points -= len(dropped.points)

    def clear(self) -> None:
        self._kept.clear()
        self.points = 0

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
    session: AsyncSession, reads: Sequence[SeriesRead], *, in_sql: bool = True
) -> list[Series]:
    """``read_series`` for every read, in the same order, in at most five statements
    (none for the reads whose answer is kept). On PostgreSQL the buckets become points
    in SQL unless ``in_sql`` is false (the Python fold, which SQLite always uses; kept to
    check one against the other)."""
    plans = [_plan(read) for read in reads]
    states = {id(plan): _state(plan) for plan in plans if plan.answer is None}
    for plan in plans:
        if plan.answer is None:
            kept = ANSWERS.get(states[id(plan)])
            plan.answer = None if kept is None else _copy(kept)
    live = [plan for plan in plans if plan.answer is None]
    if not live:
        return [plan.answer for plan in plans if plan.answer is not None]
    await sql.prepare(session)
    whole = [plan.range for plan in live if plan.whole_raw]
    raw = await sql.raw_points(session, whole) if whole else {}
    bucketed = [plan for plan in live if plan.bucketing is not None]
    if bucketed and in_sql and sql.is_postgresql(session):
        reduced = await sql.bucket_points(session, [plan.points_request for plan in bucketed])
        for plan in bucketed:
            plan.extremes = reduced[plan.points_request]
            plan.total = plan.extremes[0]
    elif bucketed:
        requests = [plan.bucketing for plan in bucketed if plan.bucketing is not None]
        buckets = await sql.bucketed(session, requests)
        for plan in bucketed:
            assert plan.bucketing is not None
            plan.fold(buckets[plan.bucketing])
    small = [plan.range for plan in bucketed if plan.total <= plan.read.max_points]
    again = await sql.raw_points(session, small) if small else {}
    down = [plan for plan in bucketed if plan.total > plan.read.max_points]
    cut = [plan.range for plan in down if not _last_from_summary(plan)]
    lasts = await sql.last_points(session, cut) if cut else {}
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
    raw: dict[Range, list[Point]],
    again: dict[Range, list[Point]],
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
            series.last_step, _value(series.last_value), series.last_timestamp
        )
    else:
        last = lasts[plan.range]
    max_points = plan.read.max_points
    if plan.extremes is None:
        return Series(key, _assemble(plan.buckets, last, max_points), plan.total, True)
    return Series(key, _cut(plan.extremes, last, max_points), plan.total, True)


def _cut(extremes: Extremes, last: Point | None, max_points: int) -> PointColumns:
    """``_assemble`` of buckets PostgreSQL reduced already: the extremes (in step order)
    before the last point's step, the last point, the final ``max_points`` of them — as
    slices of the arrays, no object per point."""
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
        if max_points <= 0:  # ``points[-0:]`` is all of them, as in ``_assemble``
            return points
        return points[-max_points:]
    return points
