"""``bench/queue_sim.py`` stays runnable: a small simulation through the API ends with every
experiment completed, the queued ones started by the scheduler, and no pool oversubscribed.
Its speed and utilisation are the benchmark's to print, not asserted here."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from app.migrate import upgrade
from app.models.base import utcnow
from bench import queue_sim
from tests.pg import TEST_DATABASE_ENV, create_database, drop_database

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(TEST_DATABASE_ENV) else [])


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'sim.db'}"
        upgrade(url)
        yield url
        return
    server = os.environ[TEST_DATABASE_ENV]
    url = create_database(server, prefix="expsvc_sim")
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(server, url)


@pytest.mark.parametrize("order", list(queue_sim.PLAN_OF))
def test_a_small_simulation_completes_every_experiment_within_capacity(
    empty_database: str, capsys: pytest.CaptureFixture[str], order: str
) -> None:
    args = queue_sim.parse_args(
        ["--experiments", "20", "--capacity-scale", "0.25", "--queue-order", order]
    )
    result = asyncio.run(queue_sim.simulate(empty_database, args))

    assert len(result.jobs) == 20
    assert result.all_completed
    assert all(job.started_at is not None for job in result.jobs)
    queued = [job for job in result.jobs if job.queued]
    assert len(queued) >= 10  # pools of 1-8 GPUs: most of the 20 had to wait
    assert result.scheduler_starts == len(queued)
    # a queued run started no earlier than it joined the queue
    assert all(job.started_at and job.started_at >= job.submitted_at for job in queued)
    assert result.oversubscribed == []
    figures, queue_seconds = queue_sim.pool_figures(result)
    assert queue_seconds > 0
    for pool in figures:
        assert pool.max_held <= pool.capacity
    assert sum(pool.starts for pool in figures) == 20

    # the service started each run when the plan alone in its order, replayed in memory,
    # does
    replayed = queue_sim.replay(args, queue_sim.PLAN_OF[order])
    assert [job.started_at for job in result.jobs] == [job.started_at for job in replayed.jobs]

    queue_sim.report(result)
    printed = capsys.readouterr().out
    assert "20 experiments, 20 completed" in printed
    assert "oversubscribed: never" in printed
    # the waits by request size: every queued entry counted once
    (line,) = [row for row in printed.splitlines() if "wait h by GPUs asked" in row]
    counts = [
        int(part.rsplit("(", 1)[1].rstrip(")")) for part in line.split(": ", 1)[1].split(", ")
    ]
    assert sum(counts) == len(queued)
    # the service's clock is its own again
    assert abs((utcnow() - datetime.now(utcnow().tzinfo)).total_seconds()) < 5


@pytest.mark.parametrize("policy", queue_sim.POLICIES)
def test_each_in_memory_replay_runs_every_request_within_capacity(policy: str) -> None:
    """``--compare`` and ``--backend none``: the same workload in memory, per policy."""
    args = queue_sim.parse_args(["--experiments", "40", "--capacity-scale", "0.25"])
    result = queue_sim.replay(args, policy)
    assert len(result.jobs) == 40
    assert all(job.started_at is not None for job in result.jobs)
    assert any(job.queued for job in result.jobs)
    figures, _ = queue_sim.pool_figures(result)
    assert all(pool.max_held <= pool.capacity for pool in figures)
    assert sum(pool.starts for pool in figures) == 40
