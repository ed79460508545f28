"""The one-statement batch write (summaries, points and rollups computed by the database on
PostgreSQL) against the step-by-step write computed in Python (``upsert_series``,
``insert_points``, ``upsert_rollups`` — what SQLite runs): the same batches into two
experiments must leave the same rows. Random batches with NaN, ±Infinity, ±0.0, repeated
values (ties for min/max), out-of-order and repeated steps, several keys, and a second round
that merges into the stored rows."""

from __future__ import annotations

import math
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from app.metrics import rules, store
from app.metrics import service as metrics
from app.metrics.batch import MetricBatch
from app.metrics.batched import ANSWERS, SeriesRead, read_many
from app.metrics.history import Point
from app.metrics.rules import LEVEL_SHIFT, LEVELS, rollup_rows
from app.models import Experiment, MetricSeries, User, metric_rollups
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running
from tests.compare.helpers import read_one
from tests.metrics.stored import stored_points

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SPECIAL = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1.5, -2.25]


def random_batch(rng: random.Random, keys: list[str], size: int, top: int) -> MetricBatch:
    batch = MetricBatch()
    millis = []
    for _ in range(size):
        batch.keys.append(rng.choice(keys))
        batch.steps.append(rng.randrange(top))  # out of order, repeats
        roll = rng.random()
        if roll < 0.25:
            value = rng.choice(SPECIAL)
        elif roll < 0.5:
            value = float(rng.randrange(5))  # ties
        else:
            value = rng.uniform(-1e6, 1e6)
        batch.values.append(value)
        ms = 1_767_225_600_000 + rng.randrange(10**9)
        millis.append(ms)
        batch.timestamps.append(datetime.fromtimestamp(ms / 1000, UTC))
    if rng.random() < 0.5:
        batch.epoch_ms = millis  # the times as the REST fast path hands them over
    return batch


async def step_by_step(session: Any, experiment_id: uuid.UUID, batch: MetricBatch) -> None:
    now = T0
    ids = await store.upsert_series(session, experiment_id, batch, now)
    series_ids = [ids[key] for key in batch.keys]
    times = store.driver_times(session, batch)
    await store.insert_points(session, series_ids, batch, times)
    await store.upsert_rollups(session, series_ids, batch, times)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    return bool(a == b)


def assert_rows_equal(left: list[tuple[Any, ...]], right: list[tuple[Any, ...]]) -> None:
    assert len(left) == len(right)
    for row_a, row_b in zip(left, right, strict=True):
        assert all(_same(a, b) for a, b in zip(row_a, row_b, strict=True)), repr((row_a, row_b))


# Each chunk: its bucket, its arrays' lengths and its steps' buckets; and beside it the
# level-1 rollup row of that bucket's count
CHUNKS = text(f"""
SELECT c.series_id, c.bucket, cardinality(c.steps), cardinality(c.vals), cardinality(c.times),
       (SELECT array_agg(DISTINCT s >> {LEVEL_SHIFT}) FROM unnest(c.steps) AS s)
FROM metric_chunks c WHERE c.series_id = ANY(:ids)""")
LEVEL1_COUNTS = text("""
SELECT series_id, bucket, count FROM metric_rollups WHERE level = 1 AND series_id = ANY(:ids)""")
# the rows of ``metric_points`` (the Python path's) by level-1 bucket
POINT_ROWS = text(f"""
SELECT series_id, step >> {LEVEL_SHIFT}, count(*) FROM metric_points
WHERE series_id = ANY(:ids) GROUP BY 1, 2""")


async def assert_chunks_fit_their_buckets(session: Any, ids: list[int]) -> None:
    """A chunk's three arrays are as long as each other and hold only its bucket's steps;
    a bucket's chunks (and rows of ``metric_points``, where the Python path wrote) hold as
    many points as its level-1 rollup counts."""
    held: dict[tuple[int, int], int] = {}
    for series_id, bucket, rows in await session.execute(POINT_ROWS, {"ids": ids}):
        held[series_id, bucket] = rows
    for series_id, bucket, steps, values, times, buckets in await session.execute(
        CHUNKS, {"ids": ids}
    ):
        assert steps == values == times > 0
        assert buckets == [bucket]
        held[series_id, bucket] = held.get((series_id, bucket), 0) + steps
    counts = await session.execute(LEVEL1_COUNTS, {"ids": ids})
    assert held == {(series_id, bucket): count for series_id, bucket, count in counts}


async def snapshot(session: Any, experiment_id: uuid.UUID) -> dict[str, Any]:
    series = (
        await session.execute(
            select(
                *(
                    column
                    for column in MetricSeries.__table__.columns
                    if column.name not in ("experiment_id", "updated_at")
                )
            )
            .where(MetricSeries.experiment_id == experiment_id)
            .order_by(MetricSeries.key)
        )
    ).all()
    keys = {row.id: row.key for row in series}
    points = [
        (series_id, *point)
        for series_id, stored in (await stored_points(session, list(keys))).items()
        for point in stored
    ]
    if session.get_bind().dialect.name == "postgresql":
        await assert_chunks_fit_their_buckets(session, list(keys))
    rollups = (
        await session.execute(
            select(*(c for c in metric_rollups.c if not c.name.startswith("point_"))).where(
                metric_rollups.c.series_id.in_(list(keys))
            )
        )
    ).all()

    def keyed(rows: Any) -> list[tuple[Any, ...]]:
        return sorted(
            ((keys[row[0]], *row[1:]) for row in rows),
            key=lambda row: tuple(repr(part) for part in row),
        )

    return {
        "series": [tuple(row[1:]) for row in series],
        "points": keyed(points),
        "rollups": keyed(rollups),
    }


async def write_both(services, one, other, user, batch) -> None:
    """The batch into ``one`` by the services' store (one statement on PostgreSQL), into
    ``other`` step by step."""
    async with services.db.unit_of_work() as session:
        await services.metrics.write_batch(session, one, batch, T0, user)
    async with services.db.unit_of_work() as session:
        await step_by_step(session, other, batch)


async def assert_same_rows(services, one, other) -> dict[str, Any]:
    async with services.db.reader() as session:
        got, want = await snapshot(session, one), await snapshot(session, other)
    for table in ("series", "points", "rollups"):
        assert_rows_equal(got[table], want[table])
    return got


@pytest.fixture
async def two_running(services, make_user):
    user, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    one = await create_running(services, user, hypothesis, name="one-statement")
    other = await create_running(services, user, hypothesis, name="step-by-step")
    return one.id, other.id, user


@pytest.mark.parametrize("seed", range(6))
async def test_one_statement_write_equals_the_python_rollups(services, two_running, seed):
    one, other, user = two_running
    rng = random.Random(seed)
    keys = [f"k{n}" for n in range(rng.randrange(1, 4))]
    for size, top in ((rng.randrange(1, 400), 5000), (rng.randrange(1, 400), 70_000)):
        await write_both(services, one, other, user, random_batch(rng, keys, size, top))
    got = await assert_same_rows(services, one, other)
    assert {row[1] for row in got["rollups"]} <= set(LEVELS)


def sorted_finite_batch(rng: random.Random, size: int, first: int) -> MetricBatch:
    """What a training script sends: one key, steps in order (some repeated), finite
    values with ties and both zeros."""
    steps = sorted(first + rng.randrange(size * 2) for _ in range(size))
    values = [rng.choice([0.0, -0.0, 1.0, rng.uniform(-1.0, 1.0)]) for _ in range(size)]
    millis = [1_767_225_600_000 + 10 * step for step in steps]
    return MetricBatch(keys=["loss"] * size, steps=steps, values=values, epoch_ms=millis)


@pytest.mark.parametrize("seed", range(4))
def test_bucket_slices_of_a_sorted_finite_batch_equal_the_general_buckets(seed):
    rng = random.Random(seed)
    batch = sorted_finite_batch(rng, rng.randrange(1, 1200), rng.randrange(100))
    fast = rules._sorted_finite_buckets(1, batch.steps, batch.values)
    assert fast is not None
    assert_rows_equal(fast, rules._any_buckets(None, batch.steps, batch.values))


def test_unsorted_or_non_finite_batches_take_the_general_buckets():
    assert rules._sorted_finite_buckets(1, [2, 1], [1.0, 2.0]) is None
    for special in (math.nan, math.inf, -math.inf):
        assert rules._sorted_finite_buckets(1, [1, 2], [1.0, special]) is None
    assert rules._sorted_finite_buckets(1, [1, 2], [1e308, 1e308]) is None  # the sum overflows


@pytest.mark.parametrize("seed", range(3))
async def test_one_statement_write_of_sorted_finite_batches(services, two_running, seed):
    one, other, user = two_running
    rng = random.Random(seed)
    first = 0
    for size in (rng.randrange(1, 1000), rng.randrange(1, 1000), 1000):
        batch = sorted_finite_batch(rng, size, first)
        first = batch.steps[-1] - rng.randrange(3)  # the next batch may repeat a step
        await write_both(services, one, other, user, batch)
    await assert_same_rows(services, one, other)


async def test_huge_steps_and_single_key_batches(services, two_running):
    """Steps near the top of bigint land in the right buckets of every level."""
    one, other, user = two_running
    top = 2**63 - 1
    batch = MetricBatch(
        keys=["big"] * 4,
        steps=[top, top - 1, 2**40, 0],
        values=[1.0, -1.0, math.inf, math.nan],
        timestamps=[T0 + timedelta(seconds=n) for n in range(4)],
    )
    await write_both(services, one, other, user, batch)
    await assert_same_rows(services, one, other)


def test_rollup_ties_go_to_the_earliest_point_of_the_batch():
    # the minimum 1.0 sits in two level-1 buckets; the bucket seen first (steps 16..31)
    # holds it at the later point, so folding buckets in order of appearance would differ
    steps = [16, 0, 17]
    values = [5.0, 1.0, 1.0]
    stamps = [T0 + timedelta(seconds=n) for n in range(3)]
    rows = rollup_rows([7, 7, 7], steps, values, stamps)
    level2 = rows[(7, 2, 0)]
    assert (level2.min_value, level2.min_step, level2.min_timestamp) == (1.0, 0, stamps[1])
    assert (level2.max_value, level2.max_step) == (5.0, 16)
    assert level2.count == 3


class FailingMirror:
    async def on_metrics(self, session: Any, experiment_id: uuid.UUID, batch: Any) -> None:
        raise RuntimeError("the mirror refused the batch")


async def test_a_batch_whose_mirror_fails_leaves_nothing(services, two_running):
    """All or nothing: the touch and the one-statement write are in the unit of work's
    transaction (the mirror hook runs last, inside it)."""
    one, _, _ = two_running
    async with services.db.reader() as session:
        experiment = await session.get(Experiment, one)
        assert experiment is not None
        seq_before = experiment.metric_seq
        owner = await session.get(User, experiment.owner_id)
    batch = random_batch(random.Random(5), ["a", "b"], 50, 1000)
    with pytest.raises(RuntimeError):
        async with services.db.unit_of_work() as session:
            await metrics.ingest_metrics(
                session, actor=owner, experiment_id=one, batch=batch, mirror=FailingMirror()
            )
    async with services.db.reader() as session:
        after = await snapshot(session, one)
        experiment = await session.get(Experiment, one, populate_existing=True)
    assert after == {"series": [], "points": [], "rollups": []}
    assert experiment is not None and experiment.metric_seq == seq_before


async def test_a_step_logged_over_and_over_reads_back_whole(services, two_running):
    """A step logged in batch after batch (MLflow's client logs step 0 for every point it
    is given no step for) and one batch of 100 points at one step: on PostgreSQL each
    batch's points of a bucket are a chunk of their own (never a longer one), and both
    stores read every point back in order: raw pages, the last point, downsampled reads."""
    one, other, user = two_running
    logged: list[tuple[int, float, datetime]] = []

    def batch_of(steps: list[int]) -> MetricBatch:
        first = len(logged)
        points = [
            (step, float(first + n), T0 + timedelta(seconds=first + n))
            for n, step in enumerate(steps)
        ]
        logged.extend(points)
        return MetricBatch(
            keys=["loss"] * len(points),
            steps=[p[0] for p in points],
            values=[p[1] for p in points],
            timestamps=[p[2] for p in points],
        )

    for _ in range(30):  # bucket 0: 150 points
        await write_both(services, one, other, user, batch_of([0, 0, 1, 1, 2]))
    await write_both(services, one, other, user, batch_of([40] * 100))  # bucket 2
    await assert_same_rows(services, one, other)

    if services.db.dialect == "postgresql":
        async with services.db.reader() as session:
            chunks = (
                await session.execute(
                    text(
                        "SELECT c.bucket, count(*), max(cardinality(c.steps))"
                        " FROM metric_chunks c JOIN metric_series s ON s.id = c.series_id"
                        " WHERE s.experiment_id = :e GROUP BY c.bucket"
                    ),
                    {"e": one},
                )
            ).all()
        assert sorted(chunks) == [(0, 30, 5), (2, 1, 100)]

    in_order = sorted(logged, key=lambda point: (point[0], point[2]))
    # (``other``'s rows are the Python path's, which the store does not read on PostgreSQL)
    async with services.db.reader() as session:
        pages, after = [], (0, 0)
        while True:
            page = await metrics.raw_points(
                session, actor=user, experiment_id=one, key="loss", after=after, limit=7
            )
            pages += [(p.step, p.value, p.timestamp) for p in page.points]
            if page.next is None:
                break
            after = page.next
        assert pages == in_order
        row = await session.scalar(select(MetricSeries).where(MetricSeries.experiment_id == one))
        last = await services.metrics.last_points(session, [(row.id, 0, 1)])
        assert last[row.id, 0, 1] == Point(*max(p for p in logged if p[0] <= 1))
        for max_points in (2, 5, 50, 1000):
            read = SeriesRead(row, "loss", max_points)
            ANSWERS.clear()
            got = (await read_many(session, [read]))[0]
            assert got == await read_one(session, read), max_points
