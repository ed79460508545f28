"""Never lose a point: the server killed mid-run, the training process killed, a send whose
answer was lost; and ``expsvc-client sync`` for what a dead process left in the spool.

These tests kill and restart their own server (one per module and backend), so they do not
share the other tests' server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import expsvc_client as xs
from expsvc_client import spool
from expsvc_client.api import Api
from expsvc_client.journal import ACKED, HEADER, Segment, read_chunk
from expsvc_client.sender import SLOTS, Lanes, Sender
from tests.client.conftest import User, backend_service, make_user
from tests.conftest import BACKENDS
from tests.service_process import REPO, ServiceProcess


@pytest.fixture(scope="module", params=BACKENDS)
def own_service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    yield from backend_service(request, tmp_path_factory, "outage")


@pytest.fixture
def trainer(own_service: ServiceProcess, tmp_path: Path) -> Iterator[User]:
    if own_service.process is None:  # a test that failed with the server down
        own_service.start()
    yield make_user(own_service, tmp_path / "spool")
    if own_service.process is None:
        own_service.start()


def sync(user: User, *more: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "expsvc_client.cli", "sync", "--spool", str(user.spool), *more],
        env={**os.environ, "EXPSVC_TOKEN": user.token},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_every_step_once(user: User, experiment_id: str, key: str, count: int) -> None:
    steps = [step for step, _ in user.series(experiment_id, key)]
    assert steps == list(range(count)), (len(steps), len(set(steps)))


def test_the_server_dies_mid_run_and_every_point_arrives_once(trainer: User) -> None:
    service = trainer.service
    total = 30_000
    with xs.init(
        hypothesis=trainer.hypothesis_title,
        type="ML",
        model="m",
        **trainer.options(offline_grace=1.0, flush_timeout=120, system_metrics=False),
    ) as run:
        logged = threading.Event()

        def train() -> None:
            for step in range(total):
                run.log({"loss": step * 0.25, "acc": 0.5}, step=step)
                if step % 100 == 0:
                    time.sleep(0.01)  # ~10,000 steps/s: the run goes on for ~3 s
            logged.set()

        thread = threading.Thread(target=train)
        thread.start()
        time.sleep(0.5)
        service.stop(kill=True)  # mid-request, likely
        time.sleep(3.0)  # past the grace: the sender spools
        assert run._sender.spooling
        service.start()
        thread.join()
        assert logged.is_set()
    assert run.status == "COMPLETED"
    assert_every_step_once(trainer, run.id, "loss", total)
    assert_every_step_once(trainer, run.id, "acc", total)
    assert trainer.series(run.id, "loss")[-1] == (total - 1, (total - 1) * 0.25)


def test_sends_whose_answers_were_lost_count_once(trainer: User) -> None:
    """The process sent two chunks (both in flight at once) and died before it recorded
    their acknowledgements: sending them again (same session, same ranges, from the
    header's two intent slots) stores nothing twice."""
    experiment_id = trainer.create()
    trainer.rest("POST", f"/experiments/{experiment_id}/start").raise_for_status()
    folder = spool.create(trainer.spool, experiment_id, "s1", trainer.url)
    writer = xs.run.JournalWriter(folder)
    for step in range(2500):
        writer.points({"loss": float(step)}, step, 1_767_225_600_000)
        if step == 1200:
            writer.log(1, 0, 1_767_225_600_000, "one line")
    writer.close()
    api = Api(trainer.url, trainer.token)
    segment = Segment(folder / "seg-000001.xsj", 1)
    first = read_chunk(segment, HEADER, max_points=1000)
    second = read_chunk(segment, first.end, max_points=1000)
    # two chunks are sent and acknowledged…
    sender = Sender(api, experiment_id, folder, "s1", max_points=1000, in_flight=2)
    sender._lanes = Lanes(2, sender._deliver)
    deadline = time.monotonic() + 30
    while segment.get(ACKED) < second.end and time.monotonic() < deadline:
        sender._step(force=True)
    assert segment.get(ACKED) >= second.end
    for delivery in sender._flight:  # a third chunk may be on its way: let it land
        delivery.finished.wait(30)
    sender._stop_lanes()
    assert trainer.summaries(experiment_id)["loss"]["count"] >= 2000
    # …but the acknowledgements never reached the disk: both intents are still there
    segment.set(ACKED, HEADER)
    for (start_at, end_at), chunk in zip(SLOTS, (first, second), strict=True):
        segment.set(start_at, chunk.start)
        segment.set(end_at, chunk.end)
    segment.close()
    assert Sender(api, experiment_id, folder, "s1", max_points=1000).drain()
    api.close()
    assert_every_step_once(trainer, experiment_id, "loss", 2500)
    assert [line["message"] for line in trainer.log_lines(experiment_id)] == ["one line"]
    assert not list(folder.glob("seg-*"))


TRAIN_AND_WAIT = """
import sys, time
import expsvc_client as xs
run = xs.init(hypothesis={hypothesis!r}, type="ML", model="m", url={url!r}, token={token!r},
              spool_dir={spool!r}, system_metrics=False, capture_output=False)
print(run.id, flush=True)
sys.stdin.readline()  # the test stops the server meanwhile
for step in range({count}):
    run.log({{"loss": step * 0.5}}, step=step)
run.log_text("last words")
print("logged", flush=True)
time.sleep(600)
"""


def test_sigkill_after_log_returned_then_sync_sends_it(trainer: User) -> None:
    service = trainer.service
    count = 20_000
    script = TRAIN_AND_WAIT.format(
        hypothesis=trainer.hypothesis_title,
        url=trainer.url,
        token=trainer.token,
        spool=str(trainer.spool),
        count=count,
    )
    with subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as process:
        try:
            assert process.stdout is not None and process.stdin is not None
            experiment_id = process.stdout.readline().strip()
            service.stop()
            process.stdin.write("go\n")
            process.stdin.flush()
            assert process.stdout.readline().strip() == "logged"
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
    service.start()
    assert trainer.summaries(experiment_id) == {}
    done = sync(trainer)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{count} points, 1 log lines" in done.stdout
    assert_every_step_once(trainer, experiment_id, "loss", count)
    assert [line["message"] for line in trainer.log_lines(experiment_id)] == ["last words"]
    assert trainer.experiment(experiment_id)["status"] == "RUNNING"  # nobody said it ended
    assert spool.runs(trainer.spool) == []
    again = sync(trainer)
    assert (again.returncode, again.stdout.strip()) == (0, f"nothing to sync in {trainer.spool}")


def test_finishing_while_the_server_is_away_leaves_it_to_sync(trainer: User, tmp_path) -> None:
    service = trainer.service
    weights = tmp_path / "model.bin"
    weights.write_bytes(os.urandom(4096))
    run = xs.init(
        hypothesis=trainer.hypothesis_title,
        type="ML",
        model="m",
        # without capture: the client's own warnings (printed to stderr) stay out of the log
        **trainer.options(
            offline_grace=0.5, flush_timeout=1.0, system_metrics=False, capture_output=False
        ),
    )
    run.log({"loss": 1.0}, step=0)
    assert run.flush(30)
    service.stop()
    for step in range(1, 500):
        run.log({"loss": 1.0}, step=step)
    assert run.log_artifact(weights, kind="MODEL") is None  # spooled
    run.finish()
    assert run.folder.exists()
    assert spool.read_finish(run.folder) == {"action": "complete"}
    status = subprocess.run(
        [sys.executable, "-m", "expsvc_client.cli", "status", "--spool", str(trainer.spool)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "499 points, 0 log lines to send, then complete" in status.stdout
    unreachable = sync(trainer)
    assert unreachable.returncode == 1
    assert "unreachable" in unreachable.stdout
    service.start()
    done = sync(trainer)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the run is COMPLETED" in done.stdout
    assert_every_step_once(trainer, run.id, "loss", 500)
    (artifact,) = trainer.rest("GET", f"/experiments/{run.id}/artifacts").json()["artifacts"]
    assert (artifact["name"], artifact["kind"], artifact["size_bytes"]) == (
        "model.bin",
        "MODEL",
        4096,
    )
    assert not run.folder.exists()


def test_sync_leaves_a_live_runs_folder_alone(trainer: User) -> None:
    with xs.init(
        hypothesis=trainer.hypothesis_title, type="ML", model="m", **trainer.options()
    ) as run:
        done = sync(trainer)
        assert "in use by a running process" in done.stdout
        assert run.folder.exists()
