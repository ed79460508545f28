"""Reservations running out, with a clock the test moves: a warning once, within
EXPSVC_RESERVATION_WARNING_MINUTES of the end; at the end the run fails with
RESERVATION_EXPIRED and its GPUs are free."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.enums import ExperimentStatus, FailureReason, Role
from app.resources import expiry
from app.resources.actions import extend_reservation
from tests.builders import create_hypothesis, move, start
from tests.resources.helpers import (
    A100_RATE,
    events,
    gpu_experiment,
    load,
    move_reservation,
    pool,
    reservation_of,
)

WARNING = 10  # the default EXPSVC_RESERVATION_WARNING_MINUTES


@pytest.fixture
async def running(services, make_user):
    owner, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await gpu_experiment(services, owner, hypothesis, 2, minutes=60)
    return owner, await start(services, owner, experiment)


async def warn(services, now):
    return await expiry.warn_expiring(services.db, warning_minutes=WARNING, now=now)


async def test_the_default_warning_lead_time_is_ten_minutes(services):
    assert services.settings.reservation_warning_minutes == WARNING


async def test_the_warning_goes_out_once_inside_the_window(services, running):
    _, experiment = running
    reservation = await reservation_of(services, experiment.id)
    assert reservation is not None
    ends = reservation.expires_at

    assert await warn(services, ends - timedelta(minutes=WARNING, seconds=1)) == []
    assert await warn(services, ends - timedelta(minutes=WARNING)) == [experiment.id]
    assert await warn(services, ends - timedelta(minutes=5)) == []
    assert await warn(services, ends - timedelta(seconds=1)) == []
    (event,) = await events(services, "ReservationExpiring", experiment.id)
    assert event.payload["details"]["expiresAt"] == ends.isoformat()
    assert event.payload["experiment"]["id"] == str(experiment.id)
    assert (await load(services, experiment.id)).status is ExperimentStatus.RUNNING


async def test_an_expired_reservation_fails_the_run_and_frees_the_gpus(services, running):
    _, experiment = running
    reservation = await reservation_of(services, experiment.id)
    assert reservation is not None
    ends = reservation.expires_at
    assert (await pool(services, "a100-pool")).reserved == 2

    assert await expiry.expire(services.db, now=ends - timedelta(seconds=1)) == []
    assert await expiry.expire(services.db, now=ends) == [experiment.id]
    assert await expiry.expire(services.db, now=ends + timedelta(minutes=1)) == []

    row = await load(services, experiment.id)
    assert row.status is ExperimentStatus.FAILED
    assert row.failure_reason is FailureReason.RESERVATION_EXPIRED
    assert row.finished_at == ends
    released = await reservation_of(services, experiment.id)
    assert released is not None and released.released_at == ends
    assert (await pool(services, "a100-pool")).reserved == 0
    assert row.gpu_cost == pytest.approx(2 * A100_RATE * 1.0)  # two GPUs for the hour
    (failed,) = await events(services, "ExperimentFailed", experiment.id)
    assert failed.payload["experiment"]["failure_reason"] == "RESERVATION_EXPIRED"


async def test_an_extension_postpones_expiry_and_rearms_the_warning(services, running):
    owner, experiment = running
    reservation = await reservation_of(services, experiment.id)
    assert reservation is not None
    ends = reservation.expires_at
    assert await warn(services, ends - timedelta(minutes=5)) == [experiment.id]

    async with services.db.unit_of_work() as session:
        await extend_reservation(
            session,
            actor=owner,
            experiment_id=experiment.id,
            minutes=30,
            settings=services.settings,
            now=ends - timedelta(minutes=5),
        )
    new_end = ends + timedelta(minutes=30)
    assert (await reservation_of(services, experiment.id)).expires_at == new_end  # type: ignore[union-attr]

    assert await expiry.expire(services.db, now=ends) == []
    assert await warn(services, ends) == []
    assert await warn(services, new_end - timedelta(minutes=WARNING)) == [experiment.id]
    assert len(await events(services, "ReservationExpiring", experiment.id)) == 2
    assert await expiry.expire(services.db, now=new_end) == [experiment.id]


async def test_a_finished_run_is_neither_warned_nor_expired(services, running):
    owner, experiment = running
    reservation = await reservation_of(services, experiment.id)
    assert reservation is not None
    await move(services, owner, experiment, "complete")
    later = reservation.expires_at + timedelta(hours=1)
    assert await warn(services, later) == []
    assert await expiry.expire(services.db, now=later) == []
    row = await load(services, experiment.id)
    assert row.status is ExperimentStatus.COMPLETED
    assert await events(services, "ReservationExpiring", experiment.id) == []


async def test_the_periodic_job_warns_and_expires_on_the_real_clock(services, running):
    """The job one replica runs (under its leader lock) does both steps with ``now``."""
    _, experiment = running
    job = expiry.reservation_job(services.db, services.settings)
    assert job.name == "reservation-expiry"
    await move_reservation(services, experiment.id, timedelta(minutes=55))  # 5 minutes left
    await job.run()
    assert len(await events(services, "ReservationExpiring", experiment.id)) == 1
    assert (await load(services, experiment.id)).status is ExperimentStatus.RUNNING
    await move_reservation(services, experiment.id, timedelta(minutes=10))  # 5 minutes ago
    await job.run()
    row = await load(services, experiment.id)
    assert row.failure_reason is FailureReason.RESERVATION_EXPIRED
    assert (await pool(services, "a100-pool")).reserved == 0
    assert len(await events(services, "ReservationExpiring", experiment.id)) == 1
