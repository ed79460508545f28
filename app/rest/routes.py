"""``rest_app(services)``: the REST application mounted at ``/api/v1``.

Routes come from one table of ``Endpoint``s: the same table builds the Starlette routes and
the OpenAPI document, so every served route is documented. Later route modules (metrics,
logs, artifacts, compare) add their ``ENDPOINTS`` to ``endpoint_table()``.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import Response

from app.rest import (
    artifacts,
    compare,
    docs,
    experiments,
    facets,
    hypotheses,
    logs,
    metrics,
    notifications,
    resources,
    tokens,
    users,
    wandb_import,
)
from app.rest.endpoints import Call, Endpoint, build_routes
from app.rest.errors import EXCEPTION_HANDLERS, CatchAllMiddleware
from app.rest.openapi import openapi_document
from app.services import Services

TITLE = "Experiment Service REST API"
VERSION = "1.0.0"


async def get_openapi_document(call: Call) -> Any:
    document: bytes = call.request.app.state.openapi
    return Response(document, media_type="application/json")


OPENAPI_ENDPOINT = Endpoint(
    "GET",
    "/openapi.json",
    get_openapi_document,
    "This OpenAPI document",
    response_schema={"type": "object"},
    tags=("meta",),
    auth=False,
)


def endpoint_table() -> list[Endpoint]:
    return [
        *experiments.ENDPOINTS,
        *metrics.ENDPOINTS,
        *logs.ENDPOINTS,
        *artifacts.ENDPOINTS,
        *compare.ENDPOINTS,
        *hypotheses.ENDPOINTS,
        *resources.ENDPOINTS,
        *tokens.ENDPOINTS,
        *notifications.ENDPOINTS,
        *users.ENDPOINTS,
        *facets.ENDPOINTS,
        *wandb_import.ENDPOINTS,
        OPENAPI_ENDPOINT,
        *docs.ENDPOINTS,
    ]


def rest_app(services: Services) -> Starlette:
    endpoints = endpoint_table()
    app = Starlette(
        routes=build_routes(endpoints, services),
        middleware=[Middleware(CatchAllMiddleware)],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    document = openapi_document(endpoints, title=TITLE, version=VERSION)
    app.state.openapi = orjson.dumps(document)
    return app
