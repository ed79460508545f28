"""The GPU queue under concurrency and across replicas (the PostgreSQL runs are the ones
that matter: real concurrent transactions, row locks and advisory locks).

- Thirty waiting starts race for a pool of four: four run, twenty-six wait in order, and
  the queue drains by itself as runs end, with two schedulers racing each pass, the pool
  never oversubscribed and every freed GPU handed out once.
- Starts, stops, completions and expiries at once, with two schedulers racing.
- Two replicas (two ``Services`` on one database, sharing a broker as Redis would): only
  the leader schedules, a release on the other replica reaches it through the broker, and
  when the leader goes the other takes over with nothing lost.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from app.errors import DomainError
from app.events.broker import InProcessBroker
from app.models import Experiment
from app.models.enums import ExperimentStatus, Role
from app.models.resource import Reservation
from app.resources import starting
from app.resources.expiry import expire
from app.resources.scheduler import QueueScheduler
from app.services import Services
from tests.builders import create_hypothesis, move
from tests.graphql import gql
from tests.resources.helpers import add_pool, events, gpu_experiment, load, move_reservation, pool
from tests.resources.test_queue import until

START = "mutation($id: ID!) { startExperiment(id: $id) { id status queue { position } } }"


async def check_pool(services: Services, name: str, capacity: int) -> int:
    """The pool's count equals its open reservations and never exceeds its capacity."""
    async with services.db.reader() as session:
        held = await session.scalar(
            select(func.coalesce(func.sum(Reservation.gpu_count), 0)).where(
                Reservation.pool_name == name, Reservation.released_at.is_(None)
            )
        )
    reserved = (await pool(services, name)).reserved
    assert reserved == held
    assert reserved <= capacity
    return reserved


async def by_status(services: Services, ids: list[uuid.UUID]) -> dict[ExperimentStatus, set]:
    async with services.db.reader() as session:
        rows = (
            await session.execute(
                select(Experiment.id, Experiment.status).where(Experiment.id.in_(ids))
            )
        ).all()
    found: dict[ExperimentStatus, set] = {}
    for experiment_id, status in rows:
        found.setdefault(status, set()).add(experiment_id)
    return found


async def queue_order(services: Services, pool_name: str) -> list[uuid.UUID]:
    async with services.db.reader() as session:
        rows = await session.execute(
            select(Experiment.id, Experiment.queue_position)
            .where(Experiment.queue_pool == pool_name, Experiment.queued_at.is_not(None))
            .order_by(Experiment.queue_position)
        )
        return [experiment_id for experiment_id, _ in rows.all()]


def other_replica(services: Services, broker: InProcessBroker) -> Services:
    """Another replica: its own engine and pool on the same database, the shared broker."""
    from app.db import Database

    return Services(
        settings=services.settings, db=Database(services.settings.database_url), broker=broker
    )


async def test_thirty_waiting_starts_on_four_gpus_drain_in_order(client, services, make_user):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    await add_pool(services, "race-q", "L40", 4)
    experiments = [
        await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L40", name=f"run-{i}")
        for i in range(30)
    ]
    ids = [e.id for e in experiments]

    answers = await asyncio.gather(
        *(gql(client, START, {"id": str(e.id)}, token=token) for e in experiments)
    )
    assert not [a for a in answers if a.get("errors")]
    states = [a["data"]["startExperiment"]["status"] for a in answers]
    assert states.count("RUNNING") == 4 and states.count("QUEUED") == 26
    assert await check_pool(services, "race-q", 4) == 4

    replica = other_replica(services, InProcessBroker())
    schedulers = [QueueScheduler(services), QueueScheduler(replica)]
    try:
        await schedulers[0].run_pass()
        order = await queue_order(services, "race-q")
        assert len(order) == 26
        async with services.db.reader() as session:
            positions = (
                await session.scalars(
                    select(Experiment.queue_position)
                    .where(Experiment.id.in_(order))
                    .order_by(Experiment.queued_at, Experiment.id)
                )
            ).all()
        assert list(positions) == list(range(1, 27))  # FIFO: the order they joined

        rounds = 0
        while running := (await by_status(services, ids)).get(ExperimentStatus.RUNNING):
            # end every run at once while two schedulers race to fill the pool
            rows = [await load(services, i) for i in running]
            await asyncio.gather(
                *(move(services, owner, row, "complete") for row in rows),
                *(s.run_pass() for s in schedulers),
            )
            await asyncio.gather(*(s.run_pass() for s in schedulers))
            assert await check_pool(services, "race-q", 4) <= 4
            now_running = (await by_status(services, ids)).get(ExperimentStatus.RUNNING, set())
            # the next four in the queue's order, and nothing waits while a GPU is free
            assert now_running == set(order[4 * rounds : 4 * rounds + 4])
            rounds += 1

        assert rounds == 8  # 26 waiting started four at a time, then the last two end
        final = await by_status(services, ids)
        assert final == {ExperimentStatus.COMPLETED: set(ids)}
        assert await check_pool(services, "race-q", 4) == 0
        started = await events(services, "ExperimentStarted")
        assert sorted(e.aggregate_id for e in started) == sorted(ids)  # each once
    finally:
        await replica.close()


async def test_starts_stops_completions_and_expiries_at_once(services, make_user):
    owner, _token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    await add_pool(services, "mixed-q", "L20", 3)
    rng = random.Random(17)
    experiments = [
        await gpu_experiment(
            services, owner, hypothesis, rng.choice([1, 1, 2, 3]), gpu_type="L20", minutes=60
        )
        for _ in range(24)
    ]
    ids = [e.id for e in experiments]
    replica = other_replica(services, InProcessBroker())
    schedulers = [QueueScheduler(services), QueueScheduler(replica)]

    async def start(experiment_id: uuid.UUID) -> None:
        await starting.start(services, actor=owner, experiment_id=experiment_id)

    try:
        await asyncio.gather(*(start(i) for i in ids[:12]), *(s.run_pass() for s in schedulers))
        for round_ in range(30):
            states = await by_status(services, ids)
            running = sorted(states.get(ExperimentStatus.RUNNING, set()))
            waiting = await queue_order(services, "mixed-q")
            fresh = [i for i in ids if i in states.get(ExperimentStatus.QUEUED, set())]
            work = [s.run_pass() for s in schedulers]
            if fresh:
                work.append(start(fresh[0]))
            if waiting and round_ % 3 == 0:
                work.append(move(services, owner, await load(services, waiting[-1]), "stop"))
            if running:
                work.append(move(services, owner, await load(services, running[0]), "complete"))
            if len(running) > 1:
                await move_reservation(services, running[-1], timedelta(minutes=61))
                work.append(expire(services.db, now=await _now()))
            for outcome in await asyncio.gather(*work, return_exceptions=True):
                # a move may lose its race (INVALID_TRANSITION); nothing else may fail
                assert not isinstance(outcome, Exception) or isinstance(outcome, DomainError)
            await check_pool(services, "mixed-q", 3)
        await asyncio.gather(*(s.run_pass() for s in schedulers))
        await check_pool(services, "mixed-q", 3)
        starts = [e.aggregate_id for e in await events(services, "ExperimentStarted")]
        assert len(starts) == len(set(starts))  # no experiment started twice
        # settled: what waits needs more than is free
        free = 3 - (await pool(services, "mixed-q")).reserved
        async with services.db.reader() as session:
            smallest = await session.scalar(
                select(func.min(Experiment.gpu_count)).where(
                    Experiment.queue_pool == "mixed-q", Experiment.queued_at.is_not(None)
                )
            )
        assert smallest is None or smallest > free
    finally:
        await replica.close()


async def _now():
    from app.models.base import utcnow

    return utcnow()


async def test_two_replicas_one_leader_and_a_takeover(services, make_user):
    owner, _token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    await add_pool(services, "ha-q", "L4S", 1)
    broker = InProcessBroker()  # what Redis is between real replicas
    a, b = other_replica(services, broker), other_replica(services, broker)
    first, second, third = [
        await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L4S") for _ in range(3)
    ]
    schedulers = [QueueScheduler(a), QueueScheduler(b)]
    try:
        for replica in (a, b):
            replica.relay.start()
        schedulers[0].poll_seconds = 3600  # the leader is driven by events only
        schedulers[0].start()
        await until(lambda: _is_leader(schedulers[0]), True)
        schedulers[1].poll_seconds = 0.2
        schedulers[1].start()

        for experiment in (first, second, third):
            await starting.start(b, actor=owner, experiment_id=experiment.id)
        assert (await load(services, first.id)).status is ExperimentStatus.RUNNING
        assert (await load(services, second.id)).queue_position == 1

        # a run ends on replica B: the leader (A) hears of it through the broker
        await move(b, owner, first, "complete")
        await until(lambda: _status(services, second.id), ExperimentStatus.RUNNING)
        assert not schedulers[1].lock.is_leader
        assert schedulers[1].passes == 0

        # the leader goes; B takes over and finds the queue in the database
        await schedulers[0].stop()
        await move(b, owner, second, "complete")
        await until(lambda: _status(services, third.id), ExperimentStatus.RUNNING)
        assert schedulers[1].lock.is_leader
        assert await check_pool(services, "ha-q", 1) == 1
    finally:
        for scheduler in schedulers:
            await scheduler.stop()
        await a.close()
        await b.close()


async def _is_leader(scheduler: QueueScheduler) -> bool:
    return scheduler.lock.is_leader and scheduler.passes > 0


async def _status(services: Services, experiment_id: uuid.UUID) -> ExperimentStatus:
    return (await load(services, experiment_id)).status
