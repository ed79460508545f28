"""The route table: each ``Endpoint`` becomes a Starlette route and an OpenAPI operation,
so a route cannot be served without being documented (or the other way round)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.config import Settings
from app.errors import (
    DomainError,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Unauthenticated,
    ValidationFailed,
)
from app.models import User
from app.rate_limits import RouteClass, client_address, ingest_cost, method_class
from app.rest.body import QueryModel, query_data, read_json_object
from app.rest.responses import ORJSONResponse
from app.services import Services
from app.users.tokens import bearer_token
from app.validation import parse

M = TypeVar("M", bound=BaseModel)
Q = TypeVar("Q", bound=QueryModel)

_PATH_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


@dataclass(frozen=True)
class Call:
    """What a handler gets: the request, the services, the caller and the parsed input."""

    request: Request
    services: Services
    user: User | None = None
    body: BaseModel | None = None
    query: QueryModel | None = None
    rate_key: str = ""  # the caller's rate-limit buckets (app/rate_limits.py)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    async def charge_ingest(self, points: int) -> None:
        """Count a parsed batch's points (or lines) before it is written: ``RATE_LIMITED``
        refuses the whole batch."""
        await self.services.limits.charge(self.rate_key, RouteClass.INGEST, ingest_cost(points))

    @property
    def actor(self) -> User:
        if self.user is None:
            raise Unauthenticated()
        return self.user

    def path_id(self, name: str = "id", what: str = "experiment") -> uuid.UUID:
        """A UUID path parameter; a malformed one names nothing, so ``NOT_FOUND``."""
        raw = str(self.request.path_params[name])
        try:
            return uuid.UUID(raw)
        except ValueError:
            raise NotFound(what, raw) from None

    def body_as(self, model: type[M]) -> M:
        assert isinstance(self.body, model)
        return self.body

    def query_as(self, model: type[Q]) -> Q:
        assert isinstance(self.query, model)
        return self.query


Handler = Callable[[Call], Awaitable[Any]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    request_model: type[BaseModel] | None = None
    response_model: type[BaseModel] | None = None
    response_schema: dict[str, Any] | None = None  # when the answer is not a model
    # A body the handler reads itself (not a model): documented, not parsed here
    request_schema: dict[str, Any] | None = None
    status_code: int = 200
    tags: tuple[str, ...] = ("experiments",)
    query_model: type[QueryModel] | None = None
    body_required: bool = True
    errors: tuple[type[DomainError], ...] = ()  # besides those implied below
    auth: bool = True
    description: str = ""
    response_description: str = "OK"
    # Bodies that are not JSON (multipart, bytes): OpenAPI ``content`` maps, used as written
    request_content: dict[str, Any] | None = None
    response_content: dict[str, Any] | None = None
    # Answers besides the success and the errors (206, 307, 416…): status → response object
    other_responses: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Its rate-limit class when not the method's (reads for GET, mutations otherwise); an
    # INGEST handler charges its batch's points with ``Call.charge_ingest``
    rate: RouteClass | None = None

    @property
    def route_class(self) -> RouteClass | None:
        """What a request costs (``app/rate_limits.py``); None: not limited (no token)."""
        if not self.auth:
            return None
        return self.rate or method_class(self.method)

    @property
    def operation_id(self) -> str:
        return self.handler.__name__.strip("_")

    @property
    def path_params(self) -> list[str]:
        return _PATH_PARAM.findall(self.path)

    def error_types(self) -> list[type[DomainError]]:
        """Every domain error this endpoint may answer with, implied ones first."""
        implied: list[type[DomainError]] = []
        if self.auth:
            implied.append(Unauthenticated)
        if self.path_params:
            implied.append(NotFound)
        has_body = (
            self.request_model is not None
            or self.request_schema is not None
            or self.request_content is not None
        )
        if has_body or self.query_model is not None:
            implied.append(ValidationFailed)
        if has_body:
            implied.append(PayloadTooLarge)
        if self.route_class is not None:
            implied.append(RateLimited)
        return list(dict.fromkeys([*implied, *self.errors]))


async def _call_for(endpoint: Endpoint, services: Services, request: Request) -> Call:
    user, rate_key = None, ""
    kind = endpoint.route_class
    if endpoint.auth:
        token = bearer_token(request.headers.get("authorization"))
        caller = await services.limits.caller(services.auth, token, client_address(request))
        user, rate_key = caller.user, caller.key
        if kind is not None and kind is not RouteClass.INGEST:
            await services.limits.charge(rate_key, kind)
    query = None
    if endpoint.query_model is not None:
        query = parse(endpoint.query_model, query_data(request, endpoint.query_model))
    body = None
    if endpoint.request_model is not None:
        limit = services.settings.max_request_bytes
        document = await read_json_object(request, limit, required=endpoint.body_required)
        body = parse(endpoint.request_model, document)
    return Call(
        request=request, services=services, user=user, body=body, query=query, rate_key=rate_key
    )


def _runner(endpoint: Endpoint, services: Services) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        result = await endpoint.handler(await _call_for(endpoint, services, request))
        if isinstance(result, Response):
            return result
        return ORJSONResponse(result, status_code=endpoint.status_code)

    return run


@dataclass
class _PathGroup:
    runners: dict[str, Callable[[Request], Awaitable[Response]]] = field(default_factory=dict)

    async def dispatch(self, request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await self.runners[method](request)


def build_routes(endpoints: Sequence[Endpoint], services: Services) -> list[Route]:
    """One Starlette route per path, dispatching on the method (so 405 lists all of them)."""
    groups: dict[str, _PathGroup] = {}
    for endpoint in endpoints:
        group = groups.setdefault(endpoint.path, _PathGroup())
        method = endpoint.method.upper()
        if method in group.runners:
            raise ValueError(f"duplicate endpoint {method} {endpoint.path}")
        group.runners[method] = _runner(endpoint, services)
    return [
        Route(path, group.dispatch, methods=list(group.runners)) for path, group in groups.items()
    ]
