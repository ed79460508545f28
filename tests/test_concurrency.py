"""Concurrent lifecycle moves on one experiment: exactly one wins, on every backend.

Twenty GraphQL requests race through the real edge (each mutation is its own unit of
work); the losers must get ``INVALID_TRANSITION`` and the outbox must hold exactly one event
for the winning move.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from app.models import Experiment, OutboxEvent
from app.models.enums import Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, start
from tests.graphql import error_codes, gql

CALLS = 20

M_COMPLETE = "mutation($id: ID!) { completeExperiment(id: $id) { id status } }"
M_STOP = "mutation($id: ID!) { stopExperiment(id: $id) { id status } }"
M_START = "mutation($id: ID!) { startExperiment(id: $id) { id status } }"

LIFECYCLE_EVENTS = (
    "ExperimentStarted",
    "ExperimentCompleted",
    "ExperimentFailed",
    "ExperimentStopped",
)
EVENT_FOR = {
    "RUNNING": "ExperimentStarted",
    "COMPLETED": "ExperimentCompleted",
    "STOPPED": "ExperimentStopped",
}


async def _race(
    client: httpx.AsyncClient, token: str, experiment_id: uuid.UUID, documents: list[str]
) -> tuple[list[tuple[str, dict[str, Any]]], list[dict[str, Any]]]:
    """Send every document at once; split the answers into (field, answer) wins and losses."""
    bodies = await asyncio.gather(
        *(gql(client, document, {"id": str(experiment_id)}, token=token) for document in documents)
    )
    wins: list[tuple[str, dict[str, Any]]] = []
    losses: list[dict[str, Any]] = []
    for body in bodies:
        if body.get("errors"):
            losses.append(body)
        else:
            ((field, answer),) = body["data"].items()
            wins.append((field, answer))
    return wins, losses


async def _state(services: Services, experiment_id: uuid.UUID) -> tuple[str, list[str]]:
    """The stored status and the lifecycle events in the outbox for the experiment."""
    async with services.db.reader() as session:
        experiment = await session.get_one(Experiment, experiment_id)
        events = (
            await session.scalars(
                select(OutboxEvent.event_type)
                .where(
                    OutboxEvent.aggregate_id == experiment_id,
                    OutboxEvent.event_type.in_(LIFECYCLE_EVENTS),
                )
                .order_by(OutboxEvent.id)
            )
        ).all()
    return experiment.status.value, list(events)


def _loss_codes(losses: list[dict[str, Any]]) -> list[list[str]]:
    return [error_codes(body) for body in losses]


async def test_concurrent_complete_and_stop_one_winner(
    services: Services, client: httpx.AsyncClient, make_user: Any
) -> None:
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await start(services, owner, await create_experiment(services, owner, hypothesis))

    documents = [M_COMPLETE if index % 2 == 0 else M_STOP for index in range(CALLS)]
    wins, losses = await _race(client, token, experiment.id, documents)

    assert len(wins) == 1, (wins, _loss_codes(losses))
    assert _loss_codes(losses) == [["INVALID_TRANSITION"]] * (CALLS - 1)
    field, answer = wins[0]
    expected_status = {"completeExperiment": "COMPLETED", "stopExperiment": "STOPPED"}[field]
    assert answer == {"id": str(experiment.id), "status": expected_status}
    status, events = await _state(services, experiment.id)
    assert status == expected_status
    assert events == ["ExperimentStarted", EVENT_FOR[expected_status]]


async def test_concurrent_start_one_winner(
    services: Services, client: httpx.AsyncClient, make_user: Any
) -> None:
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await create_experiment(services, owner, hypothesis)

    wins, losses = await _race(client, token, experiment.id, [M_START] * CALLS)

    assert len(wins) == 1, (wins, _loss_codes(losses))
    assert _loss_codes(losses) == [["INVALID_TRANSITION"]] * (CALLS - 1)
    assert wins[0] == ("startExperiment", {"id": str(experiment.id), "status": "RUNNING"})
    status, events = await _state(services, experiment.id)
    assert status == "RUNNING"
    assert events == ["ExperimentStarted"]
