"""Downsampled history: checked against a brute-force reading of the same points."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from app.metrics import service as metrics
from app.metrics.batch import MetricBatch
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make_batch(key: str, steps: list[int], values: list[float]) -> MetricBatch:
    return MetricBatch(
        keys=[key] * len(steps),
        steps=steps,
        values=values,
        timestamps=[T0 + timedelta(seconds=s) for s in steps],
    )


async def ingest(services, actor, experiment_id, batch: MetricBatch, chunk: int = 5000) -> None:
    for start in range(0, len(batch), chunk):
        part = MetricBatch(
            batch.keys[start : start + chunk],
            batch.steps[start : start + chunk],
            batch.values[start : start + chunk],
            batch.timestamps[start : start + chunk],
        )
        async with services.db.unit_of_work() as session:
            await metrics.ingest_metrics(
                session, actor=actor, experiment_id=experiment_id, batch=part
            )


async def read(services, experiment_id, key, **kwargs):
    async with services.db.reader() as session:
        return await metrics.series_of(session, experiment_id=experiment_id, key=key, **kwargs)


@pytest.fixture
async def running(services, make_user):
    user, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    return user, experiment.id


def check_downsampled(series, steps, values, max_points, lo, hi):
    """Every claim of the contract, against the raw data."""
    inside = [(s, v) for s, v in zip(steps, values, strict=True) if lo <= s <= hi]
    assert series.total_points == len(inside)
    assert series.downsampled
    assert len(series.points) <= max_points
    got = [(p.step, p.value) for p in series.points]
    assert got == sorted(got, key=lambda sv: sv[0])
    last_step = max(s for s, _ in inside)
    assert got[-1][0] == last_step  # ends with the true last point
    finite = [v for _, v in inside if math.isfinite(v)]
    assert min(v for _, v in got if math.isfinite(v)) == min(finite)  # global extremes kept
    assert max(v for _, v in got if math.isfinite(v)) == max(finite)
    raw = set(inside)
    assert all((s, v) in raw or math.isnan(v) for s, v in got)  # only real points


async def test_short_series_comes_back_whole(services, running):
    user, experiment_id = running
    await ingest(services, user, experiment_id, make_batch("loss", [0, 1, 2], [3.0, 2.0, 1.0]))
    series = await read(services, experiment_id, "loss", max_points=10)
    assert not series.downsampled and series.total_points == 3
    assert [(p.step, p.value) for p in series.points] == [(0, 3.0), (1, 2.0), (2, 1.0)]
    missing = await read(services, experiment_id, "nope")
    assert missing.total_points == 0 and missing.points == []


@pytest.mark.parametrize("max_points", [5, 7, 100, 1000])
async def test_long_series_keeps_extremes_and_the_last_point(services, running, max_points):
    user, experiment_id = running
    rng = random.Random(max_points)
    steps = list(range(20_000))
    values = [math.sin(s / 300) + rng.gauss(0, 0.1) for s in steps]
    values[12_345] = 50.0  # a spike must survive downsampling
    values[777] = -50.0
    await ingest(services, user, experiment_id, make_batch("acc", steps, values))
    series = await read(services, experiment_id, "acc", max_points=max_points)
    check_downsampled(series, steps, values, max_points, 0, 19_999)


async def test_ranges_unaligned_sparse_steps_and_out_of_order_batches(services, running):
    user, experiment_id = running
    rng = random.Random(7)
    steps = sorted(rng.sample(range(0, 3_000_000), 30_000))
    values = [rng.uniform(-1, 1) for _ in steps]
    order = list(range(len(steps)))
    rng.shuffle(order)  # batches arrive out of step order
    shuffled = make_batch("lr", [steps[i] for i in order], [values[i] for i in order])
    await ingest(services, user, experiment_id, shuffled, chunk=3000)
    for lo, hi in [(0, 2_999_999), (12_345, 1_234_567), (999_983, 1_000_777), (5, 200_000)]:
        series = await read(services, experiment_id, "lr", max_points=300, step_from=lo, step_to=hi)
        inside = [s for s in steps if lo <= s <= hi]
        if len(inside) <= 300:
            assert not series.downsampled
            assert [p.step for p in series.points] == inside
        else:
            check_downsampled(series, steps, values, 300, lo, hi)


async def test_nan_and_infinities_are_stored_but_not_extremes(services, running):
    user, experiment_id = running
    steps = list(range(50))
    values = [float(s) for s in steps]
    values[10], values[20], values[30] = math.nan, math.inf, -math.inf
    await ingest(services, user, experiment_id, make_batch("x", steps, values))
    async with services.db.reader() as session:
        found = await metrics.summaries_by_experiment(session, [experiment_id])
    (summary,) = found[experiment_id]
    assert (summary.min_value, summary.max_value, summary.count) == (0.0, 49.0, 50)
    series = await read(services, experiment_id, "x", max_points=1000)
    by_step = {p.step: p.value for p in series.points}
    assert math.isnan(by_step[10]) and by_step[20] == math.inf and by_step[30] == -math.inf


async def test_bad_history_arguments(services, running):
    from app.errors import ValidationFailed

    _, experiment_id = running
    for kwargs in [{"max_points": 0}, {"max_points": 10_001}, {"step_from": -1}]:
        with pytest.raises(ValidationFailed):
            await read(services, experiment_id, "x", **kwargs)
