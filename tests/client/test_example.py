"""examples/train_tiny.py, run as a newcomer would, against the real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.client.conftest import User
from tests.service_process import REPO

EXAMPLE = REPO / "examples" / "train_tiny.py"
# The whole example in a few seconds; generous for a shared 2-core machine
RUN_SECONDS = 120


def env_of(user: User) -> dict[str, str]:
    return {
        **os.environ,
        "EXPSVC_URL": user.url,
        "EXPSVC_TOKEN": user.token,
        "EXPSVC_CLIENT_SPOOL": str(user.spool),
    }


def the_run(user: User) -> dict[str, Any]:
    """The one experiment of the user's hypothesis (the example creates nothing else)."""
    answer = user.rest("GET", "/experiments", params={"hypothesis_id": user.hypothesis_id})
    answer.raise_for_status()
    items: list[dict[str, Any]] = answer.json()["items"]
    assert len(items) == 1
    return items[0]


def test_the_example_trains_and_reports_metrics_logs_and_its_model(
    user: User, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), user.hypothesis_title, "--epochs", "3", "--delay", "0"],
        env=env_of(user),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    run = user.experiment(the_run(user)["id"])
    assert run["status"] == "COMPLETED"
    assert f"/experiments/{run['id']}" in done.stdout
    assert (run["type"], run["model"], run["framework"]) == ("ML", "tiny-mlp", "python")
    assert run["hyperparams"]["epochs"] == 3
    progress = run["progress"]
    # 800 training points in batches of 32: 25 steps an epoch
    assert (progress["step"], progress["total_steps"]) == (75, 75)
    assert (progress["epoch"], progress["total_epochs"]) == (3, 3)
    for key in ("train/loss", "train/accuracy", "lr"):
        assert [step for step, _ in user.series(run["id"], key)] == list(range(1, 76)), key
    val_loss = user.series(run["id"], "val/loss")
    assert [step for step, _ in val_loss] == [25, 50, 75]
    assert val_loss[0][1] > val_loss[1][1] > val_loss[2][1]  # it learns
    assert all(0.5 < value <= 1 for _, value in user.series(run["id"], "val/accuracy"))
    epochs = [line["message"] for line in user.log_lines(run["id"]) if "epoch" in line["message"]]
    assert [message.split(":")[0] for message in epochs] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]

    artifacts = user.rest("GET", f"/experiments/{run['id']}/artifacts").json()["artifacts"]
    assert [(a["name"], a["kind"]) for a in artifacts] == [("tiny-mlp.json", "MODEL")]
    content = user.rest("GET", f"/experiments/{run['id']}/artifacts/{artifacts[0]['id']}/content")
    weights = json.loads(content.content)
    assert len(weights["w1"]) == len(weights["w2"]) == weights["hyperparams"]["hidden_units"]


def test_stop_in_the_console_ends_the_example_without_a_model(user: User, tmp_path: Path) -> None:
    out = tmp_path / "stdout.txt"
    with out.open("w") as stdout:
        process = subprocess.Popen(
            [sys.executable, str(EXAMPLE), "--epochs", "1000", "--delay", "0.02"],
            env={**env_of(user), "EXPSVC_HYPOTHESIS": user.hypothesis_id},
            cwd=tmp_path,
            stdout=stdout,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + RUN_SECONDS
        while True:
            assert process.poll() is None, out.read_text()
            assert time.monotonic() < deadline, "the example reported no progress"
            answer = user.rest("GET", "/experiments", params={"hypothesis_id": user.hypothesis_id})
            items = answer.json()["items"]
            if items and (items[0]["progress"].get("step") or 0) >= 3:
                break
            time.sleep(0.2)
        assert user.rest("POST", f"/experiments/{items[0]['id']}/stop").status_code == 200
        process.wait(timeout=RUN_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, out.read_text()
    assert "Stopped from the console at step" in out.read_text()
    run = user.experiment(items[0]["id"])
    assert run["status"] == "STOPPED"
    assert run["progress"]["step"] < run["progress"]["total_steps"]
    assert user.rest("GET", f"/experiments/{run['id']}/artifacts").json() == {"artifacts": []}
