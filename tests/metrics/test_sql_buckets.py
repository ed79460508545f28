"""On PostgreSQL ``read_many`` turns output buckets into points in SQL
(``batched_pg.POINTS``: per series one row of arrays); the Python fold of bucket rows
(the SQLite store's reads, run here on PostgreSQL) and ``reference.read_series`` are the
references. Random series
(NaN, ±Inf, gaps, offsets, several batches, equal values), whole and sub-range reads,
short and long, every ``maxPoints`` regime."""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Mapping, Sequence
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import QueuePool

from app.floats import read_value
from app.metrics import batched_sql as sql
from app.metrics.batch import MetricBatch
from app.metrics.batched import ANSWERS, SeriesRead, _plan, read_many
from app.metrics.batched_sql import FoldRange, PointsRequest, Range
from app.metrics.history import Point, Series
from app.metrics.rules import Aggregate, Bucketing
from app.metrics.stores import PostgresMetricStore, SQLiteMetricStore
from app.models import MetricSeries
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running
from tests.compare.helpers import T0, StatementCounter, count_statements, ingest, read_one
from tests.metrics.stored import stored_points

MAX_POINTS = [1, 2, 3, 4, 5, 6, 7, 10, 33, 100, 500, 5000]


def shape(series: Series) -> tuple[object, ...]:
    points = [(p.step, repr(p.value), p.timestamp) for p in series.points]
    return series.key, points, series.total_points, series.downsampled


def random_value(rng: random.Random, ties: bool) -> float:
    roll = rng.random()
    if roll < 0.03:
        return math.nan
    if roll < 0.05:
        return math.inf
    if roll < 0.07:
        return -math.inf
    if ties:
        return float(rng.randint(0, 5))
    return rng.uniform(-1e3, 1e3)


def random_series(rng: random.Random, key: str, ties: bool) -> list[MetricBatch]:
    """One key's points in one to four batches of ascending steps."""
    length = rng.choice([1, 2, 7, 40, 300, 2500, 9000, 20000])
    start = rng.choice([0, 0, 1, 37, 4095, 100_000])
    gap = rng.choice([1, 1, 1, 3, 17, 300])
    steps, step = [], start
    for _ in range(length):
        steps.append(step)
        step += gap if rng.random() > 0.1 else rng.randint(1, 5000)
    values = [random_value(rng, ties) for _ in steps]
    if rng.random() < 0.3:  # all but a few points not finite
        values = [v if rng.random() < 0.02 else math.nan for v in values]
    cuts = sorted(rng.sample(range(1, length), min(length - 1, rng.randint(0, 3))))
    batches = []
    for lo, hi in zip([0, *cuts], [*cuts, length], strict=True):
        batches.append(
            MetricBatch(
                keys=[key] * (hi - lo),
                steps=steps[lo:hi],
                values=values[lo:hi],
                # not monotonic in step: a mixed-up time would show
                timestamps=[
                    T0 + timedelta(milliseconds=rng.randint(0, 10**9)) for _ in steps[lo:hi]
                ],
            )
        )
    return batches


def random_range(rng: random.Random, row: MetricSeries) -> tuple[int | None, int | None]:
    first, last = row.first_step or 0, row.last_step or 0
    if rng.random() < 0.3:
        return None, None

    def inside() -> int:
        return rng.randint(max(0, first - 50), last + 50)

    a, b = inside(), inside()
    if rng.random() < 0.1:
        a, b = b, a  # empty when reversed
    return rng.choice([a, None]), rng.choice([b, b, None])


@pytest.fixture
async def loaded(services, make_user):
    if services.db.dialect != "postgresql":
        pytest.skip("the buckets become points in SQL on PostgreSQL only")
    user, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    rng = random.Random(20261126)
    for n in range(24):
        for batch in random_series(rng, f"k{n}", ties=n % 3 == 0):
            await ingest(services, user, experiment.id, batch)
    async with services.db.reader() as session:
        query = select(MetricSeries).where(MetricSeries.experiment_id == experiment.id)
        return {row.key: row for row in (await session.scalars(query)).all()}


async def folded_stored_points(
    session: AsyncSession, ranges: Sequence[FoldRange]
) -> dict[FoldRange, dict[int, Aggregate]]:
    """``batched_sql._sqlite_folded_points`` over the points as stored on either database
    (``tests.metrics.stored``): each range's points folded into output buckets."""
    stored = await stored_points(session, sorted({r[0] for r in ranges}))
    folded: dict[FoldRange, dict[int, Aggregate]] = {r: {} for r in ranges}
    for series_id, lo, hi, width in folded:
        buckets = folded[series_id, lo, hi, width]
        for step, value, stamp in stored[series_id]:
            if lo <= step <= hi:
                buckets.setdefault(step // width, Aggregate()).add(step, read_value(value), stamp)
    return folded


class FoldOfStoredPoints(SQLiteMetricStore):
    """The SQLite store's reads over the points as stored on either database."""

    async def raw_points(
        self, session: AsyncSession, ranges: Sequence[Range]
    ) -> Mapping[Range, Sequence[Point]]:
        stored = await stored_points(session, sorted({r[0] for r in ranges}))
        return {
            (series_id, lo, hi): [
                Point(step, read_value(value), stamp)
                for step, value, stamp in stored[series_id]
                if lo <= step <= hi
            ]
            for series_id, lo, hi in ranges
        }

    async def last_points(
        self, session: AsyncSession, ranges: Sequence[Range]
    ) -> dict[Range, Point | None]:
        stored = await stored_points(session, sorted({r[0] for r in ranges}))
        found: dict[Range, Point | None] = {}
        for series_id, lo, hi in ranges:
            before = [point for point in stored[series_id] if point[0] <= hi]
            step, value, stamp = before[-1] if before else (0, None, None)
            found[series_id, lo, hi] = Point(step, read_value(value), stamp) if before else None
        return found


def has_ties(key: str) -> bool:
    return int(key[1:]) % 3 == 0


async def test_points_in_sql_are_the_python_fold_and_read_series(services, loaded):
    rng = random.Random(7)
    reads = []
    for key, row in sorted(loaded.items()):
        for max_points in MAX_POINTS:
            for _ in range(3):
                reads.append(SeriesRead(row, key, max_points, *random_range(rng, row)))
    ANSWERS.clear()
    async with services.db.reader() as session:
        in_sql = await read_many(session, reads)
    ANSWERS.clear()
    with pytest.MonkeyPatch.context() as patch:
        # the fold's raw edges from where PostgreSQL keeps the points
        patch.setattr(sql, "_sqlite_folded_points", folded_stored_points)
        async with services.db.reader() as session:
            folded = await read_many(session, reads, FoldOfStoredPoints())
            one_by_one = [await read_one(session, read) for read in reads]
    ANSWERS.clear()
    compared = 0
    for read, got, fold, each in zip(reads, in_sql, folded, one_by_one, strict=True):
        # equal values: the fold merges the buckets of reads under 5 points in row order,
        # and the reference's grouped rollups pick among equal values in no set order
        if not has_ties(read.key) or read.max_points >= 5:
            assert shape(got) == shape(fold), read
        if not has_ties(read.key):
            assert shape(got) == shape(each), read
        compared += 1
    assert compared == len(reads)
    downsampled = [s for s in in_sql if s.downsampled]
    assert len(downsampled) > 100 and any(not s.downsampled and s.points for s in in_sql)
    assert any(math.isnan(p.value) for s in in_sql for p in s.points)  # a NaN last point
    assert any(len(s.points) == r.max_points for s, r in zip(in_sql, reads, strict=True))
    # edges read from level 1's rollups (level 2 or more, an edge of whole level-1 buckets),
    # starting unaligned too (raw points before them)
    edges = [b for b in (_plan(r).bucketing for r in reads) if b is not None and b[6] >= 2]
    assert sum(1 for b in edges if b[2] - b[1] >= 32 and b[1] % 16) > 5
    assert sum(1 for b in edges if b[4] - b[3] >= 32 and (b[4] + 1) % 16) > 5


def points_statements(counter: StatementCounter) -> int:
    return sum(1 for s in counter.statements if "array_agg(o.s)" in s)


async def test_points_in_sql_cost_the_same_statements(services, loaded):
    """The fold's two bucket statements (raw edges, rollup rows) become one POINTS
    statement per connection: two here, as the pool has connections to spare (the next
    test holds them)."""
    reads = [SeriesRead(row, key, 50) for key, row in loaded.items()]
    counts, points = [], []
    for store in (PostgresMetricStore(), SQLiteMetricStore()):
        ANSWERS.clear()
        with count_statements(services) as counter:
            async with services.db.reader() as session:
                await read_many(session, reads, store)
        counts.append(counter.selects())
        points.append(points_statements(counter))
    ANSWERS.clear()
    assert points == [2, 0]
    assert counts[0] == counts[1]


async def test_the_buckets_use_a_second_connection_only_when_the_pool_has_one_to_spare(
    services, loaded
):
    reads = [SeriesRead(row, key, 50) for key, row in loaded.items()]
    engine = services.db.engine
    pool = engine.sync_engine.pool
    assert isinstance(pool, QueuePool)

    async def read() -> tuple[list[Series], int]:
        ANSWERS.clear()
        with count_statements(services) as counter:
            async with services.db.reader() as session:
                got = await read_many(session, reads)
        ANSWERS.clear()
        return got, points_statements(counter)

    split, two = await read()
    async with contextlib.AsyncExitStack() as held:
        # all but the reader's own connection, held here whatever else (a previous test's
        # background write) has one out for a moment: the pool has none to spare
        for _ in range(pool.size() - 1):
            await held.enter_async_context(engine.connect())
        alone, one = await read()
    # one statement: the reader used its own connection only
    assert (two, one) == (2, 1)
    assert [shape(s) for s in split] == [shape(s) for s in alone]
    assert sum(s.downsampled for s in split) > 10


async def test_a_failing_half_is_raised_after_both_halves_end(services, loaded):
    """A request PostgreSQL refuses (an output width of 0 divides by zero) fails its half
    at once; the error comes only when the other half (every point of 12 series, its own
    bucket each) is over too, so the session is never left mid-statement and the second
    connection is back in the pool."""

    def whole(row: MetricSeries, width: int) -> PointsRequest:
        assert row.last_step is not None
        last = row.last_step
        return Bucketing(row.id, 0, last, last + 1, last, width, 0, 1, 0), width

    rows = sorted(loaded.values(), key=lambda r: -r.count)[:24]
    heavy = [whole(row, 1) for row in rows]
    bad = whole(rows[0], 0)
    pool = services.db.engine.sync_engine.pool
    # the session's half fails, then the other's; the other's half fails at once
    for requests in ([bad, *heavy[:23]], [*heavy[:12], bad, *heavy[12:23]]):
        async with services.db.reader() as session:
            with pytest.raises(DBAPIError, match="division by zero"):
                await sql.pg_bucket_points(session, requests)
            assert pool.checkedout() == 1
            await session.rollback()
            assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
    async with services.db.reader() as session:
        found = await sql.pg_bucket_points(session, heavy)
    assert [found[request][0] for request in heavy] == [row.count for row in rows]
