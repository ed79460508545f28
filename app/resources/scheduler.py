"""The queue's scheduler: one replica at a time starts waiting experiments.

A *pass* plans every pool that has waiting entries (``plan.py``) from one snapshot of the
database and carries the plan out: each entry the plan starts now is started in its own
transaction (``queue.start_waiting``: the guarded move, the reservation in its pool — a
conditional UPDATE, so the pool is never oversubscribed even if the plan was stale — the
start hooks and ``ExperimentStarted``); then the positions and estimated starts that
changed are stored, and each experiment whose entry changed gets a live ``queue`` event
(an ``UPDATED`` for the lists and ``experimentUpdated``), at most one a second per
experiment (``LivePublisher.publish_throttled``), so a long queue moving up by one costs
one event per entry and second, not one per pass. A start refused meanwhile (a direct start
took the GPUs, a cap was reached) ends that pool's attempt and the pool is planned again.

Reservations past their end are expired at the start of a pass (the expiry job's own use
case, guarded, so the two never fail a run twice), and the pass after the next end is due
runs then; so an expiring reservation frees what it holds for the queue on time.

**When.** The scheduler runs on the replica holding its leader lock (``app/leader.py``). It
is woken by every commit that wrote outbox rows on its replica (``Database
.after_outbox_commit``: starts, ends, enqueues, priority changes, dequeues), by the domain
events other replicas relay through the broker (the ``experiments`` channel) and by pool
changes (``resources`` channel, ``publish_pool_change``); a slow poll
(``EXPSVC_QUEUE_POLL_SECONDS``) is the safety net. A wake during a pass runs another pass.
A replica that is not the leader only tries for the lock at the poll interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Iterable
from datetime import datetime

import orjson
from sqlalchemy import func, select

from app.background import BackgroundLoop, Loop
from app.errors import ResourcesUnavailable
from app.events.broker import LAGGED, Subscription
from app.events.live import LivePublisher
from app.events.names import EXPERIMENTS_CHANNEL, experiment_channel
from app.models.base import utcnow
from app.models.resource import Reservation
from app.resources import queue
from app.resources.backing import ResourceBacking
from app.resources.expiry import expire
from app.resources.gauges import PASS_SECONDS, PLAN_SECONDS
from app.resources.plan import plan

log = logging.getLogger("expsvc.queue")

RESOURCES_CHANNEL = "resources"
# A queue entry's live event goes out at most this often per experiment
QUEUE_EVENT_INTERVAL_SECONDS = 1.0
# Plans of one pool in one pass when starts keep being refused (a busy pool with direct
# starts racing the queue); the next wake plans it again
MAX_PLANS_PER_POOL = 5


def publish_pool_change(live: LivePublisher, name: str) -> None:
    """Tell the scheduler (on whichever replica) that a pool's capacity may have grown."""
    live.publish_nowait(RESOURCES_CHANNEL, {"type": "pool", "name": name})


class QueueScheduler(BackgroundLoop):
    """See the module docstring. ``run_pass`` is one pass (tests call it directly)."""

    name = "queue-scheduler"

    def __init__(self, services: ResourceBacking) -> None:
        from app.leader import LeaderLock

        self.services = services
        self.lock = LeaderLock(services.db, self.name)
        self.poll_seconds = services.settings.queue_poll_seconds
        self.passes = 0
        self.started = 0
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._subscription: Subscription | None = None

    def wake(self) -> None:
        self._wake.set()

    # --- one pass ------------------------------------------------------------------------

    async def run_pass(self, now: datetime | None = None) -> float | None:
        """Plan and start; the seconds until the next reservation end (None: none).
        Timed in ``expsvc_queue_pass_seconds`` (each pool's plan alone in
        ``expsvc_queue_plan_seconds``)."""
        db = self.services.db
        now = now or utcnow()
        with PASS_SECONDS.time():
            await expire(db, now=now)
            async with db.reader() as session:
                pools = await queue.pools_with_waiting(session)
            for name in pools:
                await self._schedule_pool(name, now)
        self.passes += 1
        async with db.reader() as session:
            next_end = await session.scalar(
                select(func.min(Reservation.expires_at)).where(Reservation.released_at.is_(None))
            )
        if next_end is None or not pools:
            return None
        return max(0.0, (next_end - utcnow()).total_seconds())

    async def _schedule_pool(self, name: str, now: datetime) -> None:
        services = self.services
        for _ in range(MAX_PLANS_PER_POOL):
            async with services.db.reader() as session:
                state = await queue.pool_state(session, name, services.settings)
            if state is None:
                return
            began = time.perf_counter()
            planned = plan(
                now=now,
                capacity=state.capacity,
                reserved=state.reserved,
                holdings=state.holdings,
                waiting=state.waiting,
                caps=state.caps,
                cpu_cores=state.cpu_cores,
                cpu_reserved=state.cpu_reserved,
                memory_gb=state.memory_gb,
                memory_reserved=state.memory_reserved,
                ordering=state.ordering,
            )
            PLAN_SECONDS.observe(time.perf_counter() - began)
            if not await self._start(p.experiment_id for p in planned if p.start_now):
                now = utcnow()
                continue  # the pool changed under the plan: plan it again
            async with services.db.unit_of_work() as session:
                changed = await queue.write_plan(session, planned, state.shown)
            self._publish(changed)
            return

    async def _start(self, ids: Iterable[uuid.UUID]) -> bool:
        """Start each; False at the first refused (the rest wait for the next plan)."""
        services = self.services
        for experiment_id in ids:
            try:
                async with services.db.unit_of_work() as session:
                    started = await queue.start_waiting(
                        session,
                        experiment_id=experiment_id,
                        hooks=services.start_hooks,
                        now=utcnow(),
                    )
            except ResourcesUnavailable as refusal:
                log.info("queued %s not started: %s", experiment_id, refusal)
                return False
            if started is not None:
                self.started += 1
        return True

    def _publish(self, changed: list[uuid.UUID]) -> None:
        live = self.services.live
        for experiment_id in changed:
            event = {"type": "queue", "experiment_id": str(experiment_id)}
            key = f"queue:{experiment_id}"
            live.publish_throttled(
                EXPERIMENTS_CHANNEL, "list-" + key, event, QUEUE_EVENT_INTERVAL_SECONDS
            )
            live.publish_throttled(
                experiment_channel(experiment_id), key, event, QUEUE_EVENT_INTERVAL_SECONDS
            )

    # --- the loop ------------------------------------------------------------------------

    async def tick(self) -> float:
        """Lead (or try to) and run a pass; how long to wait before the next one unless
        woken."""
        try:
            leader = await self.lock.acquire()
        except Exception:
            log.exception("%s: leadership check failed", self.name)
            return self.poll_seconds
        if not leader:
            return self.poll_seconds
        self._wake.clear()  # a wake from now on runs another pass
        try:
            next_end = await self.run_pass()
        except Exception:
            log.exception("%s: pass failed", self.name)
            return self.poll_seconds
        return self.poll_seconds if next_end is None else min(self.poll_seconds, next_end)

    async def _loop(self) -> None:
        while True:
            delay = await self.tick()
            if not self.lock.is_leader:
                await asyncio.sleep(delay)
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()

    async def _listen(self) -> None:
        """Wake on other replicas' domain events and pool changes."""
        while True:
            subscription = await self.services.broker.open(EXPERIMENTS_CHANNEL, RESOURCES_CHANNEL)
            self._subscription = subscription
            try:
                async for _channel, message in subscription:
                    if (_channel, message) == LAGGED:
                        break
                    if _wakes(message):
                        self.wake()
            finally:
                await subscription.close()
            self.wake()  # something may have been missed

    def _loops(self) -> dict[str, Loop]:
        return {self.name: self._loop, self.name + "-listen": self._listen}

    def _starting(self) -> None:
        self.services.db.after_outbox_commit.append(self.wake)

    async def _after_stop(self, *, started: bool) -> None:
        """Unregister the wake-up and give up leadership."""
        with contextlib.suppress(ValueError):
            self.services.db.after_outbox_commit.remove(self.wake)
        try:
            await self.lock.release()
        except Exception as exc:
            log.warning("%s: releasing its lock failed: %s", self.name, exc)


def _wakes(message: bytes) -> bool:
    """Domain events (a move, an enqueue) and pool changes; not progress, metrics or the
    queue's own events."""
    try:
        event = orjson.loads(message)
    except orjson.JSONDecodeError:
        return True  # a gap marker or anything unknown: better a pass too many
    return isinstance(event, dict) and event.get("type") in ("event", "pool")
