"""Many subscribers of one live batch: it is encoded once per subscription shape, written
straight to the sockets of the subscribers after the first of each shape, and fanned out a
chunk at a time so the event loop (and the requests waiting on it) gets turns."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.events.broker import DELIVERY_CHUNK, InProcessBroker
from app.models.enums import Role
from schema.engine import live_delivery, shared_events
from tests.builders import create_hypothesis, create_running
from tests.live.client import Collector, ws_session
from tests.live.test_subscriptions import post_lines, post_points

FULL = """subscription($id: ID!) { runMonitor(experimentId: $id) { __typename
    ... on MetricsEvent { experimentId points { key step value } }
    ... on LogsEvent { lines { seq message } } } }"""
STEPS_ONLY = """subscription($id: ID!) { runMonitor(experimentId: $id) { __typename
    ... on MetricsEvent { points { step } } } }"""


def _metrics(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i["runMonitor"] for i in items if i["runMonitor"]["__typename"] == "MetricsEvent"]


def _lines(items: list[dict[str, Any]]) -> list[str]:
    events = [i["runMonitor"] for i in items if i["runMonitor"]["__typename"] == "LogsEvent"]
    return [line["message"] for event in events for line in event["lines"]]


@pytest.mark.engine_tricks
@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_one_encoding_per_shape_and_direct_sends(
    live_server, services, make_user, monkeypatch, protocol
):
    user, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    encoded: list[object] = []
    direct: list[str] = []
    encode, send = shared_events._encode, live_delivery.Outlet.send

    def counting_encode(data: object) -> str:
        if "MetricsEvent" in str(data) or "LogsEvent" in str(data):
            encoded.append(data)
        return encode(data)

    async def counting_send(self: live_delivery.Outlet, payload: str) -> None:
        direct.append(self.head)
        await send(self, payload)

    monkeypatch.setattr(shared_events, "_encode", counting_encode)
    monkeypatch.setattr(live_delivery.Outlet, "send", counting_send)
    ident = {"id": str(experiment.id)}
    run = {"base": f"http://{live_server}/api/v1/experiments/{experiment.id}"}
    async with (
        httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http,
        ws_session(live_server, token, protocol) as first,
        ws_session(live_server, token, protocol) as second,
    ):
        run["http"] = http
        # four of one shape (two of them on one connection, so with different ids) and two
        # of another
        full = [Collector(s, FULL, ident) for s in (first, first, second, second)]
        steps = [Collector(s, STEPS_ONLY, ident) for s in (first, second)]
        everyone = full + steps
        for sub in everyone:
            await sub.wait_for(lambda items: len(items) >= 2)  # status and progress
        await post_points(run, "loss", list(range(300)))
        for sub in everyone:
            await sub.wait_for(lambda items: sum(len(e["points"]) for e in _metrics(items)) >= 300)
        await post_lines(run, ["one", "two"])
        for sub in full:
            await sub.wait_for(lambda items: len(_lines(items)) >= 2)
        await asyncio.sleep(0.2)  # nothing more arrives
        for sub in everyone:
            await sub.stop()
    expected = [{"key": "loss", "step": s, "value": float(s)} for s in range(300)]
    for sub in full:
        events = _metrics(sub.items)
        assert [p for e in events for p in e["points"]] == expected
        assert {e["experimentId"] for e in events} == {str(experiment.id)}
        assert _lines(sub.items) == ["one", "two"]
    for sub in steps:
        events = _metrics(sub.items)
        assert [p for e in events for p in e["points"]] == [{"step": s} for s in range(300)]
        assert all(e.keys() == {"__typename", "points"} for e in events)
    # the batch and the lines: one encoding per shape each (the second shape gets
    # LogsEvents too, with nothing but their __typename)
    assert len(encoded) == 4
    # everyone but the first of each shape got them straight from the shared encoding
    assert len(direct) == 2 * ((len(full) - 1) + (len(steps) - 1))
    kind = "next" if protocol == "graphql-transport-ws" else "data"
    assert all(head.endswith(f'"type":"{kind}"') for head in direct)
    # each message carried its own subscription's id: on one connection the two of a
    # shape have different ids, and each collector got exactly its own messages
    assert len({head for head in direct}) >= 2


async def test_a_message_fans_out_a_chunk_at_a_time():
    broker = InProcessBroker()
    subscriptions = [await broker.open("c") for _ in range(DELIVERY_CHUNK * 3 + 1)]
    seen: list[int] = []

    async def watch() -> None:
        await asyncio.sleep(0)  # runs while the publish is under way, not after it
        seen.append(sum(s.queue.qsize() for s in subscriptions))

    watcher = asyncio.create_task(watch())
    await broker.publish("c", b"one")
    await broker.publish("c", b"two")
    await watcher
    assert 0 < seen[0] < len(subscriptions)
    for subscription in subscriptions:  # every one got both, in order
        assert [await subscription.get(), await subscription.get()] == [
            ("c", b"one"),
            ("c", b"two"),
        ]
        assert subscription.queue.empty()
