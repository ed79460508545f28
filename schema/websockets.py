"""Websocket keep-alive: the server pings graphql-transport-ws clients (graphql-ws clients
get strawberry's own "ka" messages), so idle connections through proxies stay open and
dead peers are noticed."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)


class PingingTransportWSHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    async def handle(self) -> None:
        pinger = asyncio.create_task(self._ping_forever())
        try:
            await super().handle()
        finally:
            pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pinger

    async def _ping_forever(self) -> None:
        interval = float(getattr(self.view, "keep_alive_interval", 15) or 15)
        while True:
            await asyncio.sleep(interval)
            if self.connection_acknowledged:
                with contextlib.suppress(Exception):  # a closed socket ends handle() anyway
                    await self.send_message({"type": "ping"})
