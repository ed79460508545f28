"""Fixtures of the MLflow mirror's tests: one real MLflow tracking server for the session
(started in the background as soon as collection shows a test needs it, since its first
start on a machine downloads MLflow), and services configured to mirror to it."""

from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.integrations.mlflow.mirror import MlflowMirror
from app.main import create_app
from app.models import Experiment, MirrorRun, User
from app.models.enums import Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, start
from tests.mlflow_server import MlflowServer


class _Launcher:
    """Starts the session's server on a thread; ``server()`` waits for it."""

    def __init__(self) -> None:
        self.work_dir: Path | None = None
        self.instance: MlflowServer | None = None
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def begin(self) -> None:
        if self.thread is not None:
            return
        self.work_dir = Path(tempfile.mkdtemp(prefix="expsvc-mlflow-"))
        self.instance = MlflowServer(self.work_dir)
        self.thread = threading.Thread(target=self._start, name="mlflow-server", daemon=True)
        self.thread.start()

    def _start(self) -> None:
        assert self.instance is not None
        try:
            self.instance.start()
        except BaseException as exc:  # reported by server()
            self.error = exc

    def server(self) -> MlflowServer:
        self.begin()
        assert self.thread is not None and self.instance is not None
        self.thread.join()
        if self.error is not None:
            raise RuntimeError(f"the MLflow test server did not start: {self.error}")
        if self.instance.process is None:  # a test stopped it and failed before restarting
            self.instance.start()
        return self.instance

    def finish(self) -> None:
        if self.thread is not None:
            self.thread.join()
        if self.instance is not None:
            self.instance.stop()
        if self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)


_launcher = _Launcher()


def pytest_collection_finish(session: pytest.Session) -> None:
    if any("mlflow_server" in getattr(item, "fixturenames", ()) for item in session.items):
        _launcher.begin()


@pytest.fixture(scope="session")
def mlflow_server() -> Iterator[MlflowServer]:
    yield _launcher.server()
    _launcher.finish()


@dataclass
class Mirrored:
    """Services that mirror to the test server, their app and the mirror job's worker."""

    services: Services
    client: httpx.AsyncClient  # our service (REST and GraphQL)
    mlflow: httpx.AsyncClient  # the MLflow server, read by the tests directly
    mirror: MlflowMirror
    server: MlflowServer

    async def running(self, make_user: Any) -> tuple[User, str, Experiment]:
        """A DS user (and their token) with a RUNNING experiment under a hypothesis of its
        own (so a name of its own in MLflow)."""
        owner, token = await make_user(Role.DS)
        hypothesis = await create_hypothesis(self.services, owner, title=unique_title())
        experiment = await create_experiment(self.services, owner, hypothesis)
        return owner, token, await start(self.services, owner, experiment)

    async def opened_run(self, experiment_id: uuid.UUID) -> MirrorRun:
        """Our row of the experiment's MLflow run, which must be open."""
        async with self.services.db.reader() as session:
            row = await session.get(MirrorRun, ("mlflow", experiment_id))
        assert row is not None and row.run_id is not None
        return row

    async def sync(self, rounds: int = 20) -> None:
        """Run the mirror (retries at once) until nothing is left to do."""
        for _ in range(rounds):
            if not await self.mirror.experiments_with_work():
                return
            await self.mirror.run_once(respect_backoff=False)
        raise AssertionError("the mirror did not catch up")


def mirrored_settings(settings: Settings, server: MlflowServer, **extra: Any) -> Settings:
    return settings.model_copy(
        update={
            "mlflow_tracking_uri": server.url,
            "mlflow_sync_interval_seconds": 0.05,
            "mlflow_max_backoff_seconds": 0.2,
            "mlflow_request_timeout_seconds": 5.0,
            **extra,
        }
    )


@pytest.fixture
async def mirrored(
    services: Services, settings: Settings, mlflow_server: MlflowServer
) -> AsyncIterator[Mirrored]:
    """``services`` is requested too: its autouse cleanup empties the tables after."""
    mirror_settings = mirrored_settings(settings, mlflow_server, mlflow_mirror_artifacts=True)
    ours = Services.from_settings(mirror_settings)
    app = create_app(mirror_settings, ours)
    mirror = MlflowMirror(ours.db, mirror_settings, ours.store)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
        httpx.AsyncClient(base_url=mlflow_server.url, timeout=30) as mlflow,
    ):
        yield Mirrored(ours, client, mlflow, mirror, mlflow_server)
    await mirror.close()
    await ours.close()


def unique_title(prefix: str = "H") -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"
