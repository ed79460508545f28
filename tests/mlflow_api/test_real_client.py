"""The real ``mlflow`` client (mlflow-skinny) runs an unchanged training script against our
server; our GraphQL API and a ``runMonitor`` subscription see exactly what it logged, live
while it runs."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from app.models.enums import Role
from tests.graphql import gql
from tests.live.client import Collector, ws_session

SCRIPT = Path(__file__).with_name("train_script.py")
MONITOR = """subscription($id: ID!) { runMonitor(experimentId: $id) {
  __typename
  ... on MetricsEvent { points { key step value } }
  ... on StatusEvent { status } } }"""
RUN = """query($id: ID!) { experiment(id: $id) {
  name status type hyperparams tags metricKeys
  loss: metric(key: "train/loss") { totalPoints points { step value } }
  artifacts { name sizeBytes }
  parent { id }
  children { totalCount edges { node { id name status } } } } }"""
STATUSES = """query($id: ID!) { experiment(id: $id) { status failure { reason } } }"""


def loss_steps(items: list[dict[str, Any]]) -> set[int]:
    return {
        point["step"]
        for item in items
        if item["runMonitor"]["__typename"] == "MetricsEvent"
        for point in item["runMonitor"]["points"]
        if point["key"] == "train/loss"
    }


def statuses(items: list[dict[str, Any]]) -> list[str]:
    return [
        item["runMonitor"]["status"]
        for item in items
        if item["runMonitor"]["__typename"] == "StatusEvent"
    ]


async def test_an_unchanged_mlflow_script_logs_live_into_the_service(
    live_server, client, make_user, tmp_path
):
    _, token = await make_user(Role.DS)
    gate, out = tmp_path / "go", tmp_path / "read-back.json"
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": f"http://{live_server}",
        "MLFLOW_TRACKING_TOKEN": token,
        "EXPERIMENT": "cifar sweep",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "true",
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
    }
    script = await asyncio.create_subprocess_exec(
        sys.executable,
        str(SCRIPT),
        str(gate),
        str(out),
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert script.stdout is not None
    try:
        async with asyncio.timeout(60):
            run_id = (await script.stdout.readline()).decode().strip()
        assert run_id, (await script.stderr.read()).decode()  # type: ignore[union-attr]
        async with ws_session(live_server, token) as session:
            monitor = Collector(session, MONITOR, {"id": run_id})
            await monitor.wait_for(lambda items: statuses(items) == ["RUNNING"], 20)
            gate.touch()  # the script logs only now: whatever arrives below arrived live
            await monitor.wait_for(lambda items: statuses(items)[-1] != "RUNNING", 60)
            await monitor.stop()
        # (updates such as a new tag repeat the status RUNNING)
        assert set(statuses(monitor.items)) == {"RUNNING", "COMPLETED"}
        assert statuses(monitor.items)[-1] == "COMPLETED"
        assert loss_steps(monitor.items) == set(range(40))
        async with asyncio.timeout(120):
            _, stderr = await script.communicate()
    finally:
        if script.returncode is None:
            script.kill()
            await script.wait()
    assert script.returncode == 0, stderr.decode()[-3000:]
    read_back = json.loads(out.read_text())

    # what our API holds is exactly what the script logged
    answer = await gql(client, RUN, {"id": run_id}, token=token)
    assert "errors" not in answer, answer
    run = answer["data"]["experiment"]
    assert (run["name"], run["status"], run["type"]) == ("bs=256", "COMPLETED", "ML")
    assert run["hyperparams"] == {"learning_rate": 0.1, "batch_size": 256, "optimizer": "adam"}
    assert sorted(run["tags"]) == ["stage:dev", "team:vision"]
    assert sorted(run["metricKeys"]) == ["train/loss", "val/acc", "val/f1"]
    assert run["loss"]["totalPoints"] == 40
    assert [(p["step"], p["value"]) for p in run["loss"]["points"]] == [
        (step, 1.0 / (step + 1)) for step in range(40)
    ]
    assert {a["name"]: a["sizeBytes"] for a in run["artifacts"]} == {
        "weights.bin": 10240,
        "outputs/report.txt": 13,
        "outputs/plots/loss.csv": 16,
        "config/model.json": len(json.dumps({"layers": 50, "activation": "relu"}, indent=2)),
        "notes/readme.txt": 19,
    }
    assert run["parent"] is None
    assert run["children"]["totalCount"] == 1
    child = run["children"]["edges"][0]["node"]
    assert (child["id"], child["name"], child["status"]) == (
        read_back["child_id"],
        "fold-1",
        "COMPLETED",
    )
    child_answer = await gql(client, RUN, {"id": read_back["child_id"]}, token=token)
    assert child_answer["data"]["experiment"]["parent"] == {"id": run_id}

    # each way a run ends is our status
    expected = {"FAILED": "FAILED", "KILLED": "STOPPED", "raises": "FAILED"}
    for how, status in expected.items():
        ended = await gql(client, STATUSES, {"id": read_back["ended"][how]}, token=token)
        assert ended["data"]["experiment"]["status"] == status

    # and the mlflow client reads back what it wrote
    assert read_back["status"] == "FINISHED"
    assert read_back["params"] == {"learning_rate": "0.1", "batch_size": "256", "optimizer": "adam"}
    assert read_back["tags"]["team"] == "vision"
    assert read_back["tags"]["mlflow.runName"] == "bs=256"
    assert read_back["metrics"] == {"train/loss": 1.0 / 40, "val/acc": 0.8, "val/f1": 0.7}
    assert [(step, value) for step, value, _ in read_back["history"]] == [
        (step, 1.0 / (step + 1)) for step in range(40)
    ]
    assert read_back["listed"] == ["config", "notes", "outputs", "weights.bin"]
    assert read_back["found"] == [run_id]
    all_runs = {run_id, read_back["child_id"], *read_back["ended"].values()}
    assert set(read_back["frame_ids"]) == all_runs
    assert read_back["downloaded"] == sorted(
        [
            "weights.bin",
            "outputs/report.txt",
            "outputs/plots/loss.csv",
            "config/model.json",
            "notes/readme.txt",
        ]
    )
    assert read_back["config"] == {"layers": 50, "activation": "relu"}
    assert read_back["weights_size"] == 10240
