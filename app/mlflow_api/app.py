"""The MLflow-compatible routes: one table of ``MlflowEndpoint``s served under MLflow's
prefixes (``/api/2.0/mlflow``, its ``/ajax-api`` alias, the artifact proxy's
``/api/2.0/mlflow-artifacts``), every failure in MLflow's error shape, and
``ENDPOINT_NOT_FOUND`` for any other path under those prefixes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from app.errors import DomainError
from app.mlflow_api.call import MlflowCall, body_args, query_args
from app.mlflow_api.errors import domain_error_response, endpoint_not_found, internal_error_response
from app.rate_limits import RouteClass, client_address, method_class
from app.rest.responses import ORJSONResponse
from app.services import Services
from app.users.tokens import bearer_token

log = logging.getLogger("expsvc.mlflow_api")

Handler = Callable[[MlflowCall], Awaitable[Any]]

TRACKING_PREFIXES = ("/api/2.0/mlflow", "/ajax-api/2.0/mlflow")
ARTIFACT_PREFIXES = ("/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts")
# Everything under these is MLflow's: a path we do not serve answers ENDPOINT_NOT_FOUND
MLFLOW_PREFIXES = ("/api/2.0", "/api/2.1", "/api/3.0", "/ajax-api")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


@dataclass(frozen=True)
class MlflowEndpoint:
    method: str
    path: str  # below the prefix, e.g. "/runs/create"
    handler: Handler
    # "json": the arguments are the query (GET) or the JSON body; "raw": only the query,
    # and the handler reads the body itself (artifact uploads)
    body: str = "json"
    prefixes: tuple[str, ...] = TRACKING_PREFIXES
    # Its rate-limit class when not the method's (app/rate_limits.py); an INGEST handler
    # charges its batch's points with ``MlflowCall.charge_ingest``
    rate: RouteClass | None = None

    @property
    def route_class(self) -> RouteClass:
        """Its ``rate``, else a read for a GET or a search (MLflow POSTs its searches),
        else a mutation."""
        if self.rate is not None:
            return self.rate
        if self.path.rsplit("/", 1)[-1].startswith("search"):
            return RouteClass.READ
        return method_class(self.method)


@dataclass
class _PathGroup:
    runners: dict[str, Callable[[Request], Awaitable[Response]]] = field(default_factory=dict)

    async def dispatch(self, request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        runner = self.runners.get(method)
        if runner is None:
            return endpoint_not_found(request)
        return await runner(request)


def _runner(
    endpoint: MlflowEndpoint, services: Services
) -> Callable[[Request], Awaitable[Response]]:
    kind = endpoint.route_class

    async def run(request: Request) -> Response:
        try:
            token = bearer_token(request.headers.get("authorization"))
            caller = await services.limits.caller(services.auth, token, client_address(request))
            if kind is not RouteClass.INGEST:
                await services.limits.charge(caller.key, kind)
            if endpoint.body == "json" and request.method != "GET":
                args = await body_args(request, services.settings.max_request_bytes)
            else:
                args = query_args(request)
            result = await endpoint.handler(
                MlflowCall(request, services, caller.user, args, rate_key=caller.key)
            )
        except DomainError as exc:
            return domain_error_response(exc)
        except ClientDisconnect:
            return Response(status_code=499)
        except Exception:
            log.exception("unexpected error in %s %s", request.method, request.url.path)
            return internal_error_response()
        if isinstance(result, Response):
            return result
        return ORJSONResponse(result)

    return run


async def _not_found(request: Request) -> Response:
    return endpoint_not_found(request)


def mlflow_routes(services: Services, endpoints: Sequence[MlflowEndpoint]) -> list[BaseRoute]:
    """The routes of ``endpoints`` under each of their prefixes, then the catch-alls."""
    groups: dict[str, _PathGroup] = {}
    for endpoint in endpoints:
        for prefix in endpoint.prefixes:
            group = groups.setdefault(prefix + endpoint.path, _PathGroup())
            if endpoint.method in group.runners:
                raise ValueError(f"duplicate MLflow endpoint {endpoint.method} {endpoint.path}")
            group.runners[endpoint.method] = _runner(endpoint, services)
    routes: list[BaseRoute] = [
        Route(path, group.dispatch, methods=ALL_METHODS) for path, group in groups.items()
    ]
    routes += [
        Route(prefix + "/{rest:path}", _not_found, methods=ALL_METHODS)
        for prefix in MLFLOW_PREFIXES
    ]
    return routes
