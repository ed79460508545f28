"""SQLite's write of a batch in one call to the driver's thread (``store.write_alone``,
what REST and GraphQL use for a batch with a ``batch_id``): it stores the rows the session
path (``store.write_batch``) stores, and a batch that fails part-way leaves nothing behind,
not even its ``batch_id``'s claim or its sequence number."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import sqlite_thread
from app.metrics import service as metrics
from app.metrics import store
from app.metrics.batch import MetricBatch
from app.models import Experiment, MetricSeries, metric_batches, metric_points, metric_rollups
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running


@pytest.fixture(autouse=True)
def _sqlite_only(services):
    if services.db.dialect != "sqlite":
        pytest.skip("SQLite's write path")


def batches() -> list[MetricBatch]:
    """Two batches of three keys (NaN, ±Infinity, repeated and out-of-order steps), one
    with epoch milliseconds, one with datetimes; the second merges into the first's rows."""
    start = 1_760_000_000_123
    keys = ["loss", "acc", "lr"]
    first = MetricBatch(
        keys=[keys[i % 3] for i in range(300)],
        steps=[i // 3 for i in range(300)],
        values=[math.nan if i == 7 else math.inf if i == 8 else i * 0.5 for i in range(300)],
        epoch_ms=[start + i for i in range(300)],
    )
    base = datetime.fromtimestamp(start / 1000, UTC)
    second = MetricBatch(
        keys=[keys[i % 2] for i in range(200)] + ["new"],
        steps=[5_000 - i for i in range(200)] + [3],
        values=[-math.inf if i == 3 else -i * 0.25 for i in range(200)] + [math.nan],
        timestamps=[base + timedelta(microseconds=1_001 * i) for i in range(201)],
    )
    return [first, second]


# every column of a summary row but its id, experiment and time of writing
SUMMARY_COLUMNS = [
    column.name
    for column in MetricSeries.__table__.columns
    if column.name not in ("id", "experiment_id", "updated_at")
]


async def rows_of(services, experiment_id) -> dict[str, list[tuple]]:
    """The experiment's stored rows, by key instead of series id."""
    async with services.db.reader() as session:
        series = (
            await session.execute(
                select(MetricSeries).where(MetricSeries.experiment_id == experiment_id)
            )
        ).scalars()
        keys = {}
        summaries = []
        for row in series:
            keys[row.id] = row.key
            summaries.append(tuple(getattr(row, name) for name in SUMMARY_COLUMNS))
        points = (await session.execute(select(metric_points))).all()
        rollups = (await session.execute(select(metric_rollups))).all()
    return {
        "series": sorted(summaries, key=repr),
        "points": sorted(((keys[p[0]], *p[1:]) for p in points if p[0] in keys), key=repr),
        "rollups": sorted(((keys[r[0]], *r[1:]) for r in rollups if r[0] in keys), key=repr),
    }


@pytest.mark.parametrize("one_call", [True, False], ids=["one call", "aiosqlite unpinned"])
async def test_the_rows_are_those_of_the_session_path(services, make_user, monkeypatch, one_call):
    # an aiosqlite outside app/sqlite_thread.py's pins: the same rows through a session
    monkeypatch.setattr(sqlite_thread, "usable", lambda: one_call)
    written = []
    real = store.write_alone

    async def counted(*args, **kwargs):
        written.append(1)
        return await real(*args, **kwargs)

    monkeypatch.setattr(store, "write_alone", counted)
    owner, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    by_session = await create_running(services, owner, hypothesis)
    in_one_call = await create_running(services, owner, hypothesis)
    for number, batch in enumerate(batches()):
        async with services.db.unit_of_work() as session:
            await metrics.ingest_metrics(
                session, actor=owner, experiment_id=by_session.id, batch=batch
            )
        result = await metrics.ingest_metrics_alone(
            services.db,
            actor=owner,
            experiment_id=in_one_call.id,
            batch=batch,
            batch_id=f"b{number}",
        )
        assert (result.accepted, result.duplicate, result.seq) == (len(batch), False, number + 1)
    expected = await rows_of(services, by_session.id)
    assert len(expected["points"]) == 501 and len(expected["series"]) == 4
    assert await rows_of(services, in_one_call.id) == expected
    assert len(written) == (2 if one_call else 0)


async def counts(services, experiment_id) -> tuple[int, int, int, int]:
    """(points, summaries, claimed batch ids, the experiment's metric_seq)."""
    async with services.db.reader() as session:
        points = await session.scalar(
            select(func.count())
            .select_from(metric_points)
            .join(MetricSeries, MetricSeries.id == metric_points.c.series_id)
            .where(MetricSeries.experiment_id == experiment_id)
        )
        series = await session.scalar(
            select(func.count()).where(MetricSeries.experiment_id == experiment_id)
        )
        claims = await session.scalar(
            select(func.count()).where(metric_batches.c.experiment_id == experiment_id)
        )
        seq = await session.scalar(
            select(Experiment.metric_seq).where(Experiment.id == experiment_id)
        )
    return points, series, claims, seq


async def test_a_batch_failing_part_way_writes_none_of_its_rows(services, make_user, monkeypatch):
    owner, _ = await make_user(Role.DS)
    running = await create_running(services, owner, await create_hypothesis(services, owner))
    first, second = batches()
    await metrics.ingest_metrics_alone(
        services.db, actor=owner, experiment_id=running.id, batch=first, batch_id="one"
    )
    before = await counts(services, running.id)
    assert before == (300, 3, 1, 1)
    # the rollups go last: the points and summaries are written by then
    monkeypatch.setattr(store, "SQLITE_ROLLUP", "INSERT INTO no_such_table VALUES (?)")
    with pytest.raises(Exception, match="no_such_table"):
        await metrics.ingest_metrics_alone(
            services.db, actor=owner, experiment_id=running.id, batch=second, batch_id="two"
        )
    assert await counts(services, running.id) == before
    monkeypatch.undo()
    again = await metrics.ingest_metrics_alone(
        services.db, actor=owner, experiment_id=running.id, batch=second, batch_id="two"
    )
    assert (again.accepted, again.duplicate) == (201, False)
    assert await counts(services, running.id) == (501, 4, 2, 2)


async def test_a_repeated_batch_id_writes_nothing(services, make_user):
    owner, _ = await make_user(Role.DS)
    running = await create_running(services, owner, await create_hypothesis(services, owner))
    first, second = batches()
    answers = []
    for batch in (first, second, first):
        result = await metrics.ingest_metrics_alone(
            services.db, actor=owner, experiment_id=running.id, batch=batch, batch_id="same"
        )
        answers.append((result.accepted, result.duplicate))
    assert answers == [(300, False), (300, True), (300, True)]
    points, series, claims, _ = await counts(services, running.id)
    assert (points, series, claims) == (300, 3, 1)
