"""Subscriptions over real websockets: replay then live, exactly once, in order."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.models.enums import Role
from tests.builders import create_hypothesis, create_running
from tests.live.client import Collector, ws_session

METRICS = """subscription($id: ID!, $keys: [String!], $since: BigInt) {
  metricPoints(experimentId: $id, keys: $keys, sinceStep: $since) {
    experimentId points { key step value } } }"""
LOGS = """subscription($id: ID!, $levels: [LogLevel!], $after: Int) {
  logLines(experimentId: $id, levels: $levels, after: $after) { lines { seq level message } } }"""
MONITOR = """subscription($id: ID!) { runMonitor(experimentId: $id) {
  __typename
  ... on ProgressEvent { progress { step fraction } }
  ... on MetricsEvent { points { key step value } }
  ... on LogsEvent { lines { seq message } }
  ... on StatusEvent { status failure { reason } } } }"""


@pytest.fixture
async def run(services, make_user, live_server):
    user, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    base = f"http://{live_server}/api/v1/experiments/{experiment.id}"
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
        yield {
            "token": token,
            "id": str(experiment.id),
            "base": base,
            "http": http,
            "server": live_server,
            "user": user,
            "hypothesis": hypothesis,
        }


async def post_points(run: dict[str, Any], key: str, steps: list[int]) -> None:
    body = {"key": key, "steps": steps, "values": [float(s) for s in steps]}
    response = await run["http"].post(f"{run['base']}/metrics/batch", json=body)
    assert response.status_code == 202, response.text


async def post_lines(run: dict[str, Any], messages: list[str], level: str = "INFO") -> None:
    body = {"lines": [{"message": m, "level": level} for m in messages]}
    response = await run["http"].post(f"{run['base']}/logs", json=body)
    assert response.status_code == 202, response.text


def steps_of(items: list[dict[str, Any]], key: str | None = None) -> list[int]:
    return [
        p["step"]
        for item in items
        for p in item["metricPoints"]["points"]
        if key is None or p["key"] == key
    ]


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_metric_points_replay_then_live(run, protocol):
    await post_points(run, "loss", [0, 1, 2, 3, 4])
    await post_points(run, "acc", [0, 1])
    async with ws_session(run["server"], run["token"], protocol) as session:
        sub = Collector(session, METRICS, {"id": run["id"], "keys": ["loss"], "since": 2})
        await sub.wait_for(lambda items: steps_of(items) == [3, 4])
        await post_points(run, "loss", [5, 6])
        await post_points(run, "acc", [2])  # another key: filtered out
        await post_points(run, "loss", [7])
        await sub.wait_for(lambda items: len(steps_of(items)) >= 5)
        await asyncio.sleep(0.2)  # nothing more may arrive
        await sub.stop()
    assert steps_of(sub.items) == [3, 4, 5, 6, 7]


async def test_points_arriving_during_the_switch_come_once(run):
    await post_points(run, "loss", list(range(3000)))
    async with ws_session(run["server"], run["token"]) as session:
        sub = Collector(session, METRICS, {"id": run["id"], "since": -1})
        writers = [
            post_points(run, "loss", list(range(3000 + 100 * i, 3100 + 100 * i))) for i in range(10)
        ]
        await asyncio.gather(*writers)
        await sub.wait_for(lambda items: len(steps_of(items)) >= 4000)
        await asyncio.sleep(0.3)
        await sub.stop()
    steps = steps_of(sub.items)
    assert sorted(steps) == list(range(4000))  # each point exactly once


async def test_log_lines_replay_filter_and_live(run):
    await post_lines(run, ["a", "b"])
    await post_lines(run, ["careful"], level="WARNING")
    async with ws_session(run["server"], run["token"]) as session:
        every = Collector(session, LOGS, {"id": run["id"], "after": 1})
        warnings = Collector(
            session, LOGS, {"id": run["id"], "after": 0, "levels": ["WARNING", "ERROR"]}
        )
        await every.wait_for(lambda items: len(items) >= 1)
        await post_lines(run, ["c"])
        await post_lines(run, ["boom"], level="ERROR")
        await every.wait_for(lambda items: sum(len(i["logLines"]["lines"]) for i in items) >= 4)
        await warnings.wait_for(lambda items: sum(len(i["logLines"]["lines"]) for i in items) >= 2)
        await every.stop()
        await warnings.stop()
    seqs = [line["seq"] for item in every.items for line in item["logLines"]["lines"]]
    assert seqs == [2, 3, 4, 5]
    texts = [line["message"] for item in warnings.items for line in item["logLines"]["lines"]]
    assert texts == ["careful", "boom"]


async def test_run_monitor_sees_everything_in_order(run):
    async with ws_session(run["server"], run["token"]) as session:
        monitor = Collector(session, MONITOR, {"id": run["id"]})
        await monitor.wait_for(lambda items: len(items) >= 2)  # status and progress now
        for chunk in range(5):
            await post_points(run, "loss", list(range(chunk * 100, chunk * 100 + 100)))
            await post_lines(run, [f"line {chunk}-{i}" for i in range(20)])
        response = await run["http"].post(
            f"{run['base']}/progress", json={"step": 500, "total_steps": 1000}
        )
        assert response.status_code == 200
        await run["http"].post(f"{run['base']}/complete")

        def done(items: list[dict[str, Any]]) -> bool:
            return any(i["runMonitor"].get("status") == "COMPLETED" for i in items)

        await monitor.wait_for(done)
        await monitor.stop()
    events = [item["runMonitor"] for item in monitor.items]
    assert events[0] == {"__typename": "StatusEvent", "status": "RUNNING", "failure": None}
    assert events[1]["__typename"] == "ProgressEvent"
    points = [p["step"] for e in events if e["__typename"] == "MetricsEvent" for p in e["points"]]
    assert points == list(range(500))
    seqs = [line["seq"] for e in events if e["__typename"] == "LogsEvent" for line in e["lines"]]
    assert seqs == list(range(1, 101))
    assert any(e["__typename"] == "ProgressEvent" and e["progress"]["step"] == 500 for e in events)


async def test_experiment_updated_on_progress_and_completion(run):
    query = "subscription($id: ID!) { experimentUpdated(id: $id) { status progress { step } } }"
    async with ws_session(run["server"], run["token"]) as session:
        sub = Collector(session, query, {"id": run["id"]})
        await asyncio.sleep(0.2)
        await run["http"].post(f"{run['base']}/progress", json={"step": 10})
        await sub.wait_for(
            lambda items: any(i["experimentUpdated"]["progress"]["step"] == 10 for i in items)
        )
        await run["http"].post(f"{run['base']}/complete")
        await sub.wait_for(lambda items: items[-1]["experimentUpdated"]["status"] == "COMPLETED")
        await sub.stop()
    assert sub.items[-1]["experimentUpdated"]["progress"]["step"] == 10


async def test_experiment_updated_with_include_current_sends_the_state_first(run):
    """The first answer is the experiment as it is once the channel is open, with no
    change made; a change made as soon as it arrives follows it (none falls in between)."""
    query = """subscription($id: ID!) { experimentUpdated(id: $id, includeCurrent: true) {
        status progress { step } } }"""
    await run["http"].post(f"{run['base']}/progress", json={"step": 3})
    async with ws_session(run["server"], run["token"]) as session:
        sub = Collector(session, query, {"id": run["id"]})
        await sub.wait_for(lambda items: len(items) >= 1)
        first = sub.items[0]["experimentUpdated"]
        assert first == {"status": "RUNNING", "progress": {"step": 3}}
        await run["http"].post(f"{run['base']}/complete")
        await sub.wait_for(lambda items: items[-1]["experimentUpdated"]["status"] == "COMPLETED")
        await sub.stop()


async def test_experiment_updated_with_include_current_refuses_an_unreadable_one(run, make_user):
    _, stranger = await make_user(Role.DS)
    query = """subscription($id: ID!) { experimentUpdated(id: $id, includeCurrent: true) {
        status } }"""
    async with ws_session(run["server"], stranger) as session:
        sub = Collector(session, query, {"id": run["id"]})
        await sub.wait_for(lambda items: sub.error is not None or bool(items))
        await sub.stop()
    assert sub.items == []
    assert "NOT_FOUND" in str(sub.error)


async def test_experiment_updated_on_an_api_cost(run):
    query = "subscription($id: ID!) { experimentUpdated(id: $id) { cost { api } } }"
    async with ws_session(run["server"], run["token"]) as session:
        sub = Collector(session, query, {"id": run["id"]})
        await asyncio.sleep(0.2)
        body = {"amount": 2.5, "description": "judge calls"}
        answer = await run["http"].post(f"{run['base']}/api-costs", json=body)
        assert answer.status_code == 200, answer.text
        await sub.wait_for(lambda items: any(i["experimentUpdated"]["cost"]["api"] for i in items))
        await sub.stop()
    assert sub.items[-1]["experimentUpdated"]["cost"]["api"] == 2.5


async def test_experiments_changed_respects_visibility_and_filter(run, services, make_user):
    query = """subscription($filter: ExperimentFilter) { experimentsChanged(filter: $filter) {
        kind experiment { id name status } } }"""
    other, _ = await make_user(Role.DS)
    other_hypothesis = await create_hypothesis(services, other)
    async with ws_session(run["server"], run["token"]) as session:
        everything = Collector(session, query, {})
        llm_only = Collector(session, query, {"filter": {"type": "LLM"}})
        await asyncio.sleep(0.2)
        await create_running(services, other, other_hypothesis, name="not yours")
        await create_running(
            services, run["user"], run["hypothesis"], name="mine", type="LLM", model="llama"
        )
        await everything.wait_for(
            lambda items: any(
                i["experimentsChanged"]["experiment"]["status"] == "RUNNING" for i in items
            )
        )
        await llm_only.wait_for(lambda items: len(items) >= 2)
        await asyncio.sleep(0.2)
        await everything.stop()
        await llm_only.stop()
    # the fixture's own run ("exp", the caller's) may still get its start's event late on
    # a loaded machine; the other user's run never shows
    names = {i["experimentsChanged"]["experiment"]["name"] for i in everything.items}
    assert "mine" in names and names <= {"mine", "exp"}
    kinds = [
        i["experimentsChanged"]["kind"]
        for i in everything.items
        if i["experimentsChanged"]["experiment"]["name"] == "mine"
    ]
    assert kinds == ["CREATED", "UPDATED"]
    assert {i["experimentsChanged"]["experiment"]["name"] for i in llm_only.items} == {"mine"}


async def test_refusals(run, make_user):
    _, stranger = await make_user(Role.DS)
    async with ws_session(run["server"], stranger) as session:
        sub = Collector(session, METRICS, {"id": run["id"]})
        with pytest.raises(Exception, match="not found"):
            await sub.wait_for(lambda items: False, seconds=5)
    # no token: the connection itself is refused (tests/live/test_ws_admission.py)
