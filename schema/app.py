"""The GraphQL ASGI endpoint: HTTP (with GraphiQL), and websockets on the same path.

File uploads follow the GraphQL multipart request spec; the body is parsed as a stream
(``app.artifacts.uploads``) instead of strawberry's ``request.form()``, which would spool
every file before the resolver runs.
"""

from __future__ import annotations

from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from app.artifacts.uploads import parse_graphql_multipart
from app.errors import DomainError
from app.services import Services
from app.users.tokens import bearer_token
from schema.build import build_schema
from schema.context import Context
from schema.shared_events import encoded_payload
from schema.websockets import GraphQLWSHandler, PingingTransportWSHandler


class _RequestAdapter(StarletteRequestAdapter):
    """Keeps the Starlette request at hand, for the streamed multipart parser."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = PingingTransportWSHandler
    graphql_ws_handler_class = GraphQLWSHandler
    request_adapter_class = _RequestAdapter

    def __init__(self, services: Services) -> None:
        super().__init__(
            build_schema(services.settings),
            graphql_ide="graphiql",
            keep_alive=True,  # graphql-ws "ka"; graphql-transport-ws gets our pings
            keep_alive_interval=services.settings.ws_keep_alive_seconds,
            max_subscriptions_per_connection=services.settings.max_subscriptions_per_connection,
            multipart_uploads_enabled=True,
        )
        self.services = services

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, str]:
        assert isinstance(request, _RequestAdapter)
        limit = self.services.settings.max_request_bytes
        try:
            data: dict[str, str] = await parse_graphql_multipart(request.request, field_limit=limit)
        except DomainError as exc:
            raise HTTPException(exc.http_status, exc.message) from None
        return data

    def encode_json(self, data: object) -> str:
        """orjson, as a text frame (what websocket clients expect). A subscription result
        shared by many subscribers (``schema/shared_events.py``) is encoded once: only the
        operation id differs between their messages."""
        if isinstance(data, dict) and data.get("type") in ("next", "data"):
            payload = data.get("payload")
            if isinstance(payload, dict) and payload.keys() == {"data"}:
                body = encoded_payload(payload["data"])
                ident = orjson.dumps(data["id"]).decode()
                return f'{{"id":{ident},"type":"{data["type"]}","payload":{body}}}'
        return orjson.dumps(data).decode()

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        token = bearer_token(request.headers.get("authorization"))
        return Context(services=self.services, token=token, request=request, response=response)
