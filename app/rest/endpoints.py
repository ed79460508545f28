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
from app.errors import DomainError, NotFound, PayloadTooLarge, Unauthenticated, ValidationFailed
from app.models import User
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

    @property
    def settings(self) -> Settings:
        return self.services.settings

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
        return list(dict.fromkeys([*implied, *self.errors]))


async def authenticate_request(services: Services, request: Request) -> User:
    token = bearer_token(request.headers.get("authorization"))
    return await services.auth.user(token)


async def _call_for(endpoint: Endpoint, services: Services, request: Request) -> Call:
    user = await authenticate_request(services, request) if endpoint.auth else None
    query = None
    if endpoint.query_model is not None:
        query = parse(endpoint.query_model, query_data(request, endpoint.query_model))
    body = None
    if endpoint.request_model is not None:
        limit = services.settings.max_request_bytes
        document = await read_json_object(request, limit, required=endpoint.body_required)
        body = parse(endpoint.request_model, document)
    return Call(request=request, services=services, user=user, body=body, query=query)


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
