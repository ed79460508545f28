"""The GraphQL context: the caller, the backing services and the per-request loaders."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from app.config import Settings
from app.errors import DomainError, NotFound, RateLimited, Unauthenticated
from app.models import User
from app.rate_limits import Caller, RouteClass, client_address, ingest_cost
from app.services import Services
from app.users.tokens import bearer_token
from schema.dataloaders import Loaders


@dataclass
class Context:
    services: Services
    token: str | None
    request: Request | WebSocket | None = None
    response: Any = None
    # The websocket ``connection_init`` payload (strawberry sets it): carries the token
    connection_params: Any = None
    loaders: Loaders = field(init=False)
    _caller: Caller | None = field(default=None, init=False)
    _refused: DomainError | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.services.db, self.services.metrics)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    async def actor(self) -> User:
        """The authenticated caller; ``UNAUTHENTICATED`` without a valid token. A websocket
        connection asks again (through the auth cache) for each operation it starts, so a
        token revoked while it is open starts nothing more."""
        return (await self.caller()).user

    async def caller(self) -> Caller:
        """The caller with its rate-limit key (``app/rate_limits.py``). An HTTP request
        authenticates once: a refusal is remembered, so the address is charged once."""
        if isinstance(self.request, WebSocket):
            return await self._authenticate()
        if self._refused is not None:
            raise self._refused
        if self._caller is None:
            try:
                self._caller = await self._authenticate()
            except (Unauthenticated, RateLimited) as exc:
                self._refused = exc
                raise
        return self._caller

    async def _authenticate(self) -> Caller:
        address = client_address(self.request) if self.request is not None else ""
        services = self.services
        return await services.limits.caller(services.auth, self.connection_token(), address)

    async def charge_ingest(self, points: int) -> None:
        """Count a batch's points (or lines) before it is written: ``RATE_LIMITED`` refuses
        the whole batch."""
        key = (await self.caller()).key
        await self.services.limits.charge(key, RouteClass.INGEST, ingest_cost(points))

    def connection_token(self) -> str | None:
        """The bearer token: the request's header, or a websocket's ``connection_init``."""
        return self.token or self._token_from_connection()

    def _token_from_connection(self) -> str | None:
        params = self.connection_params
        if not isinstance(params, dict):
            return None
        value = params.get("Authorization", params.get("authorization"))
        return bearer_token(value) if isinstance(value, str) else None

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        async with self.services.db.reader() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """The unit of work of one mutation: commits when the resolver succeeds."""
        async with self.services.db.unit_of_work() as session:
            yield session


Info = StrawberryInfo[Context, None]


def parse_id(value: str, what: str) -> uuid.UUID:
    """An ID argument as a UUID; a malformed one names nothing, so ``NOT_FOUND``."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(what, value) from None
