"""A real ``expsvc serve`` process for the browser tests and ``scripts/screenshots.py``: its own
database (a SQLite file, or a fresh PostgreSQL database), the built console from
``web/dist``, and a GraphQL helper that seeds data through the API as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.pg import create_database, drop_database
from tests.redis_server import free_port

REPO = Path(__file__).resolve().parents[2]
WEB_DIST = REPO / "web" / "dist"
# Start-up of a fresh process, migrations included, on a shared 2-core machine
STARTUP_SECONDS = 90


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


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited while starting:\n{_tail(log)}")
            try:
                if client.get(f"{base}/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"the server was not ready in {STARTUP_SECONDS} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


@contextmanager
def console_server(
    workdir: Path, backend: str, postgres_server: str | None = None, **settings: str
) -> Iterator[ConsoleServer]:
    """``expsvc serve`` on a free loopback port, on ``backend`` ("sqlite" or "postgresql",
    then a fresh database next to ``postgres_server``, dropped afterwards)."""
    database_url = f"sqlite+aiosqlite:///{workdir / 'expsvc.db'}"
    if backend == "postgresql":
        assert postgres_server, "PostgreSQL needs the server's URL"
        database_url = create_database(postgres_server, prefix="expsvc_web")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "EXPSVC_HOME": str(workdir / "home"),
        "EXPSVC_DATABASE_URL": database_url,
        "EXPSVC_REDIS_URL": "",
        "EXPSVC_ARTIFACT_STORE_URL": f"file://{workdir / 'artifacts'}",
        "EXPSVC_WEB_DIST": str(WEB_DIST),
        "EXPSVC_LOG_LEVEL": "WARNING",
        **{f"EXPSVC_{name.upper()}": value for name, value in settings.items()},
    }
    env.pop("EXPSVC_DATA_DIR", None)
    log = workdir / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(base, process, log)
        token = (workdir / "home" / "admin-token").read_text().strip()
        with httpx.Client(timeout=30) as http:
            yield ConsoleServer(base, Api(base, token, http), log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if backend == "postgresql" and postgres_server:
            drop_database(postgres_server, database_url)
