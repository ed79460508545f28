"""Reservations running out: warn the watchers once, then fail the run and free what it
held (GPUs, CPU cores, memory; CPU-only runs hold a reservation too, so their
``maxDurationMinutes`` is enforced here as well).

One replica at a time runs this (``app/leader.py``); every change is guarded, so a
reservation extended or an experiment finished meanwhile is left alone. ``now`` is an
argument so tests can move the clock.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import Database
from app.events.names import EventType
from app.events.outbox import append_event, experiment_snapshot
from app.experiments.system_moves import fail_running
from app.leader import LeaderLock, PeriodicJob
from app.models import Experiment
from app.models.base import utcnow
from app.models.enums import ExperimentStatus, FailureReason
from app.models.resource import Reservation

log = logging.getLogger("expsvc.reservations")


def _open_on_running() -> list[ColumnElement[bool]]:
    return [
        Reservation.released_at.is_(None),
        Experiment.id == Reservation.experiment_id,
        Experiment.status == ExperimentStatus.RUNNING,
    ]


async def _ids(db: Database, *conditions: ColumnElement[bool]) -> list[uuid.UUID]:
    async with db.reader() as session:
        query = select(Reservation.experiment_id).where(*_open_on_running(), *conditions)
        return list((await session.scalars(query)).all())


async def _warn_one(session: AsyncSession, experiment_id: uuid.UUID, horizon: datetime) -> bool:
    warned = await session.execute(
        update(Reservation)
        .where(
            Reservation.experiment_id == experiment_id,
            Reservation.released_at.is_(None),
            Reservation.warned_at.is_(None),
            Reservation.expires_at <= horizon,
        )
        .values(warned_at=utcnow())
        .returning(Reservation.expires_at)
        .execution_options(synchronize_session=False)
    )
    expires_at = warned.scalar_one_or_none()
    if expires_at is None:
        return False
    experiment = await session.get_one(Experiment, experiment_id)
    await append_event(
        session,
        EventType.RESERVATION_EXPIRING,
        aggregate_id=experiment_id,
        payload={
            "experiment": experiment_snapshot(experiment),
            "details": {"expiresAt": expires_at.isoformat()},
        },
    )
    return True


async def warn_expiring(db: Database, *, warning_minutes: int, now: datetime) -> list[uuid.UUID]:
    """Emit ``ReservationExpiring`` once per reservation entering the warning window."""
    horizon = now + timedelta(minutes=warning_minutes)
    warned = []
    due = await _ids(db, Reservation.warned_at.is_(None), Reservation.expires_at <= horizon)
    for experiment_id in due:
        async with db.unit_of_work() as session:
            if await _warn_one(session, experiment_id, horizon):
                warned.append(experiment_id)
    return warned


async def expire(db: Database, *, now: datetime) -> list[uuid.UUID]:
    """Fail RUNNING experiments whose reservation ended, with ``RESERVATION_EXPIRED``."""
    expired = []
    for experiment_id in await _ids(db, Reservation.expires_at <= now):
        still_due = select(Reservation.id).where(
            Reservation.experiment_id == experiment_id,
            Reservation.released_at.is_(None),
            Reservation.expires_at <= now,
        )
        async with db.unit_of_work() as session:
            failed = await fail_running(
                session,
                experiment_id=experiment_id,
                reason=FailureReason.RESERVATION_EXPIRED,
                message="the reservation expired; extend it before it ends",
                now=now,
                guard=still_due.exists(),
            )
        if failed is not None:
            expired.append(experiment_id)
    return expired


def reservation_job(db: Database, settings: Settings) -> PeriodicJob:
    async def run() -> None:
        now = utcnow()
        await warn_expiring(db, warning_minutes=settings.reservation_warning_minutes, now=now)
        await expire(db, now=now)

    return PeriodicJob("reservation-expiry", 15.0, run, LeaderLock(db, "reservation-expiry"))
