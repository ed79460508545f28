"""The framework callbacks (expsvc_client.integrations) in real trainings: Keras 3 on the
torch backend, PyTorch Lightning and a Hugging Face Trainer, each training a tiny model on
synthetic data against the real server.

The frameworks live in their own venv, ``.venv-frameworks`` (``make frameworks``; pip takes
the machine's CPU build of torch, which uv would not): each training runs there as a
script of ``tests/client/frameworks``, and the test reads what the server stored.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.client.conftest import User
from tests.service_process import REPO

PYTHON = REPO / ".venv-frameworks" / "bin" / "python"
SCRIPTS = Path(__file__).parent / "frameworks"
# One training of a few steps (imports of torch and the framework included) on a shared
# 2-core machine; and the most a stopped training may take to end
TRAINING_SECONDS = 300
STOPPING_SECONDS = 120
FRAMEWORK_MODULES = ("torch", "keras", "lightning", "pytorch_lightning", "transformers", "numpy")


@pytest.fixture(scope="module")
def python() -> Path:
    if not PYTHON.exists():
        pytest.fail(f"{PYTHON} is missing: `make frameworks` builds it (`make test` does)")
    return PYTHON


def script_env(user: User) -> dict[str, str]:
    return {
        **os.environ,
        "EXPSVC_URL": user.url,
        "EXPSVC_TOKEN": user.token,
        "EXPSVC_CLIENT_SPOOL": str(user.spool),
        "EXPSVC_HYPOTHESIS": user.hypothesis_id,
        "KERAS_BACKEND": "torch",
        "OMP_NUM_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }


REPORT = "report: "  # frameworks/common.py's


def reports(out: str) -> list[dict[str, Any]]:
    """The JSON lines the script printed after ``REPORT``."""
    return [json.loads(line[len(REPORT) :]) for line in out.splitlines() if line.startswith(REPORT)]


def train(python: Path, user: User, tmp_path: Path, script: str) -> tuple[str, dict[str, Any]]:
    """Run ``script`` in full mode; the run's id and its closing report."""
    done = subprocess.run(
        [str(python), str(SCRIPTS / script), "full"],
        env=script_env(user),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TRAINING_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    first, *_, last = reports(done.stdout)
    return first["id"], last


def stop_midway(python: Path, user: User, tmp_path: Path, script: str) -> dict[str, Any]:
    """Run ``script`` in stop mode, press Stop (the REST call the console makes) once the
    server saw 3 steps; the script's closing report."""
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [str(python), str(SCRIPTS / script), "stop"],
            env=script_env(user),
            cwd=tmp_path,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + TRAINING_SECONDS
        while (
            not (started := reports(out.read_text()))
            or (user.experiment(started[0]["id"])["progress"].get("step") or 0) < 3
        ):
            assert process.poll() is None, err.read_text()[-5000:]
            assert time.monotonic() < deadline, "the training reported no progress"
            time.sleep(0.2)
        run_id = started[0]["id"]
        assert user.rest("POST", f"/experiments/{run_id}/stop").status_code == 200
        process.wait(timeout=STOPPING_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err.read_text()[-5000:]
    assert user.experiment(run_id)["status"] == "STOPPED"
    return reports(out.read_text())[-1]


def steps(user: User, run_id: str, key: str) -> list[int]:
    return [step for step, _ in user.series(run_id, key)]


def test_importing_the_client_imports_no_framework(python: Path) -> None:
    code = (
        "import sys, expsvc_client, expsvc_client.integrations;"
        f"print([m for m in {FRAMEWORK_MODULES!r} if m in sys.modules])"
    )
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_keras_callback_logs_batches_epochs_and_progress(
    python: Path, user: User, tmp_path: Path
) -> None:
    run_id, report = train(python, user, tmp_path, "train_keras.py")
    assert report == {"trained_steps": 9, "total_steps": 9}
    experiment = user.experiment(run_id)
    assert experiment["status"] == "COMPLETED"
    assert experiment["framework"] == "keras"
    progress = experiment["progress"]
    assert (progress["step"], progress["total_steps"]) == (9, 9)
    assert (progress["epoch"], progress["total_epochs"]) == (3, 3)
    # every second batch; each epoch's logs at its last batch (3 batches an epoch)
    assert steps(user, run_id, "train/loss") == [2, 4, 6, 8]
    assert steps(user, run_id, "train/accuracy") == [2, 4, 6, 8]
    for key in ("epoch/loss", "epoch/accuracy", "val/loss", "val/accuracy"):
        assert steps(user, run_id, key) == [3, 6, 9], key
    assert all(0 <= value <= 1 for _, value in user.series(run_id, "val/accuracy"))
    assert not any(key.startswith("val_") for key in user.summaries(run_id))


def test_keras_callback_stops_fit_when_the_run_is_stopped(
    python: Path, user: User, tmp_path: Path
) -> None:
    report = stop_midway(python, user, tmp_path, "train_keras.py")
    assert 3 <= report["trained_steps"] < report["total_steps"]


def test_lightning_callback_logs_steps_validation_and_progress(
    python: Path, user: User, tmp_path: Path
) -> None:
    run_id, report = train(python, user, tmp_path, "train_lightning.py")
    assert report == {"trained_steps": 12, "total_steps": 12}
    experiment = user.experiment(run_id)
    assert experiment["status"] == "COMPLETED"
    assert experiment["framework"] == "pytorch-lightning"
    progress = experiment["progress"]
    assert (progress["step"], progress["total_steps"]) == (12, 12)
    assert (progress["epoch"], progress["total_epochs"]) == (3, 3)
    # the trainer's log_every_n_steps=2; validation and epoch aggregates once an epoch
    # (4 steps), the sanity check's validation not at all
    assert steps(user, run_id, "train_loss_step") == [2, 4, 6, 8, 10, 12]
    for key in ("train_loss_epoch", "val_loss", "val_acc"):
        assert steps(user, run_id, key) == [4, 8, 12], key
    assert set(user.summaries(run_id)) == {
        "train_loss_step",
        "train_loss_epoch",
        "val_loss",
        "val_acc",
    }


def test_lightning_callback_stops_the_trainer_when_the_run_is_stopped(
    python: Path, user: User, tmp_path: Path
) -> None:
    report = stop_midway(python, user, tmp_path, "train_lightning.py")
    assert 3 <= report["trained_steps"] < report["total_steps"]


def test_huggingface_callback_logs_the_trainer_logs_and_progress(
    python: Path, user: User, tmp_path: Path
) -> None:
    run_id, report = train(python, user, tmp_path, "train_huggingface.py")
    assert report == {"trained_steps": 12, "total_steps": 12}
    experiment = user.experiment(run_id)
    assert experiment["status"] == "COMPLETED"
    assert experiment["framework"] == "transformers"
    progress = experiment["progress"]
    assert (progress["step"], progress["total_steps"]) == (12, 12)
    assert (progress["epoch"], progress["total_epochs"]) == (3, 3)
    # logging_steps=2; an evaluation at each epoch's end (4 steps); the closing summary
    assert steps(user, run_id, "train/loss") == [2, 4, 6, 8, 10, 12]
    assert steps(user, run_id, "train/learning_rate") == [2, 4, 6, 8, 10, 12]
    assert steps(user, run_id, "eval/loss") == [4, 8, 12]
    assert steps(user, run_id, "train/train_loss") == [12]
    assert all(key.startswith(("train/", "eval/")) for key in user.summaries(run_id))


def test_huggingface_callback_stops_training_when_the_run_is_stopped(
    python: Path, user: User, tmp_path: Path
) -> None:
    report = stop_midway(python, user, tmp_path, "train_huggingface.py")
    assert 3 <= report["trained_steps"] < report["total_steps"]
