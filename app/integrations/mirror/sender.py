"""The skeleton of a mirror's background job, shared by every target.

Per experiment, in order: the adapter (a subclass) opens the run there, sends the queued
items of its target (``mirror_queue``) and, once the experiment is over and nothing is
left, its final state. Progress (``sent``, or the item's removal) is committed after each
chunk the target accepted, so a retry resumes after it.

Any failure stops that experiment's work for this round, is recorded on its
``mirror_runs`` row (``last_error``) and retried with exponential backoff; the queue keeps
everything meanwhile. One job per target, each leader-elected on its own lock, so a slow
or unreachable target never holds another back; experiments are worked on concurrently,
each by one task.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, union, update

from app.config import Settings
from app.db import Database
from app.integrations.mirror import gauges
from app.integrations.mirror.queue import ensure_run_row
from app.leader import LeaderLock, PeriodicJob
from app.models import Experiment, MirrorQueueItem, MirrorRun
from app.models.base import utcnow
from app.models.enums import TERMINAL_STATUSES
from app.storage import ArtifactStore

EXPERIMENTS_PER_ROUND = 200
CONCURRENCY = 4
MAX_ERROR_CHARS = 2000


class MirrorError(Exception):
    """A call the target did not accept. ``retryable``: worth trying again later (down,
    slow, overloaded or failing); otherwise the target refused what we sent."""

    def __init__(self, message: str, *, retryable: bool, code: str = "") -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code


@dataclass
class _Backoff:
    failures: int = 0
    retry_at: float = 0.0


@dataclass
class MirrorSender:
    """One target's job; subclasses implement ``_sync`` (and may ``close``)."""

    db: Database
    settings: Settings
    store: ArtifactStore
    target: str = field(init=False, default="")
    interval_seconds: float = field(init=False, default=1.0)
    max_backoff_seconds: float = field(init=False, default=60.0)
    log: logging.Logger = field(init=False, default=logging.getLogger("expsvc.mirror"))
    _backoff: dict[uuid.UUID, _Backoff] = field(init=False, default_factory=dict)

    async def close(self) -> None:
        """Release what the adapter holds."""

    async def _sync(self, experiment_id: uuid.UUID) -> None:
        raise NotImplementedError

    # --- one round ------------------------------------------------------------------

    async def run_once(self, *, respect_backoff: bool = True) -> int:
        """Work on every experiment that has something to send (and whose retry is due);
        return how many were brought fully up to date."""
        now = time.monotonic()
        due = [
            experiment_id
            for experiment_id in await self.experiments_with_work()
            if not respect_backoff or self._backoff.get(experiment_id, _Backoff()).retry_at <= now
        ]
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one(experiment_id: uuid.UUID) -> bool:
            async with limit:
                return await self.sync_experiment(experiment_id)

        done = await asyncio.gather(*(one(experiment_id) for experiment_id in due))
        await self.refresh_gauges()
        return sum(done)

    async def experiments_with_work(self) -> list[uuid.UUID]:
        """Experiments with queued items, a run to open or a final state to send (and,
        per adapter, more: ``_more_work``)."""
        queued = select(MirrorQueueItem.experiment_id).where(MirrorQueueItem.target == self.target)
        unopened_or_unfinished = (
            select(MirrorRun.experiment_id)
            .join(Experiment, Experiment.id == MirrorRun.experiment_id)
            .where(
                (MirrorRun.target == self.target)
                & (
                    MirrorRun.run_id.is_(None)
                    | (
                        MirrorRun.final_status.is_(None)
                        & Experiment.status.in_(list(TERMINAL_STATUSES))
                    )
                    | self._more_work()
                )
            )
        )
        query = union(queued, unopened_or_unfinished).limit(EXPERIMENTS_PER_ROUND)
        async with self.db.reader() as session:
            return list((await session.scalars(query)).all())

    def _more_work(self) -> object:
        """A condition on ``mirror_runs`` (joined with ``experiments``) for work that is
        not in the queue; none by default."""
        from sqlalchemy import false

        return false()

    async def sync_experiment(self, experiment_id: uuid.UUID) -> bool:
        """Bring one experiment's run up to date; False if a call failed (recorded)."""
        try:
            await self._sync(experiment_id)
        except Exception as exc:
            retryable = not isinstance(exc, MirrorError) or exc.retryable
            gauges.ERRORS.labels(target=self.target, retryable=str(retryable).lower()).inc()
            if not isinstance(exc, MirrorError):
                self.log.exception("%s mirror of experiment %s failed", self.target, experiment_id)
            else:
                self.log.warning("%s mirror of experiment %s: %s", self.target, experiment_id, exc)
            await self._record_error(experiment_id, f"{exc}", retryable)
            return False
        self._backoff.pop(experiment_id, None)
        return True

    # --- the shared steps -----------------------------------------------------------

    async def run_row(self, experiment_id: uuid.UUID) -> MirrorRun:
        async with self.db.unit_of_work() as session:
            await ensure_run_row(session, self.target, experiment_id)
            run = await session.get(MirrorRun, (self.target, experiment_id))
            assert run is not None
            return run

    async def queued(self, experiment_id: uuid.UUID, limit: int) -> Sequence[MirrorQueueItem]:
        """The next ``limit`` items of this target for the experiment, in order."""
        async with self.db.reader() as session:
            return (
                await session.scalars(
                    select(MirrorQueueItem)
                    .where(
                        MirrorQueueItem.target == self.target,
                        MirrorQueueItem.experiment_id == experiment_id,
                    )
                    .order_by(MirrorQueueItem.id)
                    .limit(limit)
                )
            ).all()

    async def left(self, experiment_id: uuid.UUID) -> int:
        async with self.db.reader() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(MirrorQueueItem)
                    .where(
                        MirrorQueueItem.target == self.target,
                        MirrorQueueItem.experiment_id == experiment_id,
                    )
                )
                or 0
            )

    async def progress(
        self,
        experiment_id: uuid.UUID,
        sent: dict[int, tuple[int, int]],
        *,
        points: int,
        **run_values: object,
    ) -> None:
        """Record in one transaction what the target accepted: per item id, (points sent
        so far, its points) — the item goes once all of it was sent — plus ``points`` on
        the run's count and any other ``run_values`` (a cursor)."""
        now = utcnow()
        async with self.db.unit_of_work() as session:
            done = [item_id for item_id, (upto, total) in sent.items() if upto >= total]
            if done:
                await session.execute(delete(MirrorQueueItem).where(MirrorQueueItem.id.in_(done)))
            for item_id, (upto, total) in sent.items():
                if upto < total:
                    await session.execute(
                        update(MirrorQueueItem)
                        .where(MirrorQueueItem.id == item_id)
                        .values(sent=upto)
                    )
            await session.execute(
                update(MirrorRun)
                .where(MirrorRun.target == self.target, MirrorRun.experiment_id == experiment_id)
                .values(
                    points_synced=MirrorRun.points_synced + points,
                    synced_at=now,
                    last_error=None,
                    last_error_at=None,
                    **run_values,
                )
            )
        if points:
            gauges.POINTS_SENT.labels(target=self.target).inc(points)

    async def update_run(self, experiment_id: uuid.UUID, **values: object) -> None:
        """Set columns of the run's row (a success: the error is cleared)."""
        async with self.db.unit_of_work() as session:
            await session.execute(
                update(MirrorRun)
                .where(MirrorRun.target == self.target, MirrorRun.experiment_id == experiment_id)
                .values(synced_at=utcnow(), last_error=None, last_error_at=None, **values)
            )

    # --- failures and figures ---------------------------------------------------------

    async def _record_error(self, experiment_id: uuid.UUID, message: str, retryable: bool) -> None:
        backoff = self._backoff.setdefault(experiment_id, _Backoff())
        backoff.failures += 1
        ceiling = self.max_backoff_seconds
        delay = min(ceiling, self.interval_seconds * 2**backoff.failures) if retryable else ceiling
        backoff.retry_at = time.monotonic() + delay
        try:
            async with self.db.unit_of_work() as session:
                await ensure_run_row(session, self.target, experiment_id)
                await session.execute(
                    update(MirrorRun)
                    .where(
                        MirrorRun.target == self.target, MirrorRun.experiment_id == experiment_id
                    )
                    .values(last_error=message[:MAX_ERROR_CHARS], last_error_at=utcnow())
                )
        except Exception:
            self.log.exception(
                "recording the %s error of experiment %s failed", self.target, experiment_id
            )

    async def refresh_gauges(self) -> None:
        async with self.db.reader() as session:
            items, points, oldest = (
                await session.execute(
                    select(
                        func.count(),
                        func.coalesce(func.sum(MirrorQueueItem.points - MirrorQueueItem.sent), 0),
                        func.min(MirrorQueueItem.created_at),
                    ).where(MirrorQueueItem.target == self.target)
                )
            ).one()
            failing = await session.scalar(
                select(func.count())
                .select_from(MirrorRun)
                .where(MirrorRun.target == self.target, MirrorRun.last_error.is_not(None))
            )
        target = self.target
        gauges.PENDING_ITEMS.labels(target=target).set(items)
        gauges.PENDING_POINTS.labels(target=target).set(points)
        gauges.LAG_SECONDS.labels(target=target).set(
            (utcnow() - oldest).total_seconds() if oldest else 0
        )
        gauges.FAILING_RUNS.labels(target=target).set(failing or 0)

    def job(self) -> PeriodicJob:
        """The mirror as a leader-elected periodic job (one lock per target)."""
        name = f"{self.target}-mirror"
        return PeriodicJob(name, self.interval_seconds, self.run_once, LeaderLock(self.db, name))
