"""A real server on a loopback port for websocket tests (uvicorn in the test's loop)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn

from app.services import Services
from tests.live.servers import ServerFactory, server_factory


@pytest.fixture(scope="session")
async def live_server(app: Any, services: Services) -> AsyncIterator[str]:
    """``http://127.0.0.1:<port>`` serving the session's app, with the outbox relay on."""
    config = uvicorn.Config(
        app,
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
    port = server.servers[0].sockets[0].getsockname()[1]
    services.relay.start()
    yield f"127.0.0.1:{port}"
    await services.relay.stop()
    server.should_exit = True
    await task


@pytest.fixture
async def start_server(services: Services) -> AsyncIterator[ServerFactory]:
    """``await start_server(**setting_overrides)`` → ``127.0.0.1:<port>`` of a real server
    built as ``expsvc serve`` builds it; stopped after the test."""
    async with server_factory(services) as start:
        yield start
