"""The activity watchdog fails quiet RUNNING experiments with ``LOGGING_TIMEOUT``.

Nothing sleeps: ``fail_inactive`` is called with ``now`` in the future instead.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from app.db import Database
from app.experiments import watchdog
from app.experiments.activity import touch_running
from app.models import Experiment, Hypothesis, OutboxEvent, User, log_lines
from app.models.base import utcnow
from app.models.enums import ExperimentStatus, FailureReason, Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, create_running, move
from tests.conftest import MakeUser

TIMEOUT = 900


@pytest.fixture
async def owner(make_user: MakeUser) -> User:
    user, _ = await make_user(Role.DS)
    return user


@pytest.fixture
async def hypothesis(services: Services, owner: User) -> Hypothesis:
    return await create_hypothesis(services, owner)


def later() -> datetime:
    """A check time an hour from now: everything started now is long quiet by then."""
    return utcnow() + timedelta(hours=1)


async def load(services: Services, experiment_id: uuid.UUID) -> Experiment:
    async with services.db.reader() as session:
        return await session.get_one(Experiment, experiment_id)


async def set_activity(services: Services, experiment_id: uuid.UUID, when: Any) -> None:
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(Experiment).where(Experiment.id == experiment_id).values(last_activity_at=when)
        )


async def failed_events(services: Services, experiment_id: uuid.UUID) -> list[dict[str, Any]]:
    query = select(OutboxEvent.payload).where(
        OutboxEvent.aggregate_id == experiment_id, OutboxEvent.event_type == "ExperimentFailed"
    )
    async with services.db.reader() as session:
        return list((await session.scalars(query)).all())


async def system_lines(services: Services, experiment_id: uuid.UUID) -> list[Any]:
    query = select(log_lines).where(log_lines.c.experiment_id == experiment_id)
    async with services.db.reader() as session:
        return list((await session.execute(query)).all())


async def fail_inactive(db: Database, now: datetime) -> list[uuid.UUID]:
    return await watchdog.fail_inactive(db, timeout_seconds=TIMEOUT, now=now)


async def test_a_quiet_running_experiment_fails_with_logging_timeout(
    services: Services, owner: User, hypothesis: Hypothesis
) -> None:
    running = await create_running(services, owner, hypothesis)
    now = later()

    assert await fail_inactive(services.db, now) == [running.id]

    failed = await load(services, running.id)
    assert failed.status is ExperimentStatus.FAILED
    assert failed.failure_reason is FailureReason.LOGGING_TIMEOUT
    assert failed.failure_message is not None
    assert "no metrics, logs, progress or heartbeat for 3600 s" in failed.failure_message
    assert failed.finished_at == now
    assert failed.duration_seconds == pytest.approx(3600, abs=5)

    [line] = await system_lines(services, running.id)
    assert (line.source, line.level, line.seq) == ("system", "WARNING", 1)
    assert "LOGGING_TIMEOUT" in line.message
    assert failed.failure_message in line.message

    [event] = await failed_events(services, running.id)
    assert event["experiment"]["status"] == "FAILED"
    assert event["experiment"]["failure_reason"] == "LOGGING_TIMEOUT"


async def test_only_quiet_running_experiments_are_touched(
    services: Services, owner: User, hypothesis: Hypothesis
) -> None:
    now = later()
    quiet = await create_running(services, owner, hypothesis)
    active = await create_running(services, owner, hypothesis)
    await set_activity(services, active.id, now - timedelta(seconds=TIMEOUT - 10))
    queued = await create_experiment(services, owner, hypothesis)
    completed = await move(
        services, owner, await create_running(services, owner, hypothesis), "complete"
    )

    assert await fail_inactive(services.db, now) == [quiet.id]

    assert (await load(services, active.id)).status is ExperimentStatus.RUNNING
    assert (await load(services, queued.id)).status is ExperimentStatus.QUEUED
    assert (await load(services, completed.id)).status is ExperimentStatus.COMPLETED
    for untouched in (active, queued, completed):
        assert await failed_events(services, untouched.id) == []
        assert await system_lines(services, untouched.id) == []


async def test_running_twice_fails_nothing_more(
    services: Services, owner: User, hypothesis: Hypothesis
) -> None:
    running = await create_running(services, owner, hypothesis)
    now = later()
    assert await fail_inactive(services.db, now) == [running.id]
    assert await fail_inactive(services.db, now + timedelta(minutes=5)) == []
    assert len(await failed_events(services, running.id)) == 1
    assert len(await system_lines(services, running.id)) == 1


async def test_without_activity_the_start_time_counts(
    services: Services, owner: User, hypothesis: Hypothesis
) -> None:
    running = await create_running(services, owner, hypothesis)
    await set_activity(services, running.id, None)
    assert await fail_inactive(services.db, utcnow() + timedelta(seconds=60)) == []
    assert await fail_inactive(services.db, later()) == [running.id]


async def test_activity_arriving_after_selection_wins(
    services: Services,
    owner: User,
    hypothesis: Hypothesis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    running = await create_running(services, owner, hypothesis)
    now = later()
    select_ids = watchdog.stale_experiment_ids

    async def select_then_ingest(db: Database, cutoff: datetime, limit: int = 500) -> Any:
        ids = await select_ids(db, cutoff, limit)
        assert ids == [running.id]
        async with services.db.unit_of_work() as session:  # a log batch lands meanwhile
            await touch_running(
                session, actor=owner, experiment_id=running.id, now=now, what="logs"
            )
        return ids

    monkeypatch.setattr(watchdog, "stale_experiment_ids", select_then_ingest)

    assert await fail_inactive(services.db, now) == []
    assert (await load(services, running.id)).status is ExperimentStatus.RUNNING
    assert await failed_events(services, running.id) == []
    assert await system_lines(services, running.id) == []


async def test_a_run_completed_after_selection_is_left_alone(
    services: Services,
    owner: User,
    hypothesis: Hypothesis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    running = await create_running(services, owner, hypothesis)
    select_ids = watchdog.stale_experiment_ids

    async def select_then_complete(db: Database, cutoff: datetime, limit: int = 500) -> Any:
        ids = await select_ids(db, cutoff, limit)
        await move(services, owner, running, "complete")
        return ids

    monkeypatch.setattr(watchdog, "stale_experiment_ids", select_then_complete)

    assert await fail_inactive(services.db, later()) == []
    assert (await load(services, running.id)).status is ExperimentStatus.COMPLETED
    assert await failed_events(services, running.id) == []


async def test_fail_if_inactive_rechecks_activity_under_its_own_guard(
    services: Services, owner: User, hypothesis: Hypothesis
) -> None:
    running = await create_running(services, owner, hypothesis)
    now = later()
    await set_activity(services, running.id, now - timedelta(seconds=1))
    async with services.db.unit_of_work() as session:
        result = await watchdog.fail_if_inactive(
            session,
            experiment_id=running.id,
            cutoff=now - timedelta(seconds=TIMEOUT),
            now=now,
            timeout_seconds=TIMEOUT,
        )
    assert result is None
    assert (await load(services, running.id)).status is ExperimentStatus.RUNNING


def test_the_job_checks_a_quarter_of_the_timeout_between_a_second_and_a_minute() -> None:
    assert watchdog.watchdog_interval(900) == 60
    assert watchdog.watchdog_interval(120) == 30
    assert watchdog.watchdog_interval(8) == 2
    assert watchdog.watchdog_interval(1) == 1


async def test_the_periodic_job_fails_quiet_experiments(
    services: Services, owner: User, hypothesis: Hypothesis
) -> None:
    settings = services.settings.model_copy(update={"activity_timeout_seconds": 30})
    running = await create_running(services, owner, hypothesis)
    await set_activity(services, running.id, utcnow() - timedelta(seconds=31))
    job = watchdog.activity_watchdog(services.db, settings)
    assert job.interval_seconds == 7.5
    try:
        assert await job.tick()
    finally:
        await job.stop()
    assert job.failures == 0
    assert (await load(services, running.id)).status is ExperimentStatus.FAILED


async def test_no_quiet_experiments_means_no_writes(
    services: Services, owner: User, hypothesis: Hypothesis
) -> None:
    await create_running(services, owner, hypothesis)
    assert await fail_inactive(services.db, utcnow()) == []
    async with services.db.reader() as session:
        failed = await session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.event_type == "ExperimentFailed")
        )
    assert failed == 0
