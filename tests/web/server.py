"""A real ``expsvc serve`` process for the browser tests and ``scripts/screenshots.py``: its own
database (a SQLite file, or a fresh PostgreSQL database), the built console from
``web/dist``, and a GraphQL helper that seeds data through the API as a user would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.service_process import REPO, service_process

WEB_DIST = REPO / "web" / "dist"


class ApiError(AssertionError):
    """A GraphQL answer with errors, where the caller expected data."""


@dataclass
class Api:
    """GraphQL over HTTP against the server, as one user (its token)."""

    base: str
    token: str
    http: httpx.Client = field(repr=False)

    def gql(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.http.post(
            f"{self.base}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        body = response.json()
        if body.get("errors"):
            raise ApiError(f"{query.split('(')[0].strip()}: {body['errors']}")
        data: dict[str, Any] = body["data"]
        return data

    def as_user(self, token: str) -> Api:
        return Api(self.base, token, self.http)


@dataclass
class ConsoleServer:
    base: str
    admin: Api
    log: Path

    @property
    def ws_base(self) -> str:
        return self.base.replace("http://", "ws://", 1)


@contextmanager
def console_server(
    workdir: Path, backend: str, postgres_server: str | None = None, **settings: str
) -> Iterator[ConsoleServer]:
    """``expsvc serve`` serving the built console (``web/dist``) on a free loopback port, on
    ``backend`` (see ``tests.service_process``)."""
    with (
        service_process(
            workdir, backend, postgres_server, web_dist=str(WEB_DIST), **settings
        ) as service,
        httpx.Client(timeout=30) as http,
    ):
        yield ConsoleServer(service.base, Api(service.base, service.admin_token, http), service.log)
