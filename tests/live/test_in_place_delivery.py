"""Live batches taken in place: written by the broker's fan-out straight to a waiting
subscriber's socket (``MetricFeed.take``, ``DirectDelivery.sink``, ``app/ws_frames.py``),
in order with everything queued, and never past a slow socket's high-water mark."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.frames import Frame, Opcode
from websockets.typing import Subprotocol

from app import ws_frames
from app.events import broker as broker_module
from app.events.broker import IN_PLACE_CHUNK, InProcessBroker, Message
from app.events.names import experiment_channel
from app.live.metrics import MetricFeed, SharedPoints
from app.models.enums import Role
from app.ws_frames import FrameWriter, frame_writer, text_frame
from tests.builders import create_hypothesis, create_running
from tests.live.client import Collector, ws_session
from tests.live.test_subscriptions import post_lines, post_points

MONITOR = """subscription($id: ID!) { runMonitor(experimentId: $id) { __typename
    ... on MetricsEvent { points { key step value } }
    ... on LogsEvent { lines { message } } } }"""


def _metrics(item: dict[str, Any]) -> dict[str, Any] | None:
    event: dict[str, Any] = item["runMonitor"]
    return event if event["__typename"] == "MetricsEvent" else None


def _steps(items: list[dict[str, Any]]) -> list[int]:
    return [p["step"] for i in items if (e := _metrics(i)) for p in e["points"]]


def _kinds(items: list[dict[str, Any]]) -> list[str]:
    return [i["runMonitor"]["__typename"] for i in items]


# --- the broker: only a consumer waiting at an empty queue is offered a message -----------


async def _waiting(subscription: Any) -> asyncio.Task[Message]:
    task = asyncio.create_task(subscription.get())
    await asyncio.sleep(0)
    return task


async def test_a_waiting_consumer_takes_messages_in_place_and_declines_to_the_queue():
    broker = InProcessBroker()
    subscription = await broker.open("c")
    taken: list[bytes] = []

    def in_place(message: Message) -> bool:
        taken.append(message[1])
        return message[1].startswith(b"take")

    subscription.in_place = in_place
    await broker.publish("c", b"before anyone waits")  # the consumer is busy: queued
    assert taken == []
    assert await subscription.get() == ("c", b"before anyone waits")
    consumer = await _waiting(subscription)
    await broker.publish("c", b"take 1")
    await asyncio.sleep(0)
    assert taken == [b"take 1"] and not consumer.done()  # handled, nobody woken
    await broker.publish("c", b"queue 2")  # declined: queued, the consumer wakes
    await broker.publish("c", b"take 3")  # something is queued: not offered, queued behind
    assert taken == [b"take 1", b"queue 2"]
    assert await consumer == ("c", b"queue 2")
    assert await subscription.get() == ("c", b"take 3")
    await subscription.close()


async def test_a_failing_in_place_consumer_falls_back_to_the_queue():
    broker = InProcessBroker()
    subscription = await broker.open("c")

    def broken(message: Message) -> bool:
        raise RuntimeError("boom")

    subscription.in_place = broken
    consumer = await _waiting(subscription)
    await broker.publish("c", b"one")
    assert await consumer == ("c", b"one")
    assert subscription.in_place is None


async def test_messages_taken_in_place_give_the_loop_a_turn_every_chunk():
    broker = InProcessBroker()
    subscriptions = [await broker.open("c") for _ in range(IN_PLACE_CHUNK * 2 + 1)]
    taken: list[int] = []
    for number, subscription in enumerate(subscriptions):
        subscription.in_place = lambda message, n=number: taken.append(n) is None
    consumers = [await _waiting(s) for s in subscriptions]
    seen: list[int] = []

    async def watch() -> None:  # first runs at the publish's first turn to the loop
        seen.append(len(taken))

    watcher = asyncio.create_task(watch())
    await broker.publish("c", b"one")
    await watcher
    assert seen == [IN_PLACE_CHUNK]
    assert taken == list(range(len(subscriptions)))  # in the order they subscribed
    assert not any(c.done() for c in consumers)
    for consumer in consumers:
        consumer.cancel()


# --- the metric feed: what ``take`` does is what yielding would have done -------------------


def _batch(seq: int, steps: list[int]) -> Message:
    event = {
        "type": "metrics",
        "seq": seq,
        "keys": ["loss"] * len(steps),
        "steps": steps,
        "values": [float(s) for s in steps],
        "timestamps": ["2026-01-01T00:00:00+00:00"] * len(steps),
    }
    return ("experiment:x", orjson.dumps(event))


def test_the_feed_takes_new_whole_batches_the_sink_sends():
    feed = MetricFeed(None, None)
    feed.snapshot_seq = 5
    sent: list[list[int]] = []

    def sink(points: SharedPoints) -> bool:
        sent.append([p.step for p in points])
        return True

    assert feed.take(_batch(5, [1, 2]), sink)  # held by the replay: dropped
    assert sent == [] and feed.delivered == {}
    assert feed.take(_batch(6, [3, 4]), sink)
    assert sent == [[3, 4]] and feed.delivered == {"loss": 4}
    assert not feed.take(_batch(7, [5, 6, 7]), sink, largest=2)  # chunked: not whole
    assert not feed.take(("experiment:x", orjson.dumps({"type": "logs"})), sink)
    assert not feed.take(broker_module.GAP, sink)
    assert sent == [[3, 4]] and feed.delivered == {"loss": 4}


def test_a_declined_batch_is_not_noted_and_a_filtered_feed_takes_nothing():
    feed = MetricFeed(None, None)
    assert not feed.take(_batch(1, [1]), lambda points: False)
    assert feed.delivered == {}  # it will be yielded, and noted then
    filtered = MetricFeed(["loss"], None)
    assert not filtered.take(_batch(1, [1]), lambda points: True)


# --- the frames ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536])
def test_a_text_frame_is_what_websockets_writes(size):
    data = b"x" * size
    assert text_frame(data) == Frame(Opcode.TEXT, data).serialize(mask=False)


def test_no_writer_without_a_known_server_protocol():
    assert frame_writer({"type": "websocket"}) is None
    assert frame_writer({"type": "websocket", ws_frames.SCOPE_KEY: object()}) is None


# --- end to end ------------------------------------------------------------------------------


SMALL_SEND_BUFFER: set[object] = set()  # client addresses whose server socket gets 4 KiB


@pytest.fixture
def counted_writes(monkeypatch):
    """Every in-place write: (client address, written, write buffer size before, high-water
    mark)."""
    writes: list[tuple[object, bool, int, int]] = []
    write = FrameWriter.write

    def counting(self: FrameWriter, data: bytes) -> bool:
        transport = self.protocol.transport
        if self.protocol.client in SMALL_SEND_BUFFER:  # as a slow network would: fill soon
            SMALL_SEND_BUFFER.discard(self.protocol.client)
            sock = transport.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        before = transport.get_write_buffer_size()
        done = write(self, data)
        limits = transport.get_write_buffer_limits()
        writes.append((self.protocol.client, done, before, limits[1]))
        return done

    monkeypatch.setattr(FrameWriter, "write", counting)
    return writes


@pytest.fixture
def one_woken_per_pass(monkeypatch):
    """The broker wakes one subscriber per loop pass: the first of a batch's subscribers
    computes its result, the others can take it in place."""
    monkeypatch.setattr(broker_module, "DELIVERY_CHUNK", 1)


@pytest.mark.engine_tricks
@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_batches_taken_in_place_arrive_whole_and_in_order(
    start_server, services, make_user, counted_writes, one_woken_per_pass, protocol
):
    live_server = await start_server()  # as served: no compression
    user, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    ident = {"id": str(experiment.id)}
    run = {"base": f"http://{live_server}/api/v1/experiments/{experiment.id}"}
    async with (
        httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http,
        ws_session(live_server, token, protocol) as first,
        ws_session(live_server, token, protocol) as second,
    ):
        run["http"] = http
        subs = [Collector(s, MONITOR, ident) for s in (first, first, second, second)]
        for sub in subs:
            await sub.wait_for(lambda items: len(items) >= 2)  # status and progress
        for batch in range(6):
            await post_points(run, "loss", list(range(batch * 10, batch * 10 + 10)))
            if batch == 2:
                await post_lines(run, ["between"])
        for sub in subs:
            await sub.wait_for(lambda items: len(_steps(items)) >= 60)
        await asyncio.sleep(0.2)  # nothing more arrives
        for sub in subs:
            await sub.stop()
    for sub in subs:
        assert _steps(sub.items) == list(range(60))  # each point once, in order
        kinds = _kinds(sub.items)[2:]
        assert kinds.count("LogsEvent") == 1
        # the log line came between the third and the fourth batch
        steps_before = _steps(sub.items[: 2 + kinds.index("LogsEvent")])
        assert steps_before == list(range(30))
    assert any(done for _, done, _, _ in counted_writes)  # some were written in place


async def _subscribed(server: str, token: str, ident: dict[str, str], **options: Any) -> Any:
    """A plain websockets client (no compression) subscribed to ``MONITOR``, its status and
    progress read."""
    ws = await connect(
        f"ws://{server}/graphql",
        subprotocols=[Subprotocol("graphql-transport-ws")],
        compression=None,
        ping_interval=None,
        **options,
    )
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
    await ws.send(orjson.dumps(init).decode())
    assert orjson.loads(await ws.recv())["type"] == "connection_ack"
    subscribe = {"id": "1", "type": "subscribe", "payload": {"query": MONITOR, "variables": ident}}
    await ws.send(orjson.dumps(subscribe).decode())
    for _ in range(2):  # status and progress
        assert orjson.loads(await ws.recv())["type"] == "next"
    return ws


@pytest.mark.engine_tricks
async def test_a_slow_socket_falls_back_to_the_queue_and_lags(
    start_server, services, make_user, counted_writes, one_woken_per_pass
):
    server = await start_server(subscription_queue_size=3)
    user, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    ident = {"id": str(experiment.id)}
    # the first subscriber reads everything (and computes each batch's result)
    fast = await _subscribed(server, token, ident)
    fast_steps: list[int] = []

    fast_done = asyncio.Event()

    async def read_fast() -> None:
        while True:
            event = orjson.loads(await fast.recv())["payload"]["data"]["runMonitor"]
            fast_steps.extend(p["step"] for p in event.get("points", []))
            if len(fast_steps) >= everything:
                fast_done.set()

    reader = asyncio.create_task(read_fast())
    everything = 300 * 200
    # the second one reads nothing more once subscribed: a small receive buffer, and the
    # client library stops reading from the socket after one message
    tiny = socket.socket()
    tiny.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    tiny.setblocking(False)
    await asyncio.get_running_loop().sock_connect(tiny, tuple_of(server))
    slow_address = tiny.getsockname()
    SMALL_SEND_BUFFER.add(slow_address)
    slow = await _subscribed(server, token, ident, sock=tiny, max_queue=1)
    # batches of 200 points (~12 KB each) flood it
    channel = experiment_channel(experiment.id)
    for number in range(300):
        steps = list(range(number * 200, number * 200 + 200))
        await services.broker.publish(channel, _batch(10_000 + number, steps)[1])
        await asyncio.sleep(0.005)  # the fast one computes each result
    await asyncio.wait_for(fast_done.wait(), 30)
    to_slow = [w for w in counted_writes if w[0] == slow_address]
    assert any(done for _, done, _, _ in to_slow), "nothing was written in place"
    assert any(not done for _, done, _, _ in to_slow)  # once paused, it declined
    # a write only ever went to a transport under its high-water mark
    assert all(before <= high for _, done, before, high in to_slow if done)
    # now the slow client reads: what was sent, then the lag
    async with asyncio.timeout(30):
        while "SUBSCRIPTION_LAGGED" not in (text := str(await slow.recv())):
            assert '"next"' in text
    reader.cancel()
    await fast.close()
    await slow.close()
    assert fast_steps == list(range(everything))


def tuple_of(address: str) -> tuple[str, int]:
    host, _, port = address.partition(":")
    return host, int(port)


class _OtherProtocol:
    """Stands for any server or websocket protocol ``app/ws_frames.py`` does not know."""


@pytest.mark.parametrize("case", ["another-protocol", "compressed"])
async def test_other_protocols_and_compression_get_the_usual_path(
    start_server, services, make_user, counted_writes, one_woken_per_pass, monkeypatch, case
):
    if case == "another-protocol":
        monkeypatch.setattr(ws_frames, "WebSocketsSansIOProtocol", _OtherProtocol)
        server = await start_server()
    else:  # permessage-deflate, which the test client offers: each connection's bytes differ
        server = await start_server(server={"ws_per_message_deflate": True})
    user, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    ident = {"id": str(experiment.id)}
    run = {"base": f"http://{server}/api/v1/experiments/{experiment.id}"}
    async with (
        httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http,
        ws_session(server, token) as session,
    ):
        run["http"] = http
        subs = [Collector(session, MONITOR, ident) for _ in range(3)]
        for sub in subs:
            await sub.wait_for(lambda items: len(items) >= 2)
        for batch in range(3):
            await post_points(run, "loss", list(range(batch * 10, batch * 10 + 10)))
        for sub in subs:
            await sub.wait_for(lambda items: len(_steps(items)) >= 30)
            await sub.stop()
    for sub in subs:
        assert _steps(sub.items) == list(range(30))
    assert counted_writes == []
