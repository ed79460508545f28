"""Thirty starts (``wait: false``) race for a pool of four GPUs: exactly four win, on every
backend (the PostgreSQL run is the one that matters: real concurrent transactions and row
locks). The same race with waiting starts is in ``tests/resources/test_queue_races.py``."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from app.models import Experiment
from app.models.enums import ExperimentStatus, Role
from app.models.resource import Reservation
from tests.builders import create_hypothesis, move
from tests.graphql import error_codes, gql
from tests.resources.helpers import add_pool, events, gpu_experiment, pool

STARTS = 30
CAPACITY = 4
START = "mutation($id: ID!) { startExperiment(id: $id, wait: false) { id status } }"


async def test_thirty_concurrent_starts_on_a_pool_of_four(client, services, make_user):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    await add_pool(services, "race-pool", "L4", CAPACITY, rate=1.0)
    experiments = [
        await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L4", name=f"run-{i}")
        for i in range(STARTS)
    ]

    answers = await asyncio.gather(
        *(gql(client, START, {"id": str(e.id)}, token=token) for e in experiments)
    )

    won = [a for a in answers if not a.get("errors")]
    lost = [a for a in answers if a.get("errors")]
    assert len(won) == CAPACITY
    assert len(lost) == STARTS - CAPACITY
    assert all(a["data"]["startExperiment"]["status"] == "RUNNING" for a in won)
    for answer in lost:
        assert error_codes(answer) == ["RESOURCES_UNAVAILABLE"]
        details = answer["errors"][0]["extensions"]["details"]
        assert details["requested"] == 1
        assert details["available"] == 0

    ids = [e.id for e in experiments]
    async with services.db.reader() as session:
        statuses = dict(
            (
                await session.execute(
                    select(Experiment.status, func.count())
                    .where(Experiment.id.in_(ids))
                    .group_by(Experiment.status)
                )
            ).all()
        )
        held = await session.scalar(
            select(func.coalesce(func.sum(Reservation.gpu_count), 0)).where(
                Reservation.pool_name == "race-pool", Reservation.released_at.is_(None)
            )
        )
    assert statuses == {
        ExperimentStatus.RUNNING: CAPACITY,
        ExperimentStatus.QUEUED: STARTS - CAPACITY,
    }
    assert held == CAPACITY
    assert (await pool(services, "race-pool")).reserved == CAPACITY
    assert len(await events(services, "ResourcesUnavailable")) == STARTS - CAPACITY
    assert len(await events(services, "ExperimentStarted")) == CAPACITY

    running = [e for e, a in zip(experiments, answers, strict=True) if not a.get("errors")]
    for experiment in running:
        await move(services, owner, experiment, "complete")
    assert (await pool(services, "race-pool")).reserved == 0
