"""``expsvc import wandb`` against a real server: runs written by the real ``wandb``
(offline) come in point by point, with their own times, owned by the caller; importing
again changes nothing; a truncated or corrupt log imports what is readable and says what
was not; a caller without a (valid) token is refused."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from app.integrations.wandb.framing import BLOCK_LEN, Record, read_records
from app.integrations.wandb.reader import WandbRun, read_run
from tests.service_process import ServiceProcess
from tests.wandb.conftest import STEPS, Caller, new_caller, run_folder
from tests.wandb.write_run import EXPECTED_CONFIG, accuracy, loss


def _ms(stamp: str) -> int:
    return round(datetime.fromisoformat(stamp).timestamp() * 1000)


def _series(caller: Caller, experiment_id: str, key: str) -> list[dict[str, Any]]:
    answer = caller.get(f"/experiments/{experiment_id}/metrics", key=key, max_points=10_000)
    assert answer["downsampled"] is False
    points: list[dict[str, Any]] = answer["points"]
    return points


def _by_name(caller: Caller) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in caller.experiments()}


def _assert_history_stored(caller: Caller, experiment_id: str, run: WandbRun) -> None:
    """Every point of every key, with its step, value and timestamp."""
    keys = caller.get(f"/experiments/{experiment_id}/metrics")
    assert {row["key"] for row in keys["summaries"]} == set(run.history)
    for key, series in run.history.items():
        points = _series(caller, experiment_id, key)
        assert [p["step"] for p in points] == series.steps, key
        assert [p["value"] for p in points] == series.values, key
        assert [_ms(p["timestamp"]) for p in points] == series.epoch_ms, key


def test_import_brings_runs_in_point_by_point(server: ServiceProcess, wandb_dir: Path) -> None:
    caller = new_caller(server)
    done = caller.import_wandb(str(wandb_dir))
    assert done.returncode == 0, done.stderr
    assert "points" in done.stderr  # progress on the terminal

    rows = _by_name(caller)
    assert set(rows) == {"resnet-a", "broken"}
    main = caller.get(f"/experiments/{rows['resnet-a']['id']}")
    run = read_run(run_folder(wandb_dir, "resnet-a"))

    # the run as wandb wrote it: what we read is what the training logged
    assert run.history["train/loss"].steps == list(range(STEPS))
    assert run.history["train/loss"].values == pytest.approx([loss(s) for s in range(STEPS)])
    assert run.history["accuracy"].values == pytest.approx([accuracy(s) for s in range(STEPS)])
    assert run.history["lr"].steps == list(range(0, STEPS, 10))
    _assert_history_stored(caller, main["id"], run)

    assert main["owner_id"] == caller.user_id
    assert main["status"] == "COMPLETED"
    assert main["framework"] == "wandb"
    assert main["model"] == "resnet18"
    assert main["description"] == "baseline on the small split"
    assert main["hyperparams"] == EXPECTED_CONFIG
    assert sorted(main["tags"]) == ["baseline", "resnet"]
    assert main["config"]["wandb"]["run_id"] == run.run_id
    assert main["config"]["wandb"]["summary"]["best_accuracy"] == pytest.approx(accuracy(STEPS - 1))
    assert run.run.start_time is not None
    assert datetime.fromisoformat(main["started_at"]) == run.run.start_time
    finished = datetime.fromisoformat(main["finished_at"])
    assert run.last_time is not None and finished >= run.last_time
    assert datetime.fromisoformat(main["created_at"]) > finished  # imported afterwards
    hypothesis = caller.get(f"/hypotheses/{main['hypothesis_id']}")
    assert hypothesis["title"] == "vision"

    lines = caller.get(f"/experiments/{main['id']}/logs", limit=1000)["lines"]
    assert [(line["message"], line["source"]) for line in lines] == [
        ("epoch 0 starting", "stdout"),
        ("step 2500: loss 0.0018", "stdout"),
        ("step 5000: loss 0.0024", "stdout"),
        ("step 7500: loss 0.0033", "stdout"),
        ("done", "stderr"),
    ]
    artifacts = caller.get(f"/experiments/{main['id']}/artifacts")["artifacts"]
    weights = next(a for a in artifacts if a["name"] == "weights.bin")
    content = caller.rest(
        "GET", f"/experiments/{main['id']}/artifacts/{weights['id']}/content", follow_redirects=True
    )
    assert content.content == bytes(range(256)) * 40

    broken = caller.get(f"/experiments/{rows['broken']['id']}")
    assert broken["status"] == "FAILED"
    assert broken["failure"]["message"] == "W&B exit code 3"
    assert broken["hypothesis_id"] == main["hypothesis_id"]

    # again: nothing changes
    again = caller.import_wandb(str(wandb_dir), "--hypothesis", "elsewhere")
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("already imported") == 2
    assert _by_name(caller).keys() == rows.keys()
    assert caller.get(f"/experiments/{main['id']}") | {"last_activity_at": None} == main | {
        "last_activity_at": None
    }
    _assert_history_stored(caller, main["id"], run)
    assert len(caller.get(f"/experiments/{main['id']}/logs", limit=1000)["lines"]) == 5


def test_hypothesis_option_names_the_hypothesis(server: ServiceProcess, wandb_dir: Path) -> None:
    caller = new_caller(server)
    done = caller.import_wandb(str(run_folder(wandb_dir, "broken")), "--hypothesis", "moved")
    assert done.returncode == 0, done.stderr
    (row,) = caller.experiments()
    assert caller.get(f"/hypotheses/{row['hypothesis_id']}")["title"] == "moved"


def _copy(wandb_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    folder = run_folder(wandb_dir, "resnet-a")
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy, symlinks=False)
    (log,) = copy.glob("*.wandb")
    return copy, log


def test_truncated_log_imports_the_readable_prefix(
    server: ServiceProcess, wandb_dir: Path, tmp_path: Path
) -> None:
    folder, log = _copy(wandb_dir, tmp_path)
    data = log.read_bytes()
    log.write_bytes(data[: len(data) * 3 // 5 + 11])  # cut inside a record
    run = read_run(folder)
    assert any("truncated" in problem for problem in run.problems)
    kept = run.history["train/loss"].steps
    assert 0 < len(kept) < STEPS and kept == list(range(len(kept)))

    caller = new_caller(server)
    done = caller.import_wandb(str(folder))
    assert done.returncode == 2, done.stderr
    assert "not read" in done.stderr and "truncated" in done.stderr
    (row,) = caller.experiments()
    assert row["status"] == "FAILED"  # no exit record: the run's end is not known
    assert "no exit record" in row["failure"]["message"]
    _assert_history_stored(caller, row["id"], run)


def test_corrupt_block_is_skipped_and_reported(
    server: ServiceProcess, wandb_dir: Path, tmp_path: Path
) -> None:
    folder, log = _copy(wandb_dir, tmp_path)
    data = bytearray(log.read_bytes())
    assert len(data) > 4 * BLOCK_LEN
    # a record's payload inside the third block, its bytes changed (not its chunk header)
    target = next(
        item
        for item in read_records(bytes(data))
        if isinstance(item, Record)
        and item.offset >= 2 * BLOCK_LEN
        and item.offset + 7 + len(item.data) < 3 * BLOCK_LEN
        and len(item.data) > 40
    )
    start = target.offset + 7 + 10
    data[start : start + 20] = bytes(b ^ 0xFF for b in data[start : start + 20])
    log.write_bytes(bytes(data))
    run = read_run(folder)
    assert any("checksum mismatch" in problem for problem in run.problems)
    steps = run.history["train/loss"].steps
    assert steps[0] == 0 and steps[-1] == STEPS - 1 and len(steps) < STEPS  # a gap

    caller = new_caller(server)
    done = caller.import_wandb(str(folder))
    assert done.returncode == 2, done.stderr
    assert "checksum mismatch" in done.stderr
    (row,) = caller.experiments()
    assert row["status"] == "COMPLETED"  # the exit record after the damage was read
    _assert_history_stored(caller, row["id"], run)


def test_a_caller_without_a_valid_token_is_refused(server: ServiceProcess, wandb_dir: Path) -> None:
    caller = new_caller(server)
    none = caller.import_wandb(str(wandb_dir), token=None)
    assert none.returncode == 1
    assert "no token" in none.stderr
    wrong = caller.import_wandb(str(wandb_dir), token="esk_not-a-token")
    assert wrong.returncode == 1
    assert "UNAUTHENTICATED" in wrong.stdout
    assert caller.experiments() == []


def test_each_caller_imports_into_their_own_experiments(
    server: ServiceProcess, wandb_dir: Path
) -> None:
    first, second = new_caller(server), new_caller(server)
    folder = str(run_folder(wandb_dir, "broken"))
    assert first.import_wandb(folder).returncode == 0
    assert second.import_wandb(folder).returncode == 0
    (mine,) = first.experiments()
    (theirs,) = second.experiments()
    assert mine["id"] != theirs["id"]
    assert (mine["owner_id"], theirs["owner_id"]) == (first.user_id, second.user_id)
    # the other's import is not even visible, let alone finishable
    finish = second.rest(
        "POST",
        f"/imports/wandb/runs/{mine['id']}/finish",
        json={"status": "COMPLETED", "finished_at": mine["started_at"]},
    )
    assert finish.status_code == 404
