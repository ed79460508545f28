"""W&B runs written once per session by the real ``wandb`` (offline), and a real server
process per backend for the CLI to import them into."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import BACKENDS
from tests.pg import TEST_DATABASE_ENV
from tests.service_process import REPO, ServiceProcess, service_process

STEPS = 10_000


@pytest.fixture(scope="session")
def wandb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``…/wandb`` with the two runs of ``tests/wandb/write_run.py``."""
    directory = tmp_path_factory.mktemp("wandb-runs")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")}
    subprocess.run(
        [sys.executable, "-m", "tests.wandb.write_run", str(directory), str(STEPS)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return directory / "wandb"


def run_folder(wandb_dir: Path, name: str) -> Path:
    """The run folder of the run whose display name is ``name``."""
    from app.integrations.wandb.reader import find_runs, read_run

    for folder in find_runs([wandb_dir]):
        if read_run(folder).run.display_name == name:
            return folder
    raise AssertionError(f"no run {name}")


@pytest.fixture(scope="session", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    workdir = tmp_path_factory.mktemp(f"wandb-{request.param}")
    with service_process(workdir, request.param, os.environ.get(TEST_DATABASE_ENV)) as running:
        yield running


@dataclass
class Caller:
    server: ServiceProcess
    token: str
    user_id: str

    def rest(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(timeout=60) as http:
            return http.request(
                method, f"{self.server.base}/api/v1{path}", headers=headers, **kwargs
            )

    def get(self, path: str, **params: Any) -> Any:
        answer = self.rest("GET", path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def experiments(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.get("/experiments", first=100)["items"]
        return items

    def import_wandb(self, *args: str, token: str | None = "") -> subprocess.CompletedProcess[str]:
        """``expsvc import wandb ARGS --url …`` with this caller's token in EXPSVC_TOKEN
        (``token``: another one; None: none)."""
        env = {k: v for k, v in os.environ.items() if k != "EXPSVC_TOKEN"}
        if token is not None:
            env["EXPSVC_TOKEN"] = token or self.token
        return subprocess.run(
            [sys.executable, "-m", "app.cli", "import", "wandb", *args, "--url", self.server.base],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )


def new_caller(server: ServiceProcess, role: str = "DS") -> Caller:
    email = f"{uuid.uuid4().hex[:12]}@example.test"
    mutation = (
        "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } token } }"
    )
    with httpx.Client(timeout=30) as http:
        answer = http.post(
            f"{server.base}/graphql",
            json={
                "query": mutation,
                "variables": {"input": {"name": "importer", "email": email, "role": role}},
            },
            headers={"Authorization": f"Bearer {server.admin_token}"},
        )
    created = answer.json()["data"]["createUser"]
    return Caller(server, created["token"], created["user"]["id"])
