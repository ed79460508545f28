"""``expsvc demo`` against a real server: the seed, the simulated run and what runMonitor sees."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from app.cli import build_parser, main
from app.demo import (
    DemoError,
    DemoIds,
    demo_client,
    graphql,
    monitor_subscription,
    resolve_token,
    seed,
    simulate,
)
from app.models.enums import Role
from tests.live.client import Collector, ws_session
from tests.notifications.helpers import drain

STATUSES = """query($id: ID!) { hypothesis(id: $id) { title experiments(first: 50) {
  edges { node { id status type hyperparams failure { reason message } } } } } }"""
RUN = """query($id: ID!) { experiment(id: $id) {
  status failure { reason }
  progress { step totalSteps epoch totalEpochs fraction etaSeconds }
  loss: metric(key: "train/loss") { points { step value } }
  accuracy: metric(key: "train/accuracy") { points { step value } }
  valAccuracy: metric(key: "val/accuracy") { points { step value } }
  metricKeys
  logs(first: 500) { lines { level message } } } }"""
LLM = """query($id: ID!) { hypothesis(id: $id) { title owner { name role } observers { id }
  experiments(first: 50) { edges { node { id name status type model owner { name }
    cost { api } apiCosts { totalCount edges { node { amount description } } }
    artifacts { name kind sizeBytes } metricKeys
    judge: metric(key: "eval/judge_score") { points { step value } } } } } } }"""
NOTIFICATIONS = "query { me { id } notifications(first: 100) { kind message } }"
SHORT = {"epochs": 3, "steps_per_epoch": 20, "tick_seconds": 0.05, "steps_per_second": 100.0}


@pytest.fixture
async def demo(make_user, live_server):
    _, token = await make_user(Role.ADMIN)
    async with demo_client(f"http://{live_server}", token) as client:
        yield {"client": client, "token": token, "server": live_server}


async def statuses(client: Any, ids: DemoIds) -> dict[str, dict[str, Any]]:
    data = await graphql(client, STATUSES, {"id": ids.hypothesis})
    return {edge["node"]["id"]: edge["node"] for edge in data["hypothesis"]["experiments"]["edges"]}


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def events(items: list[dict[str, Any]], typename: str) -> list[dict[str, Any]]:
    return [i["runMonitor"] for i in items if i["runMonitor"]["__typename"] == typename]


async def test_seed_makes_one_experiment_per_status(demo):
    client = demo["client"]
    ids = await seed(client)
    nodes = await statuses(client, ids)
    assert Counter(node["status"] for node in nodes.values()) == {
        "QUEUED": 1,
        "RUNNING": 1,
        "COMPLETED": 2,
        "FAILED": 1,
        "STOPPED": 1,
    }
    assert nodes[ids.running]["status"] == "RUNNING"
    assert nodes[ids.queued]["status"] == "QUEUED"
    assert {nodes[i]["status"] for i in ids.completed} == {"COMPLETED"}
    assert nodes[ids.failed]["failure"]["reason"] == "OOM"
    assert "out of memory" in nodes[ids.failed]["failure"]["message"]
    assert {node["type"] for node in nodes.values()} == {"CV"}
    assert nodes[ids.running]["hyperparams"]["label_smoothing"] == 0.1

    failed = (await graphql(client, RUN, {"id": ids.failed}))["experiment"]
    assert failed["logs"]["lines"][-1]["level"] == "ERROR"
    done = (await graphql(client, RUN, {"id": ids.completed[0]}))["experiment"]
    assert len(done["valAccuracy"]["points"]) == 5
    assert done["progress"]["fraction"] == 1.0
    await simulate(client, ids.running, **SHORT, duration=0.0)  # leave nothing running


async def test_seed_makes_a_second_users_llm_hypothesis_that_the_caller_observes(demo, services):
    client = demo["client"]
    ids = await seed(client)
    hypothesis = (await graphql(client, LLM, {"id": ids.llm_hypothesis}))["hypothesis"]
    me = (await graphql(client, NOTIFICATIONS))["me"]["id"]
    assert hypothesis["owner"] == {"name": "Priya Raman", "role": "MLE"}
    assert hypothesis["observers"] == [{"id": me}]
    runs = [edge["node"] for edge in hypothesis["experiments"]["edges"]]
    assert sorted(run["id"] for run in runs) == sorted(ids.llm_completed)
    assert len(runs) == 3
    assert {run["status"] for run in runs} == {"COMPLETED"}
    assert {run["type"] for run in runs} == {"LLM"}
    assert {run["model"] for run in runs} == {"llama-3-8b", "mistral-7b"}
    assert {run["owner"]["name"] for run in runs} == {"Priya Raman"}
    for run in runs:
        assert run["apiCosts"]["totalCount"] == 6  # one judge bill per evaluation
        bills = [edge["node"] for edge in run["apiCosts"]["edges"]]
        assert run["cost"]["api"] == pytest.approx(sum(bill["amount"] for bill in bills))
        assert all("judge" in bill["description"] for bill in bills)
        assert [a["name"] for a in run["artifacts"]] == ["eval-report.json"]
        assert run["artifacts"][0]["kind"] == "REPORT"
        assert set(run["metricKeys"]) == {
            "train/loss",
            "train/lr",
            "eval/loss",
            "eval/judge_score",
        }
        judge = run["judge"]["points"]
        assert [p["step"] for p in judge] == [100, 200, 300, 400, 500, 600]
        assert judge[-1]["value"] > judge[0]["value"] + 0.8
    # full SFT scores best, as the hypothesis expects it to
    best = max(runs, key=lambda run: run["judge"]["points"][-1]["value"])
    assert best["name"] == "llama-3-8b full SFT"

    # the caller hears of its own runs' moves and of the observed hypothesis' runs
    await drain(services)
    notes = (await graphql(client, NOTIFICATIONS))["notifications"]
    assert sum(note["kind"] == "EXPERIMENT_COMPLETED" for note in notes) == 5
    messages = {note["message"] for note in notes}
    assert "llama-3-8b full SFT completed" in messages
    assert "resnet50 ls=0.4 was stopped" in messages
    assert any(m.startswith("resnet50 ls=0.1 bs=512 fp32 failed: OOM") for m in messages)
    await simulate(client, ids.running, **SHORT, duration=0.0)


async def test_a_second_seed_gives_the_caller_the_llm_hypothesis(demo):
    """Priya Raman exists after the first seed: the second one's LLM runs are the caller's."""
    client = demo["client"]
    first = await seed(client)
    second = await seed(client)
    hypothesis = (await graphql(client, LLM, {"id": second.llm_hypothesis}))["hypothesis"]
    assert hypothesis["owner"]["name"] != "Priya Raman"
    assert hypothesis["observers"] == []
    assert len(hypothesis["experiments"]["edges"]) == 3
    for ids in (first, second):
        await simulate(client, ids.running, **SHORT, duration=0.0)


async def test_a_caller_who_may_not_create_users_owns_the_llm_hypothesis(make_user, live_server):
    user, token = await make_user(Role.DS)
    async with demo_client(f"http://{live_server}", token) as client:
        ids = await seed(client)
        hypothesis = (await graphql(client, LLM, {"id": ids.llm_hypothesis}))["hypothesis"]
        runs = [edge["node"] for edge in hypothesis["experiments"]["edges"]]
        assert hypothesis["owner"]["name"] == user.name
        assert {run["owner"]["name"] for run in runs} == {user.name}
        assert {run["status"] for run in runs} == {"COMPLETED"}
        await simulate(client, ids.running, **SHORT, duration=0.0)


async def test_simulated_run_as_seen_by_run_monitor_and_graphql(demo):
    client = demo["client"]
    ids = await seed(client)
    async with ws_session(demo["server"], demo["token"]) as session:
        monitor = Collector(session, monitor_subscription(ids.running), {})
        await monitor.wait_for(lambda items: len(items) >= 2)  # status and progress now
        status = await simulate(client, ids.running, **SHORT)
        await monitor.wait_for(
            lambda items: any(e["status"] == "COMPLETED" for e in events(items, "StatusEvent"))
        )
        await monitor.stop()
    assert status == "COMPLETED"

    kinds = Counter(item["runMonitor"]["__typename"] for item in monitor.items)
    assert set(kinds) == {"ProgressEvent", "MetricsEvent", "LogsEvent", "StatusEvent"}
    progress = [e["progress"] for e in events(monitor.items, "ProgressEvent")]
    assert any(p["fraction"] and 0 < p["fraction"] < 1 and p["etaSeconds"] for p in progress)
    assert progress[-1]["step"] == progress[-1]["totalSteps"] == 60
    live_keys = {p["key"] for e in events(monitor.items, "MetricsEvent") for p in e["points"]}
    assert {"train/loss", "train/accuracy", "train/lr", "val/loss", "val/accuracy"} <= live_keys
    live_levels = {line["level"] for e in events(monitor.items, "LogsEvent") for line in e["lines"]}
    assert {"DEBUG", "INFO", "WARNING"} <= live_levels

    run = (await graphql(client, RUN, {"id": ids.running}))["experiment"]
    assert run["status"] == "COMPLETED"
    assert run["progress"] == {
        "step": 60,
        "totalSteps": 60,
        "epoch": 3,
        "totalEpochs": 3,
        "fraction": 1.0,
        "etaSeconds": None,  # no ETA once it has ended
    }
    loss = [p["value"] for p in run["loss"]["points"]]
    accuracy = [p["value"] for p in run["accuracy"]["points"]]
    assert len(loss) == len(accuracy) == 60
    assert mean(loss[:10]) > mean(loss[-10:]) + 1
    assert mean(accuracy[:10]) + 0.3 < mean(accuracy[-10:])
    val = [p["value"] for p in run["valAccuracy"]["points"]]
    assert [p["step"] for p in run["valAccuracy"]["points"]] == [20, 40, 60]
    assert val == sorted(val)
    levels = Counter(line["level"] for line in run["logs"]["lines"])
    assert levels["DEBUG"] and levels["INFO"] and levels["WARNING"] == 1
    assert "gradient norm spiked" in next(
        line["message"] for line in run["logs"]["lines"] if line["level"] == "WARNING"
    )


async def test_duration_ends_the_run_early_as_completed(demo):
    client = demo["client"]
    ids = await seed(client)
    status = await simulate(
        client,
        ids.running,
        epochs=10,
        steps_per_epoch=200,
        tick_seconds=0.05,
        steps_per_second=100.0,
        duration=0.3,
    )
    assert status == "COMPLETED"
    run = (await graphql(client, RUN, {"id": ids.running}))["experiment"]
    assert run["status"] == "COMPLETED"
    assert 0 < run["progress"]["fraction"] < 1


async def test_cancel_stops_the_run(demo):
    client = demo["client"]
    ids = await seed(client)
    task = asyncio.create_task(simulate(client, ids.running, **{**SHORT, "epochs": 100}))
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    run = (await graphql(client, RUN, {"id": ids.running}))["experiment"]
    assert run["status"] == "STOPPED"
    assert run["logs"]["lines"][-1]["message"].startswith("interrupted")


async def test_a_run_ended_elsewhere_ends_the_simulation(demo):
    client = demo["client"]
    ids = await seed(client)
    task = asyncio.create_task(simulate(client, ids.running, **{**SHORT, "epochs": 100}))
    await asyncio.sleep(0.2)
    await graphql(
        client, "mutation($id: ID!) { stopExperiment(id: $id) { status } }", {"id": ids.running}
    )
    assert await asyncio.wait_for(task, 5) == "STOPPED"


async def test_cli_prints_the_query_and_stops_the_run_on_ctrl_c(demo):
    command = ["demo", "--url", f"http://{demo['server']}", "--token", demo["token"]]
    command += ["--tick", "0.05", "--speed", "400", "--epochs", "100", "--steps-per-epoch", "20"]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *command,
        cwd=Path(__file__).parents[2],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        async with asyncio.timeout(15):
            while not any(line.startswith("epoch 1/100 done") for line in lines):
                line = (await process.stdout.readline()).decode()
                assert line, "the demo ended early: " + "".join(lines)
                lines.append(line)
        process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), 15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    text = "".join(lines) + out.decode()
    running = next(line.split()[-1] for line in lines if line.startswith("Live run:"))
    assert f'runMonitor(experimentId: "{running}")' in text
    assert "... on ProgressEvent { progress {" in text
    assert f"stopped experiment {running}" in text
    run = (await graphql(demo["client"], RUN, {"id": running}))["experiment"]
    assert run["status"] == "STOPPED"


async def test_cli_seed_only_prints_the_ids_and_leaves_the_run_running(demo):
    command = ["demo", "--url", f"http://{demo['server']}", "--token", demo["token"], "--seed-only"]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *command,
        cwd=Path(__file__).parents[2],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    lines = out.decode().splitlines()
    running = next(line.split()[-1] for line in lines if line.startswith("Live run:"))
    assert sum(line.split()[0] == "COMPLETED" for line in lines if line.startswith("  ")) == 5
    assert not any(line.startswith("Training") for line in lines)
    run = (await graphql(demo["client"], RUN, {"id": running}))["experiment"]
    assert run["status"] == "RUNNING"
    await simulate(demo["client"], running, **SHORT, duration=0.0)


def test_token_resolution(tmp_path: Path):
    assert resolve_token(" esk_given ", None, tmp_path) == "esk_given"
    (tmp_path / "admin-token").write_text("esk_from_file\n", encoding="utf-8")
    assert resolve_token(None, None, tmp_path) == "esk_from_file"
    other = tmp_path / "other"
    other.write_text("esk_other\n", encoding="utf-8")
    assert resolve_token(None, other, tmp_path) == "esk_other"
    with pytest.raises(DemoError, match="NO_TOKEN"):
        resolve_token(None, tmp_path / "missing", tmp_path)


def test_cli_parses_demo_options():
    args = build_parser().parse_args(
        ["demo", "--url", "http://h:9", "--token", "t", "--duration", "30", "--tick", "0.5"]
    )
    assert (args.url, args.token, args.duration, args.tick) == ("http://h:9", "t", 30.0, 0.5)
    assert (args.speed, args.epochs, args.steps_per_epoch) == (10.0, 10, 200)
    assert args.seed_only is False
    assert build_parser().parse_args(["demo", "--seed-only"]).seed_only is True


@pytest.mark.parametrize("option", ["--speed", "--tick", "--epochs", "--duration"])
def test_cli_refuses_non_positive_options(option, capsys):
    assert main(["demo", "--token", "t", option, "0"]) == 1
    assert f"{option} must be > 0" in capsys.readouterr().err


def test_cli_without_a_token_says_where_it_looked(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EXPSVC_DATA_DIR", str(tmp_path))
    assert main(["demo"]) == 1
    assert str(tmp_path / "admin-token") in capsys.readouterr().err
