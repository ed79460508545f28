"""A websocket GraphQL client for tests: ``gql`` with its websockets transport."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

PROTOCOLS = {
    "graphql-transport-ws": WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL,
    "graphql-ws": WebsocketsTransport.APOLLO_SUBPROTOCOL,
}


@asynccontextmanager
async def ws_session(
    server: str, token: str | None, protocol: str = "graphql-transport-ws"
) -> AsyncIterator[Any]:
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    transport = WebsocketsTransport(
        url=f"ws://{server}/graphql", init_payload=payload, subprotocols=[PROTOCOLS[protocol]]
    )
    async with Client(transport=transport) as session:
        yield session


class Collector:
    """Runs a subscription in the background and keeps what arrives."""

    def __init__(self, session: Any, query: str, variables: dict[str, Any]) -> None:
        self.items: list[dict[str, Any]] = []
        self.error: BaseException | None = None
        self._changed = asyncio.Event()
        request = GraphQLRequest(query, variable_values=variables)
        self.task = asyncio.create_task(self._run(session, request))

    async def _run(self, session: Any, request: GraphQLRequest) -> None:
        try:
            async for item in session.subscribe(request):
                self.items.append(item)
                self._changed.set()
        except Exception as exc:
            self.error = exc
            self._changed.set()

    async def wait_for(self, predicate: Any, seconds: float = 10.0) -> None:
        async with asyncio.timeout(seconds):
            while not predicate(self.items) and self.error is None:
                self._changed.clear()
                await self._changed.wait()
        if self.error is not None and not predicate(self.items):
            raise self.error

    async def stop(self) -> None:
        self.task.cancel()
        with suppress(asyncio.CancelledError):
            await self.task
