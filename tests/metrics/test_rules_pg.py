"""The metric rules of ``app.metrics.rules`` (Python) and the PostgreSQL store's SQL agree
on random series (Hypothesis): NaN, ±Infinity, ±0.0, repeated values and steps, gaps,
steps out of order within and across batches.

* Writes: the same batches go into one experiment by the PostgreSQL store's one statement
  and into another by the Python rules (``batch_summaries``, ``rollup_rows`` and the merge
  expressions, what the SQLite store runs); the summary, point and rollup rows must match.
* Reads: a series' downsampled reads (``bucketing`` and the bucket extremes computed in
  SQL on PostgreSQL, folded in Python on SQLite) against ``tests.metrics.reference``, the
  rules applied to the points in memory. This one runs on both backends.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.metrics.batch import MetricBatch
from app.metrics.batched import ANSWERS, SeriesRead, read_many
from app.metrics.history import Series
from app.models import MetricSeries
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running
from tests.compare.helpers import ingest
from tests.metrics.reference import reference_read
from tests.metrics.test_pg_write import assert_same_rows, write_both

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SPECIAL = [math.nan, math.inf, -math.inf, 0.0, -0.0]
RUN = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

values = st.one_of(
    st.sampled_from(SPECIAL),
    st.integers(-3, 3).map(float),  # ties
    st.floats(allow_nan=True, allow_infinity=True),
)
steps = st.one_of(st.integers(0, 40), st.integers(0, 70_000), st.integers(0, 2**53 - 1))
point = st.tuples(st.sampled_from(["a", "b", "c"]), steps, values, st.integers(0, 10**9))


@st.composite
def batches(draw: st.DrawFn) -> list[MetricBatch]:
    """One to three batches; some of one key with steps in order (the fast path)."""
    made = []
    for _ in range(draw(st.integers(1, 3))):
        points = draw(st.lists(point, min_size=1, max_size=80))
        if draw(st.booleans()):
            points = sorted((("a", s, v, t) for _, s, v, t in points), key=lambda p: p[1])
        millis = [1_767_225_600_000 + t for *_, t in points]
        batch = MetricBatch(
            keys=[p[0] for p in points],
            steps=[p[1] for p in points],
            values=[p[2] for p in points],
            timestamps=[datetime.fromtimestamp(ms / 1000, UTC) for ms in millis],
        )
        if draw(st.booleans()):
            batch.epoch_ms = millis  # the times as the REST fast path hands them over
        made.append(batch)
    return made


@pytest.fixture
async def user(services, make_user):
    made, _ = await make_user(Role.DS)
    return made


async def two_experiments(services: Any, user: Any) -> tuple[Any, Any]:
    hypothesis = await create_hypothesis(services, user)
    one = await create_running(services, user, hypothesis, name="sql")
    other = await create_running(services, user, hypothesis, name="python")
    return one.id, other.id


@RUN
@given(written=batches())
async def test_the_sql_write_follows_the_python_rules(services, user, written):
    if services.db.dialect != "postgresql":
        pytest.skip("the rules are computed in SQL on PostgreSQL only")
    one, other = await two_experiments(services, user)
    for batch in written:
        await write_both(services, one, other, user, batch)
    await assert_same_rows(services, one, other)


# --- reads ----------------------------------------------------------------------------------


@st.composite
def series(draw: st.DrawFn) -> list[tuple[int, float, datetime]]:
    """Points of one key: distinct steps with gaps, distinct finite values (a tie's pick
    among equal values is the reads' own choice), NaN and ±Infinity."""
    count = draw(st.integers(1, 600))
    start = draw(st.sampled_from([0, 1, 37, 4095, 100_000]))
    gaps = draw(st.lists(st.sampled_from([1, 1, 1, 3, 17, 300, 5000]), min_size=count))
    odd = draw(st.lists(st.sampled_from(SPECIAL[:3]), max_size=count // 10 + 1))
    made, step = [], start
    for at in range(count):
        value = odd[at] if at < len(odd) and draw(st.booleans()) else float(at) * 1.5 - 400
        made.append((step, value, T0 + timedelta(milliseconds=draw(st.integers(0, 10**9)))))
        step += gaps[at]
    shuffled: list[tuple[int, float, datetime]] = draw(st.permutations(made))
    return shuffled


def shape(found: Series) -> tuple[Any, ...]:
    def utc(stamp: datetime) -> datetime:
        return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)

    points = [(p.step, repr(p.value), utc(p.timestamp)) for p in found.points]
    return found.key, points, found.total_points, found.downsampled


@RUN
@given(
    points=series(),
    max_points=st.sampled_from([1, 2, 4, 5, 7, 33, 100, 1000]),
    step_range=st.tuples(st.none() | st.integers(0, 200_000), st.none() | st.integers(0, 200_000)),
    cuts=st.lists(st.integers(1, 599), max_size=3),
)
async def test_downsampled_reads_follow_the_python_rules(
    services, user, points, max_points, step_range, cuts
):
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    edges = sorted({0, len(points), *(c for c in cuts if c < len(points))})
    for lo, hi in pairwise(edges):
        part = points[lo:hi]
        batch = MetricBatch(
            keys=["k"] * len(part),
            steps=[p[0] for p in part],
            values=[p[1] for p in part],
            timestamps=[p[2] for p in part],
        )
        await ingest(services, user, experiment.id, batch)
    async with services.db.reader() as session:
        row = await session.scalar(
            MetricSeries.__table__.select()
            .where(MetricSeries.experiment_id == experiment.id)
            .with_only_columns(MetricSeries.id)
        )
        summary = await session.get(MetricSeries, row)
        ANSWERS.clear()
        [got] = await read_many(session, [SeriesRead(summary, "k", max_points, *step_range)])
    ANSWERS.clear()
    want = reference_read("k", points, max_points, *step_range)
    event("downsampled" if want.downsampled else "as stored")
    assert shape(got) == shape(want)
