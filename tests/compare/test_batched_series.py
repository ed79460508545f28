"""``read_many`` answers exactly what ``read_series`` answers, in a fixed number of
statements however many series it reads."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from app.metrics.batched import ANSWERS, Answers, SeriesRead, read_many
from app.metrics.history import PointColumns, Series
from app.models import MetricSeries
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running
from tests.compare.helpers import columns, count_statements, ingest, merged, read_one
from tests.compare.reference import read_series

LONG = list(range(5000))


def long_values() -> list[float]:
    values = [math.sin(s / 40) + s * 1e-4 for s in LONG]
    values[123] = math.nan
    values[2222] = math.inf
    values[3333] = -math.inf
    return values


SHAPES = {
    "short": columns("short", list(range(30)), [float(30 - s) for s in range(30)]),
    "long": columns("long", LONG, long_values()),
    # distinct values: which of two equal extremes a bucket keeps is not part of the contract
    "sparse": columns(
        "sparse", [s * 1000 for s in range(40)], [(s * 7919) % 41 for s in range(40)]
    ),
    "offset": columns("offset", list(range(37, 4000, 3)), [s * 0.5 for s in range(37, 4000, 3)]),
}
RANGES = [(None, None), (100, 2500), (0, 10), (4999, None), (3000, 100), (500, 3901)]
MAX_POINTS = [1, 3, 4, 5, 10, 50, 1000, 10_000]


def shape(series: Series) -> tuple[object, ...]:
    points = [(p.step, repr(p.value), p.timestamp) for p in series.points]
    return series.key, points, series.total_points, series.downsampled


@pytest.fixture
async def loaded(services, make_user):
    user, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    await ingest(services, user, experiment.id, merged(*SHAPES.values()))
    async with services.db.reader() as session:
        query = select(MetricSeries).where(MetricSeries.experiment_id == experiment.id)
        rows = {row.key: row for row in (await session.scalars(query)).all()}
    return rows


async def test_every_shape_reads_the_same_as_read_series(services, loaded):
    reads = [
        SeriesRead(loaded.get(key), key, max_points, step_from, step_to)
        for key in [*SHAPES, "missing"]
        for max_points in MAX_POINTS
        for step_from, step_to in RANGES
    ]
    async with services.db.reader() as session:
        expected = [await read_one(session, read) for read in reads]
        got = await read_many(session, reads)
    assert [shape(s) for s in got] == [shape(s) for s in expected]
    assert any(s.downsampled for s in got) and any(not s.downsampled for s in got)


async def test_the_statement_count_does_not_grow_with_the_series(services, loaded):
    def reads(copies: int) -> list[SeriesRead]:
        base = [
            SeriesRead(loaded["long"], "long", 100),  # rollups and both edges
            SeriesRead(loaded["short"], "short", 100),  # whole, raw
            SeriesRead(loaded["sparse"], "sparse", 10, 1000, 9000),  # bucketed, re-read raw
            SeriesRead(loaded["offset"], "offset", 30, 100, 2000),  # last point looked up
        ]
        return base * copies

    counts = []
    for copies in (1, 25):
        ANSWERS.clear()
        with count_statements(services) as counter:
            async with services.db.reader() as session:
                answers = await read_many(session, reads(copies))
        assert len(answers) == 4 * copies
        counts.append(counter.selects())
    # whole, bucketed (on PostgreSQL one statement on each of two connections, as the pool
    # has one to spare; edges and rollups on SQLite), re-read, last
    assert counts[0] == counts[1] == 5


async def test_no_reads_no_statements(services):
    with count_statements(services) as counter:
        async with services.db.reader() as session:
            assert await read_many(session, [SeriesRead(None, "x", 10)]) == [
                Series("x", [], 0, False)
            ]
    assert [s for s in counter.statements if "metric" in s] == []


async def test_a_kept_answer_is_read_once_and_dropped_by_the_next_batch(
    services, make_user, loaded
):
    admin, _ = await make_user(Role.ADMIN)

    async def summary() -> MetricSeries:
        async with services.db.reader() as session:
            row = await session.get(MetricSeries, loaded["long"].id)
        assert row is not None
        return row

    async def read(row: MetricSeries) -> tuple[Series, Series, int]:
        with count_statements(services) as counter:
            async with services.db.reader() as session:
                [got] = await read_many(session, [SeriesRead(row, "long", 50)])
        async with services.db.reader() as session:
            expected = await read_series(session, row, key="long", max_points=50)
        return got, expected, sum(1 for s in counter.statements if "metric" in s)

    ANSWERS.clear()
    first, expected, statements = await read(loaded["long"])
    assert shape(first) == shape(expected) and statements > 0
    again, _, statements = await read(loaded["long"])
    assert shape(again) == shape(first) and statements == 0
    if isinstance(again.points, list):
        again.points.clear()  # a list handed out is the caller's own
    else:  # PostgreSQL's answers are PointColumns: read-only, shared safely
        assert isinstance(again.points, PointColumns) and not hasattr(again.points, "clear")
    assert shape((await read(loaded["long"]))[0]) == shape(first)

    # a batch anywhere in the series (here: a new minimum in the middle) moves its count
    experiment_id = loaded["long"].experiment_id
    await ingest(services, admin, experiment_id, columns("long", [2500], [-50.0]))
    changed, expected, statements = await read(await summary())
    assert shape(changed) == shape(expected) and statements > 0
    assert shape(changed) != shape(first)
    assert any(p.value == -50.0 for p in changed.points)


def test_kept_answers_are_bounded_by_points():
    kept = Answers(max_points=10)
    series = [Series(str(n), [object()] * 4, 4, False) for n in range(4)]  # type: ignore[list-item]
    for n, answer in enumerate(series):
        kept.put(n, answer)
    assert len(kept) == 2 and kept.points == 8
    assert kept.get(0) is None and kept.get(2) is series[2]
    kept.put(4, series[0])  # 3 is now the least recently used
    assert kept.get(3) is None and kept.get(2) is not None
    kept.put(5, Series("big", [object()] * 11, 11, False))  # type: ignore[list-item]
    assert kept.get(5) is None


async def test_copies_of_a_kept_answer_share_its_graphql_columns(services, loaded):
    from schema.metrics.types import MetricSeries as GraphQLSeries

    ANSWERS.clear()
    reads = [SeriesRead(loaded["long"], "long", 50)]
    async with services.db.reader() as session:
        [first] = await read_many(session, reads)
        [again] = await read_many(session, reads)
    assert first.derived is not None and first.derived is again.derived
    if isinstance(first.points, list):  # lists are copied; read-only PointColumns shared
        assert first.points is not again.points
    columns = GraphQLSeries.from_series(first).points
    assert GraphQLSeries.from_series(again).points is columns
    assert [(p.step, p.value, p.timestamp) for p in columns] == [
        (p.step, p.value if math.isfinite(p.value) else None, p.timestamp) for p in first.points
    ]
    ANSWERS.clear()
