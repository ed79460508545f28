"""Real uvicorn servers on loopback ports, built as ``expsvc serve`` builds them
(``app.server.server_options``), with settings a test overrides."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import uvicorn

from app.main import create_app
from app.server import server_options
from app.services import Services


@asynccontextmanager
async def running_server(
    services: Services, server: dict[str, Any] | None = None, **overrides: Any
) -> AsyncIterator[str]:
    """``127.0.0.1:<port>`` serving an app over ``services`` with the settings
    ``overrides`` applied (and uvicorn's options overridden by ``server``)."""
    settings = services.settings.model_copy(update=overrides)
    ours = dataclasses.replace(services, settings=settings)
    config = uvicorn.Config(
        create_app(settings, ours),
        host="127.0.0.1",
        port=0,
        lifespan="off",
        log_level="warning",
        **{**server_options(settings), "ws": "websockets-sansio", **(server or {})},
    )
    uvicorn_server = uvicorn.Server(config)
    task = asyncio.create_task(uvicorn_server.serve())
    try:
        while not uvicorn_server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
            await asyncio.sleep(0.01)
        yield f"127.0.0.1:{uvicorn_server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        uvicorn_server.should_exit = True
        await task


ServerFactory = Callable[..., Awaitable[str]]


@asynccontextmanager
async def server_factory(services: Services) -> AsyncIterator[ServerFactory]:
    """``await start(server=None, **overrides)`` → the address of a new server; all stop at
    the end."""
    async with AsyncExitStack() as stack:

        async def start(server: dict[str, Any] | None = None, **overrides: Any) -> str:
            return await stack.enter_async_context(running_server(services, server, **overrides))

        yield start
