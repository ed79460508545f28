"""The websocket protocol handlers (strawberry's, extended).

- Keep-alive: the server pings graphql-transport-ws clients (graphql-ws clients get
  strawberry's own "ka" messages), so idle connections through proxies stay open and
  dead peers are noticed.
- Each operation's task starts by naming its ``Outlet`` (``schema/live_delivery.py``), so
  shared live events can be written to the socket without strawberry's per-event path.
  The overridden methods are strawberry's per-operation entry points (strawberry-graphql
  0.341, ``run_operation`` and ``handle_async_results``); they are extended, not replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

from schema.live_delivery import serve_operation


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

    async def run_operation(self, operation: Operation[Any, Any]) -> None:
        serve_operation(self.websocket, operation.id, "next", lambda: operation.completed)
        await super().run_operation(operation)


class GraphQLWSHandler(BaseGraphQLWSHandler[Any, Any]):
    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        serve_operation(self.websocket, operation_id, "data", lambda: False)
        await super().handle_async_results(operation_id, query, operation_name, variables)
