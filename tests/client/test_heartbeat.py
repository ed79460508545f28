"""Against a server with tight settings: an idle run stays alive (the client's heartbeat
beats the logging timeout), and a part of a chunk the server refuses leaves the rest."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import expsvc_client as xs
from tests.client.conftest import backend_service, make_user
from tests.conftest import BACKENDS
from tests.service_process import ServiceProcess

TIMEOUT_SECONDS = 3
MAX_LINES = 3


@pytest.fixture(scope="module", params=BACKENDS)
def impatient(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    """A server that fails a run after 3 s without activity (the watchdog looks each second)."""
    yield from backend_service(
        request,
        tmp_path_factory,
        "heartbeat",
        activity_timeout_seconds=str(TIMEOUT_SECONDS),
        logs_max_batch_lines=str(MAX_LINES),
    )


def test_an_idle_run_outlives_the_logging_timeout(
    impatient: ServiceProcess, tmp_path: Path
) -> None:
    user = make_user(impatient, tmp_path / "spool")
    # without a client, a started experiment times out
    bare = user.create("no client")
    user.rest("POST", f"/experiments/{bare}/start").raise_for_status()
    with xs.init(
        hypothesis=user.hypothesis_title,
        type="ML",
        model="m",
        # a beat each 0.5 s leaves a busy machine 2.5 s of slack before the 3 s timeout
        **user.options(system_metrics=False, capture_output=False, heartbeat_interval=0.5),
    ) as run:
        run.log({"loss": 1.0}, step=0)
        time.sleep(3 * TIMEOUT_SECONDS)  # quiet: only the heartbeat speaks
        seen = user.experiment(run.id)
        assert seen["status"] == "RUNNING", (seen, impatient.tail())
        assert not run.should_stop
    assert user.experiment(run.id)["status"] == "COMPLETED"
    failed = user.experiment(bare)
    assert (failed["status"], failed["failure"]["reason"]) == ("FAILED", "LOGGING_TIMEOUT")


def test_a_refused_part_of_a_chunk_leaves_the_others(
    impatient: ServiceProcess, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    user = make_user(impatient, tmp_path / "spool")
    with xs.init(
        hypothesis=user.hypothesis_title,
        type="ML",
        model="m",
        **user.options(system_metrics=False, capture_output=False, batch_interval=1.0),
    ) as run:
        for step in range(10):  # one chunk: 10 points, 10 lines (too many), a progress
            run.log({"loss": float(step)}, step=step)
            run.log_text(f"line {step}")
        run.progress(10, total_steps=10)
    assert [s for s, _ in user.series(run.id, "loss")] == list(range(10))
    assert user.experiment(run.id)["progress"]["step"] == 10
    assert user.log_lines(run.id) == []
    assert "the server refused 10 log lines" in caplog.text
