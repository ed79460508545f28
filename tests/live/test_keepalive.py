"""The server keeps idle websockets alive: pings (graphql-transport-ws) and "ka" (graphql-ws)."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest
import uvicorn
import websockets

from app.main import create_app
from app.models.enums import Role


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
