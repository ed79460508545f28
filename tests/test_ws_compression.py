"""permessage-deflate is refused unless ``EXPSVC_WS_PER_MESSAGE_DEFLATE`` is on: compressing
each live batch once per subscriber costs more CPU than the fan-out itself."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
import uvicorn
import websockets

from app.main import create_app
from app.server import server_options
from app.services import Services


@pytest.mark.parametrize(("enabled", "negotiated"), [(False, []), (True, ["permessage-deflate"])])
async def test_compression_is_negotiated_only_when_enabled(
    services: Services, enabled: bool, negotiated: list[str]
) -> None:
    settings = services.settings.model_copy(update={"ws_per_message_deflate": enabled})
    ours = dataclasses.replace(services, settings=settings)
    options: dict[str, Any] = server_options(settings)
    config = uvicorn.Config(
        create_app(settings, ours),
        host="127.0.0.1",
        port=0,
        lifespan="off",
        log_level="warning",
        **options,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        # the client offers permessage-deflate, as browsers do
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/graphql",
            subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
            compression="deflate",
        ) as socket:
            assert [extension.name for extension in socket.protocol.extensions] == negotiated
    finally:
        server.should_exit = True
        await task


def test_compression_is_off_by_default() -> None:
    from app.config import Settings

    assert server_options(Settings())["ws_per_message_deflate"] is False
