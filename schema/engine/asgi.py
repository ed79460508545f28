"""The GraphQL ASGI endpoint: HTTP and websockets on the same path.

GraphiQL is not strawberry's (its page loads from a CDN): the console's own build serves
it, ``app/web_console.py``, routed in front of this app.

A JSON body over ``EXPSVC_MAX_REQUEST_BYTES`` is refused with 413 ``PAYLOAD_TOO_LARGE``
as soon as that is known (``app/request_body.py``, the rule REST uses). File uploads follow
the GraphQL multipart request spec; the body is parsed as a stream
(``app.artifacts.uploads``) instead of strawberry's ``request.form()``, which would spool
every file before the resolver runs. Websockets: ``schema/engine/websockets.py``.

Relies on strawberry 0.341's ASGI view beyond its documented hooks (``get_context``,
``encode_json``): it overrides ``run`` and ``parse_multipart``, sets
``request_adapter_class`` to a subclass of ``cross_web``'s ``StarletteRequestAdapter``,
and names its websocket handler and adapter classes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, StarletteRequestAdapter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.types.unset import UNSET

from app.artifacts.uploads import parse_graphql_multipart
from app.errors import DomainError, PayloadTooLarge
from app.request_body import read_body
from app.services import Services
from app.users.tokens import bearer_token
from schema.context import Context
from schema.engine.shared_events import encoded_payload
from schema.engine.tricks import tricks_on
from schema.engine.websockets import (
    CLOSE_TRY_AGAIN_LATER,
    LegacyWSHandler,
    LimitedWebSocketAdapter,
    TransportWSHandler,
    WebSocketPolicy,
)
from schema.errors import error_entry


class _RequestAdapter(StarletteRequestAdapter):
    """Keeps the Starlette request at hand, for the streamed multipart parser, and reads a
    JSON body under the request size limit (the app sets ``limit``)."""

    limit: int = 0

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request

    async def get_body(self) -> bytes:
        return await read_body(self.request, self.limit)


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler
    websocket_adapter_class = LimitedWebSocketAdapter

    def __init__(self, services: Services, schema: strawberry.Schema) -> None:
        """Serves ``schema`` (``schema.build.build_schema``) with ``services``."""
        settings = services.settings
        super().__init__(
            schema,
            graphql_ide=None,  # app/web_console.py serves a self-hosted GraphiQL
            keep_alive=True,  # graphql-ws "ka"; graphql-transport-ws gets our pings
            keep_alive_interval=settings.ws_keep_alive_seconds,
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
            multipart_uploads_enabled=True,
            connection_init_wait_timeout=timedelta(
                seconds=settings.ws_connection_init_timeout_seconds
            ),
        )
        self.services = services
        self.tricks = tricks_on(self.schema)
        self.ws_policy = WebSocketPolicy(settings)
        limited: type[_RequestAdapter] = type(
            "RequestAdapter", (_RequestAdapter,), {"limit": settings.max_request_bytes}
        )
        self.request_adapter_class = limited

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await super().__call__(scope, receive, send)
            return
        client = scope.get("client")
        address = str(client[0]) if client else ""
        limits = self.ws_policy.limits
        if not limits.claim_address(address):
            websocket = WebSocket(scope, receive, send)
            await websocket.accept(subprotocol=await self.pick_websocket_subprotocol(websocket))
            await websocket.close(CLOSE_TRY_AGAIN_LATER, "Too many connections from this address")
            return
        try:
            await super().__call__(scope, receive, send)
        finally:
            limits.release_address(address)

    async def run(  # type: ignore[override]
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response | WebSocket:
        """A domain error raised while reading the request (a body over the limit) is
        answered like any other: its status, and ``extensions.code`` in the errors."""
        try:
            return await super().run(request, context, root_value)
        except DomainError as exc:
            if isinstance(request, WebSocket):
                raise
            # An unread body is not worth reading: close the connection after answering
            headers = {"connection": "close"} if isinstance(exc, PayloadTooLarge) else None
            return JSONResponse(
                {"errors": [error_entry(exc)]}, status_code=exc.http_status, headers=headers
            )

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, str]:
        assert isinstance(request, _RequestAdapter)
        limit = self.services.settings.max_request_bytes
        data: dict[str, str] = await parse_graphql_multipart(request.request, field_limit=limit)
        return data

    def encode_json(self, data: object) -> str:
        """orjson, as a text frame (what websocket clients expect). A subscription result
        shared by many subscribers (``schema/engine/shared_events.py``) is encoded once:
        only the operation id differs between their messages (the same text either way)."""
        if isinstance(data, dict) and data.get("type") in ("next", "data") and self.tricks:
            payload = data.get("payload")
            if isinstance(payload, dict) and payload.keys() == {"data"}:
                body = encoded_payload(payload["data"])
                ident = orjson.dumps(data["id"]).decode()
                return f'{{"id":{ident},"type":"{data["type"]}","payload":{body}}}'
        return orjson.dumps(data).decode()

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        token = bearer_token(request.headers.get("authorization"))
        return Context(services=self.services, token=token, request=request, response=response)
