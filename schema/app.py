"""The GraphQL ASGI endpoint: HTTP (with GraphiQL), and websockets on the same path."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from app.services import Services
from app.users.tokens import bearer_token
from schema.build import build_schema
from schema.context import Context
from schema.websockets import PingingTransportWSHandler


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = PingingTransportWSHandler

    def __init__(self, services: Services) -> None:
        super().__init__(
            build_schema(services.settings),
            graphql_ide="graphiql",
            keep_alive=True,  # graphql-ws "ka"; graphql-transport-ws gets our pings
            keep_alive_interval=services.settings.ws_keep_alive_seconds,
            max_subscriptions_per_connection=services.settings.max_subscriptions_per_connection,
        )
        self.services = services

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        token = bearer_token(request.headers.get("authorization"))
        return Context(services=self.services, token=token, request=request, response=response)
