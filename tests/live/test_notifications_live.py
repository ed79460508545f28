"""The ``notifications`` subscription over a real websocket: a new notification reaches
each of its recipients live, and nobody else."""

from __future__ import annotations

import asyncio

from app.models.enums import Role
from tests.builders import create_experiment, create_hypothesis, move
from tests.graphql import ok
from tests.live.client import Collector, ws_session
from tests.notifications.helpers import drain

SUBSCRIBE = "subscription { notifications { id kind message readAt experiment { id name } } }"


def kinds(items):
    return [item["notifications"]["kind"] for item in items]


async def test_new_notifications_arrive_live(client, services, make_user, live_server):
    owner, owner_token = await make_user(Role.DS)
    observer, observer_token = await make_user(Role.DS)
    _, bystander_token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner, observers=[observer])
    experiment = await create_experiment(services, owner, hypothesis, name="live-run")
    await drain(services)  # the creation: nobody to tell

    async with (
        ws_session(live_server, owner_token) as owner_ws,
        ws_session(live_server, observer_token) as observer_ws,
        ws_session(live_server, bystander_token) as bystander_ws,
    ):
        mine = Collector(owner_ws, SUBSCRIBE, {})
        watching = Collector(observer_ws, SUBSCRIBE, {})
        bystander = Collector(bystander_ws, SUBSCRIBE, {})
        await asyncio.sleep(0.3)  # let the subscriptions reach the broker

        await move(services, owner, experiment, "start")
        await drain(services)  # the relay may hold a row a moment: no exact counts here
        await mine.wait_for(lambda items: len(items) >= 1)
        await watching.wait_for(lambda items: len(items) >= 1)
        first = mine.items[0]["notifications"]
        assert first["kind"] == "EXPERIMENT_STARTED"
        assert first["message"] == "live-run started"
        assert first["readAt"] is None
        assert first["experiment"] == {"id": str(experiment.id), "name": "live-run"}
        assert watching.items[0]["notifications"]["id"] != first["id"]

        # the producer running in the background: a mutation's commit wakes it
        services.notifier.start()
        try:
            await ok(
                client,
                "mutation($id: ID!) { completeExperiment(id: $id) { status } }",
                {"id": str(experiment.id)},
                token=owner_token,
            )
            await mine.wait_for(lambda items: len(items) >= 2)
            await watching.wait_for(lambda items: len(items) >= 2)
        finally:
            await services.notifier.stop()
        assert kinds(mine.items) == ["EXPERIMENT_STARTED", "EXPERIMENT_COMPLETED"]
        assert kinds(watching.items) == ["EXPERIMENT_STARTED", "EXPERIMENT_COMPLETED"]
        await asyncio.sleep(0.2)
        assert bystander.items == []
        assert bystander.error is None
        for collector in (mine, watching, bystander):
            await collector.stop()
