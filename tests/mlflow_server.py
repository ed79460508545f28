"""A real MLflow tracking server for the mirror's tests.

``MlflowServer`` runs ``mlflow server`` with a SQLite backend store and served artifacts
on a free loopback port, from an environment of its own made by uvx (the full ``mlflow``
package holds graphql-core below 3.3, so it cannot live in the service's environment).
``stop()`` and ``start()`` again keep the port and the store: an outage and a recovery.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from tests.s3 import free_port

MLFLOW_VERSION = "3.17.2"
ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 600.0  # the first start on a machine downloads MLflow


def uvx_command() -> list[str]:
    uvx = ROOT / ".tools" / "bin" / "uvx"
    if uvx.exists():
        return [str(uvx)]
    return ["uvx"]


class MlflowServer:
    """``backend_uri`` defaults to a SQLite file in ``work_dir`` (the server's working
    folder); ``workers=None`` leaves MLflow's default; ``with_packages`` go into its
    environment too (e.g. a PostgreSQL driver)."""

    def __init__(
        self,
        work_dir: Path,
        *,
        backend_uri: str | None = None,
        workers: int | None = 1,
        with_packages: Sequence[str] = (),
    ) -> None:
        self.work_dir = work_dir
        self.backend_uri = backend_uri or f"sqlite:///{work_dir / 'mlflow.db'}"
        self.workers = workers
        self.with_packages = list(with_packages)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = STARTUP_TIMEOUT) -> None:
        command = [
            *uvx_command(),
            "--from",
            f"mlflow=={MLFLOW_VERSION}",
            *(option for package in self.with_packages for option in ("--with", package)),
            "mlflow",
            "server",
            "--backend-store-uri",
            self.backend_uri,
            "--artifacts-destination",
            str(self.work_dir / "artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        if self.workers is not None:
            command += ["--workers", str(self.workers)]
        env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
        log_path = self.work_dir / "mlflow.log"
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.work_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"mlflow server exited ({self.process.returncode}):\n{tail}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.25)
        self.stop()
        raise TimeoutError(f"mlflow server did not answer in {timeout:.0f} s")

    def stop(self) -> None:
        """Stop the server and everything it started (its workers)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        self._wait_port_free()

    def _wait_port_free(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/health", timeout=0.5).close()
            except (urllib.error.URLError, OSError):
                return
            time.sleep(0.1)
