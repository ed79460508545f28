"""The client against a real ``expsvc serve`` (one per backend), each test as a user of its
own with a hypothesis of its own, and a spool folder of its own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import BACKENDS
from tests.pg import TEST_DATABASE_ENV
from tests.service_process import ServiceProcess, service_process
from tests.web.accounts import new_account
from tests.web.server import Api


@dataclass
class User:
    """A DS user of the server: its token, a hypothesis of its own, REST as that user."""

    service: ServiceProcess
    token: str
    hypothesis_id: str
    hypothesis_title: str
    spool: Path
    gql: Api

    @property
    def url(self) -> str:
        return self.service.base

    def options(self, **more: Any) -> dict[str, Any]:
        """``init``/``attach`` keyword arguments reaching this server as this user."""
        return {"url": self.url, "token": self.token, "spool_dir": str(self.spool), **more}

    def rest(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        with httpx.Client(base_url=f"{self.url}/api/v1", timeout=30) as http:
            return http.request(
                method, path, headers={"Authorization": f"Bearer {self.token}"}, **kwargs
            )

    def experiment(self, experiment_id: str) -> dict[str, Any]:
        answer = self.rest("GET", f"/experiments/{experiment_id}")
        answer.raise_for_status()
        data: dict[str, Any] = answer.json()
        return data

    def series(self, experiment_id: str, key: str) -> list[tuple[int, Any]]:
        """Every stored point of ``key``, as (step, value), in step order: read in windows
        of 10,000 steps (the history's undownsampled limit) until the summary's count is
        reached (the tests' steps are dense)."""
        summary = self.summaries(experiment_id).get(key)
        count = summary["count"] if summary else 0
        points: list[tuple[int, Any]] = []
        step_from = 0
        while len(points) < count and step_from < 10**9:
            answer = self.rest(
                "GET",
                f"/experiments/{experiment_id}/metrics",
                params={
                    "key": key,
                    "max_points": 10_000,
                    "step_from": step_from,
                    "step_to": step_from + 9_999,
                },
            )
            answer.raise_for_status()
            body = answer.json()
            assert not body["downsampled"]
            points.extend((p["step"], p["value"]) for p in body["points"])
            step_from += 10_000
        return points

    def summaries(self, experiment_id: str) -> dict[str, dict[str, Any]]:
        answer = self.rest("GET", f"/experiments/{experiment_id}/metrics")
        answer.raise_for_status()
        return {s["key"]: s for s in answer.json()["summaries"]}

    def log_lines(self, experiment_id: str) -> list[dict[str, Any]]:
        lines: list[dict[str, Any]] = []
        after = 0
        while True:
            answer = self.rest(
                "GET", f"/experiments/{experiment_id}/logs", params={"after": after, "limit": 1000}
            )
            answer.raise_for_status()
            page = answer.json()
            lines.extend(page["lines"])
            if not page["has_more"]:
                return lines
            after = page["next_after"]

    def create(self, name: str = "queued", **fields: Any) -> str:
        body = {
            "hypothesis_id": self.hypothesis_id,
            "name": name,
            "type": "ML",
            "model": "tiny",
            "framework": "python",
            **fields,
        }
        answer = self.rest("POST", "/experiments", json=body)
        assert answer.status_code == 201, answer.text
        ident: str = answer.json()["id"]
        return ident


def backend_service(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    **settings: str,
) -> Iterator[ServiceProcess]:
    """A fixture's body: a server on the backend the fixture is parametrised with."""
    workdir = tmp_path_factory.mktemp(f"{name}-{request.param}")
    database = os.environ.get(TEST_DATABASE_ENV)
    with service_process(workdir, request.param, database, **settings) as running:
        yield running


@pytest.fixture(scope="session", params=BACKENDS)
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    yield from backend_service(request, tmp_path_factory, "client")


def make_user(service: ServiceProcess, spool: Path, name: str = "trainer") -> User:
    with httpx.Client(timeout=30) as http:
        admin = Api(service.base, service.admin_token, http)
        account = new_account(admin, name, f"client hypothesis {os.urandom(4).hex()}")
    return User(
        service,
        account.api.token,
        account.hypothesis_id,
        account.hypothesis_title,
        spool,
        Api(service.base, account.api.token, httpx.Client(timeout=30)),
    )


@pytest.fixture
def user(service: ServiceProcess, tmp_path: Path) -> User:
    return make_user(service, tmp_path / "spool")
