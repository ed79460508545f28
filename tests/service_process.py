"""A real ``expsvc serve`` process on a loopback port, with its own database (a SQLite file,
or a fresh PostgreSQL database dropped afterwards): for the browser tests, the client's
tests (which kill and restart it) and ``scripts/screenshots.py``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.pg import create_database, drop_database
from tests.redis_server import free_port

REPO = Path(__file__).resolve().parents[1]
# Start-up of a fresh process, migrations included, on a shared 2-core machine
STARTUP_SECONDS = 90


@dataclass
class ServiceProcess:
    """``expsvc serve`` that can be stopped (or killed) and started again on the same port
    and database."""

    workdir: Path
    database_url: str
    port: int
    settings: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.workdir / "serve.log"

    @property
    def admin_token(self) -> str:
        return (self.workdir / "home" / "admin-token").read_text().strip()

    def start(self) -> None:
        env = {
            **os.environ,
            "EXPSVC_HOME": str(self.workdir / "home"),
            "EXPSVC_DATABASE_URL": self.database_url,
            "EXPSVC_REDIS_URL": "",
            "EXPSVC_ARTIFACT_STORE_URL": f"file://{self.workdir / 'artifacts'}",
            "EXPSVC_LOG_LEVEL": "WARNING",
            **{f"EXPSVC_{name.upper()}": value for name, value in self.settings.items()},
        }
        env.pop("EXPSVC_DATA_DIR", None)
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)],
                env=env,
                cwd=REPO,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready()

    def stop(self, *, kill: bool = False) -> None:
        """SIGTERM (or SIGKILL) and wait for the process to end."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        with httpx.Client() as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server exited while starting:\n{self.tail()}")
                try:
                    if client.get(f"{self.base}/readyz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        raise RuntimeError(f"the server was not ready in {STARTUP_SECONDS} s:\n{self.tail()}")


@contextmanager
def service_process(
    workdir: Path, backend: str, postgres_server: str | None = None, **settings: str
) -> Iterator[ServiceProcess]:
    """A started ``ServiceProcess`` on ``backend`` ("sqlite" or "postgresql", then a fresh
    database next to ``postgres_server``), stopped and its database dropped afterwards."""
    database_url = f"sqlite+aiosqlite:///{workdir / 'expsvc.db'}"
    if backend == "postgresql":
        assert postgres_server, "PostgreSQL needs the server's URL"
        database_url = create_database(postgres_server, prefix="expsvc_proc")
    service = ServiceProcess(workdir, database_url, free_port(), settings)
    try:
        service.start()
        yield service
    finally:
        service.stop()
        if backend == "postgresql" and postgres_server:
            drop_database(postgres_server, database_url)
