"""The server keeps idle websockets alive: pings (graphql-transport-ws) and "ka" (graphql-ws)."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import orjson
import pytest
import uvicorn
import websockets

from app.events.names import experiment_channel
from app.main import create_app
from app.models.base import utcnow
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running


@pytest.fixture
async def chatty_server(services):
    """A second server whose keep-alive interval is 0.2 s."""
    fast = dataclasses.replace(
        services, settings=services.settings.model_copy(update={"ws_keep_alive_seconds": 0.2})
    )
    config = uvicorn.Config(
        create_app(fast.settings, fast),
        host="127.0.0.1",
        port=0,
        lifespan="off",
        log_level="warning",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.01)
    yield f"ws://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/graphql"
    server.should_exit = True
    await task


@pytest.mark.parametrize(
    ("protocol", "init", "keep_alive"),
    [("graphql-transport-ws", "connection_init", "ping"), ("graphql-ws", "connection_init", "ka")],
)
async def test_idle_connections_get_keep_alives(
    chatty_server, make_user, protocol, init, keep_alive
):
    _, token = await make_user(Role.DS)
    async with websockets.connect(chatty_server, subprotocols=[protocol]) as socket:
        payload = {"Authorization": f"Bearer {token}"}
        await socket.send(json.dumps({"type": init, "payload": payload}))
        seen = []
        async with asyncio.timeout(3):
            while seen.count(keep_alive) < 2:
                seen.append(json.loads(await socket.recv())["type"])
        assert seen[0] == "connection_ack"


async def test_connections_carrying_events_are_not_pinged(chatty_server, services, make_user):
    user, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    query = "subscription($id: ID!) { metricPoints(experimentId: $id) { points { step } } }"
    async with websockets.connect(chatty_server, subprotocols=["graphql-transport-ws"]) as socket:
        payload = {"Authorization": f"Bearer {token}"}
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        subscribe = {"query": query, "variables": {"id": str(experiment.id)}}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        seen: list[str] = []

        async def read() -> None:
            while True:
                seen.append(json.loads(await socket.recv())["type"])

        reader = asyncio.create_task(read())
        await asyncio.sleep(0.1)  # subscribed
        channel = experiment_channel(experiment.id)
        for step in range(20):  # an event every 0.05 s for a second: never idle for 0.2 s
            event = {
                "type": "metrics",
                "seq": 1000 + step,
                "keys": ["loss"],
                "steps": [step],
                "values": [1.0],
                "timestamps": [utcnow().isoformat()],
            }
            await services.broker.publish(channel, orjson.dumps(event))
            await asyncio.sleep(0.05)
        busy = list(seen)
        await asyncio.sleep(0.6)  # idle again: pinged
        reader.cancel()
    assert busy.count("next") >= 15 and "ping" not in busy
    assert "ping" in seen[len(busy) :]
