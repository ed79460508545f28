"""Shared helpers of the benchmarks: a throw-away PostgreSQL database, the service as a real
subprocess (with its peak RSS), a running experiment, an MLflow tracking server, percentiles.

Everything here talks to 127.0.0.1 only, and every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.mlflow_server import MLFLOW_VERSION as MLFLOW_VERSION  # noqa: E402
from tests.mlflow_server import MlflowServer as TestMlflowServer  # noqa: E402

if TYPE_CHECKING:
    from app.models import User
    from app.models.enums import Role
    from app.services import Services

EXPSVC = ROOT / ".venv" / "bin" / "expsvc"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


# --- small things ---------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linear between the closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def require_loopback(url: str) -> None:
    host = urlsplit(url.replace("+asyncpg", "")).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"refusing a non-loopback address: {url}")


def machine_line() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}, load avg {load}"


def add_database_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        help="an existing, empty PostgreSQL database (postgresql://…); "
        "default: a throw-away database on 127.0.0.1:5432, dropped at the end",
    )
    parser.add_argument(
        "--pg-server-url",
        default=DEFAULT_SERVER_URL,
        help="where throw-away databases are created (default: %(default)s)",
    )


# --- PostgreSQL -----------------------------------------------------------------------------


def plain_dsn(url: str) -> str:
    """``postgresql+asyncpg://…`` → ``postgresql://…`` (what asyncpg and psycopg2 take)."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def sqlalchemy_url(url: str) -> str:
    return "postgresql+asyncpg://" + plain_dsn(url).split("://", 1)[1]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(plain_dsn(url))
    return parts._replace(path=f"/{name}").geturl()


async def _admin(server_url: str, statement: str) -> None:
    connection = await asyncpg.connect(plain_dsn(server_url), timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def throwaway_database(
    server_url: str, given: str | None = None, prefix: str = "expsvc_bench"
) -> Iterator[str]:
    """Yield a ``postgresql://`` URL: ``given`` as is, or a fresh database dropped after."""
    if given:
        require_loopback(given)
        yield plain_dsn(given)
        return
    require_loopback(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield _with_database(server_url, name)
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def in_process_user(services: Services, role: Role, email: str = "") -> tuple[User, str]:
    """For benches that run the app in their own process: the configured pools seeded as
    the app does at start-up, and a user of ``role`` (made as the CLI makes one) with a
    token."""
    from app.resources.service import seed_pools
    from app.users.service import create_user

    async with services.db.unit_of_work() as session:
        await seed_pools(session, services.settings)
        return await create_user(
            session,
            actor=None,
            name="bench",
            email=email or f"bench-{uuid.uuid4().hex[:8]}@example.test",
            role=role,
        )


# --- process memory -------------------------------------------------------------------------


def _status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class RssSampler:
    """Polls ``VmRSS`` of one process in a thread; ``peak_mb`` is the highest seen."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, _status_kb(self.pid, "VmRSS"))
            self._stop.wait(self.interval)

    def reset(self) -> None:
        self.peak_kb = _status_kb(self.pid, "VmRSS")

    def start(self) -> RssSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024

    def current_mb(self) -> float:
        return _status_kb(self.pid, "VmRSS") / 1024

    def hwm_mb(self) -> float:
        """The kernel's high-water mark since the process started (``VmHWM``)."""
        return _status_kb(self.pid, "VmHWM") / 1024


def profiler(args: argparse.Namespace) -> list[str]:
    """The program to run the server under for ``--server-profile``: cProfile for a
    ``.prof`` file, pyinstrument (``uv run --with pyinstrument``) for ``.txt``/``.html``."""
    if not args.server_profile:
        return []
    path = os.path.abspath(args.server_profile)
    if path.endswith(".prof"):
        return [sys.executable, "-m", "cProfile", "-o", path]
    renderer = "html" if path.endswith(".html") else "text"
    return [sys.executable, "-m", "pyinstrument", "-r", renderer, "-o", path]


# --- the service ----------------------------------------------------------------------------


def _stop_process(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _wait_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"the server exited ({process.returncode}):\n{tail}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s (log: {log})")


@dataclass
class Service:
    """``expsvc serve`` running as a subprocess on a free loopback port."""

    # postgresql:// (turned into postgresql+asyncpg:// for the service); "" for the embedded
    # default (SQLite in the service's data folder)
    database_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    startup_timeout: float = 90
    # run the server under another program, e.g. ``[python, -m, cProfile, -o, FILE]``
    command_prefix: list[str] = field(default_factory=list)
    base_url: str = ""
    token: str = ""
    process: subprocess.Popen[bytes] | None = None
    rss: RssSampler | None = None
    data_dir: Path | None = None

    def __enter__(self) -> Service:
        self.data_dir = Path(tempfile.mkdtemp(prefix="expsvc-bench-"))
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "EXPSVC_DATABASE_URL": sqlalchemy_url(self.database_url) if self.database_url else "",
            "EXPSVC_DATA_DIR": str(self.data_dir),
            "EXPSVC_ARTIFACT_STORE_URL": f"file://{self.data_dir}/artifacts",
            "EXPSVC_REDIS_URL": "",
            **self.extra_env,
        }
        log = self.data_dir / "server.log"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    *self.command_prefix,
                    str(EXPSVC),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                cwd=self.data_dir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_http(f"{self.base_url}/healthz", self.process, log, self.startup_timeout)
            self.token = (self.data_dir / "admin-token").read_text().strip()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.rss = RssSampler(self.process.pid).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.rss is not None:
            self.rss.stop()
        if self.process is not None:
            _stop_process(self.process)
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        """An HTTP/1.1 keep-alive client for the service."""
        kwargs.setdefault("timeout", 60)
        return httpx.AsyncClient(base_url=self.base_url, headers=self.headers, **kwargs)


CREATE_HYPOTHESIS = """
mutation($input: CreateHypothesisInput!) { createHypothesis(input: $input) { id } }
"""


async def running_experiment(client: httpx.AsyncClient, name: str = "bench") -> str:
    """Create a hypothesis (GraphQL) and an experiment (REST), start it; return its id."""
    answer = await client.post(
        "/graphql",
        json={"query": CREATE_HYPOTHESIS, "variables": {"input": {"title": f"{name} load"}}},
    )
    answer.raise_for_status()
    body = answer.json()
    if body.get("errors"):
        raise RuntimeError(f"createHypothesis failed: {body['errors']}")
    hypothesis_id = body["data"]["createHypothesis"]["id"]
    created = await client.post(
        "/api/v1/experiments",
        json={
            "hypothesis_id": hypothesis_id,
            "name": name,
            "type": "ML",
            "model": "bench-model",
            "framework": "none",
            "resources": {"gpu_type": None, "gpu_count": 0, "cpu_cores": 1, "memory_gb": 1},
        },
    )
    if created.status_code != 201:
        raise RuntimeError(f"create experiment: {created.status_code} {created.text}")
    experiment_id: str = created.json()["id"]
    started = await client.post(f"/api/v1/experiments/{experiment_id}/start")
    if started.status_code != 200:
        raise RuntimeError(f"start experiment: {started.status_code} {started.text}")
    return experiment_id


# --- MLflow ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    """``values`` in ``os.environ`` for the block (a child started in it inherits them)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class MlflowServer:
    """``mlflow server`` (through uvx, ``tests/mlflow_server.py``) on a free loopback port,
    backed by ``backend_uri``, in a temporary folder, as a context manager."""

    backend_uri: str
    workers: int | None = None
    startup_timeout: float = 420  # the first run downloads MLflow
    # set in the server's environment, e.g. ``MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false``
    env: dict[str, str] = field(default_factory=dict)
    base_url: str = ""
    server: TestMlflowServer | None = None
    work_dir: Path | None = None

    def __enter__(self) -> MlflowServer:
        self.work_dir = Path(tempfile.mkdtemp(prefix="mlflow-bench-"))
        self.server = TestMlflowServer(
            self.work_dir,
            backend_uri=self.backend_uri,
            workers=self.workers,
            with_packages=["psycopg2-binary"],
        )
        try:
            with _environ(self.env):
                self.server.start(timeout=self.startup_timeout)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.base_url = self.server.url
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.server is not None:
            self.server.stop()
        if self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)


async def mlflow_run(client: httpx.AsyncClient) -> str:
    """Create an MLflow experiment and a run in it; return the run id."""
    created = await client.post(
        "/api/2.0/mlflow/experiments/create", json={"name": f"bench-{uuid.uuid4().hex[:8]}"}
    )
    created.raise_for_status()
    experiment_id = created.json()["experiment_id"]
    run = await client.post(
        "/api/2.0/mlflow/runs/create",
        json={"experiment_id": experiment_id, "start_time": int(time.time() * 1000)},
    )
    run.raise_for_status()
    run_id: str = run.json()["run"]["info"]["run_id"]
    return run_id
