"""Live fan-out: N websocket subscribers on ``runMonitor`` of one experiment, one producer.

For each broker (``--broker``: the in-process one, Redis, or both one after the other) a
real ``expsvc serve`` is started on a throw-away PostgreSQL database (with Redis:
``EXPSVC_REDIS_URL`` set to the local Redis and a unique ``EXPSVC_REDIS_KEY_PREFIX``), one
experiment is created and started, and then:

1. ``--subscribers`` websocket clients (spread over ``--procs`` subscriber processes, each
   an asyncio loop) speak graphql-transport-ws directly with the ``websockets`` library:
   ``connection_init`` with the admin token, ``subscribe`` to ``runMonitor`` of the
   experiment, and wait for its initial ``StatusEvent`` and ``ProgressEvent``;
2. when every subscriber is in, the producer (this process) posts ``--warmup`` + ``--batches``
   columnar batches of ``--points`` points (one key, steps rising) to
   ``POST /api/v1/experiments/{id}/metrics/batch``, one every ``--interval`` seconds —
   one at a time, as a training loop would: a POST that takes longer than the interval
   delays the next one (the achieved rate is printed), and posting stops a quarter of
   ``--timeout`` before the end of the run to leave time for the deliveries;
3. each subscriber notes, per batch, the wall-clock time
   (``time.time_ns()``, one clock for every process on the machine) at which the
   ``MetricsEvent`` holding that batch arrived; latency = that time - the time the producer
   sent the POST (so it includes ingestion, commit, publish and the fan-out).

Printed per broker: p50/p95/p99/max over all (subscriber, batch) pairs of the measured
batches, missing deliveries, the first/last subscriber per batch, the POST latency, the
server's peak RSS, and the CPU seconds of the server, the subscriber processes, the producer
and the whole machine during the measured phase (with the load average: the 2 cores are
shared with PostgreSQL, Redis, the clients and whatever else runs).

Subscribers use the bench's own minimal websocket client (``RawWebSocket``: ~10 µs of
CPU per message, where ``websockets`` spends ~150 µs — with 2,000 subscribers that is a
core of the machine the server runs on); ``--client websockets`` uses the library, which
offers permessage-deflate like browsers do (``--no-compression`` to turn it off). They
do not parse metric messages as JSON, to keep the client side cheap, but check
every point: the ``points`` of each message must be, byte for byte, the JSON of the next
posted batch(es) (key, step, value, timestamp), so a point missing, repeated, reordered
or altered fails the subscriber. Every phase is bounded (``--timeout`` per
broker run); the server is stopped, the database dropped and the Redis keys with the
prefix deleted at the end. Run from the repository root:

    .tools/bin/uv run python bench/fanout.py
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    Service,
    add_database_args,
    machine_line,
    percentile,
    profiler,
    require_loopback,
    running_experiment,
    throwaway_database,
)

KEY = "bench/fanout"
BASE_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

SUBSCRIPTION = """
subscription($id: ID!) {
  runMonitor(experimentId: $id) {
    __typename
    ... on MetricsEvent { experimentId points { key step value timestamp } }
    ... on ProgressEvent { experimentId progress { step fraction } }
    ... on StatusEvent { experimentId status }
    ... on LogsEvent { experimentId }
  }
}
"""

METRICS_TAG = b'"__typename":"MetricsEvent"'
TARGETS = (
    "targets: 200 subscribers of 1,000-point batches: delivery p99 <= 100 ms; "
    "2,000 subscribers of 10-point batches: POST p99 <= 50 ms, delivery p99 <= 250 ms"
)


# --- clocks ---------------------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_split(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of a process (all its threads), zeros if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0, 0.0
    return int(fields[11]) / TICKS, int(fields[12]) / TICKS  # utime, stime


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads), 0 if it is gone."""
    return sum(cpu_split(pid))


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from ``/proc/stat``."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already in user
    return total - idle, total


def load_avg() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# --- the subscriber processes ---------------------------------------------------------------


@dataclass
class WorkerConfig:
    url: str  # ws://127.0.0.1:port/graphql
    token: str
    experiment_id: str
    count: int
    total_batches: int  # warm-up + measured
    points: int
    compression: bool
    raw: bool  # the bench's own minimal websocket client instead of ``websockets``
    connect_concurrency: int
    connect_timeout: float


@dataclass
class WorkerState:
    ready: int = 0
    failed: int = 0
    messages: int = 0
    metric_messages: int = 0
    metric_bytes: int = 0
    deflate: int = 0  # subscribers whose connection negotiated permessage-deflate
    live: set[int] = field(default_factory=set)  # subscribers subscribed and still reading
    errors: list[str] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)


def expected_points(total_batches: int, points: int) -> list[bytes]:
    """Per batch, the exact JSON its points must arrive as: the subscription's selection
    (key, step, value, timestamp) of what the producer posted, as the server writes it
    (orjson numbers, ISO 8601 timestamps in UTC)."""
    base = datetime(2026, 1, 1, tzinfo=UTC)  # BASE_MS
    assert int(base.timestamp() * 1000) == BASE_MS
    batches = []
    for n in range(total_batches):
        steps = range(n * points, (n + 1) * points)
        batches.append(
            b",".join(
                orjson.dumps(
                    {
                        "key": KEY,
                        "step": step,
                        "value": 1.0 / (1 + step),
                        "timestamp": (base + timedelta(milliseconds=step * 10)).isoformat(),
                    }
                )
                for step in steps
            )
        )
    return batches


def _check_points(data: bytes, batch: int, expected: list[bytes]) -> int:
    """Check that the ``points`` of a MetricsEvent message are exactly those of batches
    ``batch``, ``batch + 1``, … (byte for byte: every point, in order, with its key, value
    and timestamp), and return how many batches it held. No JSON parsing — one
    comparison per batch — so the client stays cheap, but a point missing, repeated, out
    of order or altered fails the subscriber."""
    at = data.find(b'"points":[')
    if at < 0:
        raise RuntimeError(f"a MetricsEvent without points: {data[:300]!r}")
    at += len(b'"points":[')
    count = 0
    while True:
        n = batch + count
        if n >= len(expected) or not data.startswith(expected[n], at):
            raise RuntimeError(
                f"batch {n}: the points differ from what was posted at byte {at}: "
                f"{data[at : at + 120]!r}"
            )
        at += len(expected[n])
        count += 1
        if data[at : at + 1] == b"]":
            return count
        if data[at : at + 1] != b",":
            raise RuntimeError(f"batch {n}: more points than were posted at byte {at}")
        at += 1


async def _subscriber(
    conf: WorkerConfig,
    number: int,
    times: list[int],
    state: WorkerState,
    gate: asyncio.Semaphore,
    expected: list[bytes],
) -> None:
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    ws: Any = None
    try:
        async with gate:
            ws = await connect(
                conf.url,
                subprotocols=[Subprotocol("graphql-transport-ws")],
                compression="deflate" if conf.compression else None,
                max_size=None,
                open_timeout=conf.connect_timeout,
                ping_interval=None,
                close_timeout=2,
            )
            async with asyncio.timeout(conf.connect_timeout):
                init = {"Authorization": f"Bearer {conf.token}"}
                await ws.send(orjson.dumps({"type": "connection_init", "payload": init}).decode())
                ack = orjson.loads(await ws.recv(decode=False))
                if ack.get("type") != "connection_ack":
                    raise RuntimeError(f"no connection_ack: {ack}")
                subscribe = {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIPTION, "variables": {"id": conf.experiment_id}},
                }
                await ws.send(orjson.dumps(subscribe).decode())
                seen: set[str] = set()
                while not {"StatusEvent", "ProgressEvent"} <= seen:
                    message = orjson.loads(await ws.recv(decode=False))
                    if message.get("type") != "next":
                        raise RuntimeError(f"subscription refused: {str(message)[:300]}")
                    if message["payload"].get("errors"):
                        raise RuntimeError(f"subscription error: {message['payload']['errors']}")
                    seen.add(message["payload"]["data"]["runMonitor"]["__typename"])
        state.ready += 1
        state.deflate += bool(ws.protocol.extensions)
        state.live.add(number)
        state.changed.set()
        batch = 0  # the next batch due: every point arrives once, in order
        while True:
            data = await ws.recv(decode=False)
            now = time.time_ns()
            state.messages += 1
            assert isinstance(data, bytes)
            if METRICS_TAG not in data[:200]:
                head = data[:40]
                if b'"type":"ping"' in head:  # the server's keep-alive
                    await ws.send('{"type":"pong"}')
                elif b'"type":"next"' not in head and b'"type":"pong"' not in head:
                    raise RuntimeError(f"unexpected message: {data[:300]!r}")
                continue
            state.metric_messages += 1
            state.metric_bytes += len(data)
            first = batch
            batch += _check_points(data, batch, expected)
            # every batch in this message (a message may hold several batches if the
            # server coalesces a backlog)
            for done in range(first, batch):
                if times[done] == 0:
                    times[done] = now
            state.changed.set()
    except asyncio.CancelledError:
        if ws is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(ws.close(), 2)
        raise
    except Exception as exc:  # every failure is counted and reported
        if number in state.live:
            state.live.discard(number)
        else:
            state.failed += 1
        state.errors.append(f"{type(exc).__name__}: {exc}"[:300])
        state.changed.set()


# --- a minimal websocket client (the default): ~10 µs of CPU per message -------------------


class RawWebSocket(asyncio.Protocol):
    """Just enough of RFC 6455 for the bench: the upgrade, unmasked server frames (text,
    continuation, ping, close), masked client text frames and pongs. Messages go to
    ``on_message`` as they are parsed (no task per message); before it is set they are
    queued for ``recv``. ``websockets`` costs ~150 µs of CPU per message here, which with
    2,000 subscribers is a core of the machine the server runs on."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded = asyncio.get_running_loop().create_future()
        self.inbox: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.on_message: Any = None
        self.fragments = bytearray()

    @classmethod
    async def connect(cls, url: str, subprotocol: str) -> RawWebSocket:
        import base64

        rest = url.removeprefix("ws://")
        hostport, _, path = rest.partition("/")
        host, _, port = hostport.partition(":")
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(cls, host, int(port or 80))
        key = base64.b64encode(os.urandom(16)).decode()
        assert protocol.transport is not None
        protocol.transport.write(
            (
                f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {subprotocol}\r\n\r\n"
            ).encode()
        )
        await protocol.upgraded
        return protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.upgraded.done():
            self.upgraded.set_exception(ConnectionError("closed during the upgrade"))
        self.inbox.put_nowait(None)
        if self.on_message is not None:
            self.on_message(None)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.upgraded.done():
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end])
            del buffer[: end + 4]
            if not head.startswith(b"HTTP/1.1 101"):
                self.upgraded.set_exception(ConnectionError(head[:200].decode("latin-1")))
                return
            self.upgraded.set_result(None)
        while len(buffer) >= 2:
            first, second = buffer[0], buffer[1]
            length = second & 0x7F
            at = 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length = int.from_bytes(buffer[2:4], "big")
                at = 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length = int.from_bytes(buffer[2:10], "big")
                at = 10
            if len(buffer) < at + length:
                return
            payload = bytes(buffer[at : at + length])
            del buffer[: at + length]
            self._frame(first & 0x80, first & 0x0F, payload)

    def _frame(self, fin: int, opcode: int, payload: bytes) -> None:
        if opcode == 9:  # ping
            self._write(0xA, payload)
            return
        if opcode == 8:  # close
            assert self.transport is not None
            self.transport.close()
            return
        if opcode == 0xA:
            return
        if not fin:
            self.fragments += payload
            return
        if self.fragments:
            payload = bytes(self.fragments) + payload
            self.fragments.clear()
        if self.on_message is not None:
            self.on_message(payload)
        else:
            self.inbox.put_nowait(payload)

    def _write(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            head = bytes([0x80 | opcode, 0x80 | length])
        elif length < 65536:
            head = bytes([0x80 | opcode, 0x80 | 126]) + length.to_bytes(2, "big")
        else:
            head = bytes([0x80 | opcode, 0x80 | 127]) + length.to_bytes(8, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        assert self.transport is not None
        self.transport.write(head + mask + masked)

    def send(self, text: str) -> None:
        self._write(0x1, text.encode())

    async def recv(self) -> bytes:
        message = await self.inbox.get()
        if message is None:
            raise ConnectionError("the server closed the connection")
        return message

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def _raw_subscriber(
    conf: WorkerConfig,
    number: int,
    times: list[int],
    state: WorkerState,
    gate: asyncio.Semaphore,
    expected: list[bytes],
) -> None:
    """``_subscriber`` with ``RawWebSocket``: the messages are checked as they are parsed."""
    ws: RawWebSocket | None = None
    try:
        async with gate, asyncio.timeout(conf.connect_timeout):
            ws = await RawWebSocket.connect(conf.url, "graphql-transport-ws")
            init = {"Authorization": f"Bearer {conf.token}"}
            ws.send(orjson.dumps({"type": "connection_init", "payload": init}).decode())
            ack = orjson.loads(await ws.recv())
            if ack.get("type") != "connection_ack":
                raise RuntimeError(f"no connection_ack: {ack}")
            subscribe = {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIPTION, "variables": {"id": conf.experiment_id}},
            }
            ws.send(orjson.dumps(subscribe).decode())
            seen: set[str] = set()
            while not {"StatusEvent", "ProgressEvent"} <= seen:
                message = orjson.loads(await ws.recv())
                if message.get("type") != "next":
                    raise RuntimeError(f"subscription refused: {str(message)[:300]}")
                if message["payload"].get("errors"):
                    raise RuntimeError(f"subscription error: {message['payload']['errors']}")
                seen.add(message["payload"]["data"]["runMonitor"]["__typename"])
        state.ready += 1
        state.live.add(number)
        state.changed.set()
        ended = asyncio.get_running_loop().create_future()
        batch = 0  # the next batch due: every point arrives once, in order

        def on_message(data: bytes | None) -> None:
            nonlocal batch
            if ended.done():
                return
            if data is None:
                ended.set_exception(ConnectionError("the server closed the connection"))
                return
            now = time.time_ns()
            state.messages += 1
            try:
                if METRICS_TAG not in data[:200]:
                    head = data[:40]
                    if b'"type":"ping"' in head:
                        assert ws is not None
                        ws.send('{"type":"pong"}')
                    elif b'"type":"next"' not in head and b'"type":"pong"' not in head:
                        raise RuntimeError(f"unexpected message: {data[:300]!r}")
                    return
                state.metric_messages += 1
                state.metric_bytes += len(data)
                first = batch
                batch += _check_points(data, batch, expected)
            except Exception as exc:
                ended.set_exception(exc)
                return
            for done in range(first, batch):
                if times[done] == 0:
                    times[done] = now
            state.changed.set()

        while not ws.inbox.empty():  # anything that came before the switch
            on_message(ws.inbox.get_nowait())
        ws.on_message = on_message
        await ended
    except asyncio.CancelledError:
        if ws is not None:
            ws.close()
        raise
    except Exception as exc:  # every failure is counted and reported
        if ws is not None:
            ws.close()
        if number in state.live:
            state.live.discard(number)
        else:
            state.failed += 1
        state.errors.append(f"{type(exc).__name__}: {exc}"[:300])
        state.changed.set()


async def _commands(commands: Connection, state: WorkerState, control: dict[str, int]) -> None:
    """``("expect", n)``: batches 0..n-1 were posted; ``"stop"``: end."""
    while True:
        command = await asyncio.to_thread(commands.recv)
        if command == "stop":
            return
        control["expect"] = command[1]
        state.changed.set()


async def _worker_main(conf: WorkerConfig, commands: Connection, results: Connection) -> None:
    state = WorkerState()
    times = [[0] * conf.total_batches for _ in range(conf.count)]
    gate = asyncio.Semaphore(conf.connect_concurrency)
    expected = expected_points(conf.total_batches, conf.points)
    tasks = [
        asyncio.create_task(
            (_raw_subscriber if conf.raw else _subscriber)(conf, n, times[n], state, gate, expected)
        )
        for n in range(conf.count)
    ]
    control = {"expect": -1}  # unknown until the producer is done
    stop = asyncio.create_task(_commands(commands, state, control))

    async def changed() -> None:
        waiter = asyncio.create_task(state.changed.wait())
        await asyncio.wait([stop, waiter], timeout=1, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        state.changed.clear()

    while state.ready + state.failed < conf.count and not stop.done():
        await changed()
    results.send(("ready", state.ready, state.failed, state.errors[:5]))
    reported = False
    while not stop.done():
        expect = control["expect"]
        if not reported and expect >= 0 and all(all(times[n][:expect]) for n in state.live):
            results.send(("complete",))
            reported = True
        await changed()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    results.send(
        (
            "result",
            times,
            state.errors,
            state.messages,
            state.metric_messages,
            state.metric_bytes,
            state.deflate,
        )
    )


def subscriber_process(conf: WorkerConfig, commands: Connection, results: Connection) -> None:
    """The entry point of one subscriber process."""
    asyncio.run(_worker_main(conf, commands, results))


# --- the producer and one run ---------------------------------------------------------------


@dataclass
class Run:
    broker: str
    subscribers: int
    ready: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds
    expected: int = 0
    posted: int = 0  # measured batches posted
    firsts: list[float] = field(default_factory=list)  # per batch: earliest delivery
    lasts: list[float] = field(default_factory=list)  # per batch: latest delivery
    posts: list[float] = field(default_factory=list)  # POST round trips
    errors: list[str] = field(default_factory=list)
    messages: int = 0
    metric_bytes: int = 0
    metric_messages: int = 0
    deflate: int = 0
    produce_seconds: float = 0.0
    phase_seconds: float = 0.0
    timed_out: bool = False
    rss_peak_mb: float = 0.0
    rss_hwm_mb: float = 0.0
    rss_idle_mb: float = 0.0
    rss_subscribed_mb: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    load_before: str = ""
    load_after: str = ""
    connect_seconds: float = 0.0


def batch_body(index: int, points: int) -> bytes:
    first = index * points
    steps = list(range(first, first + points))
    values = [1.0 / (1 + step) for step in steps]
    stamps = [BASE_MS + step * 10 for step in steps]
    return orjson.dumps({"key": KEY, "steps": steps, "values": values, "timestamps": stamps})


async def produce(
    service: Service,
    experiment_id: str,
    args: argparse.Namespace,
    measured_start: Any,
    stop_posting: float,
    deadline: float,
) -> tuple[list[int], list[float], float]:
    """Post the batches on schedule, one at a time (as a training loop would), until all
    are posted or ``stop_posting``; return the send times (ns, 0 = not posted), the POST
    round trips and the seconds the measured batches took to post."""
    total = args.warmup + args.batches
    bodies = [batch_body(n, args.points) for n in range(total)]
    sent = [0] * total
    trips: list[float] = []
    headers = {"content-type": "application/json"}
    url = f"/api/v1/experiments/{experiment_id}/metrics/batch"
    async with service.client() as client:
        began = last_sent = time.monotonic()
        for n, body in enumerate(bodies):
            if n < args.warmup:
                delay = args.interval if n else 0
            else:
                if n == args.warmup:
                    # the schedule goes on from the last warm-up batch: one interval after it
                    began = last_sent + args.interval if n else time.monotonic()
                delay = began + (n - args.warmup) * args.interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if n == args.warmup:
                measured_start()
            if time.monotonic() >= stop_posting:
                break
            last_sent = time.monotonic()
            sent[n] = time.time_ns()
            clock = time.perf_counter()
            try:
                async with asyncio.timeout(max(deadline - time.monotonic(), 0.1)):
                    answer = await client.post(url, content=body, headers=headers)
            except TimeoutError:
                break  # sent; it may still be delivered before the run ends
            if answer.status_code != 202:
                raise RuntimeError(f"batch refused: {answer.status_code} {answer.text[:300]}")
            if n >= args.warmup:
                trips.append(time.perf_counter() - clock)
        return sent, trips, time.monotonic() - began


def _receive(pipe: Connection, timeout: float) -> Any:
    if not pipe.poll(max(timeout, 0)):
        raise TimeoutError("a subscriber process did not answer in time")
    return pipe.recv()


def measure(service: Service, broker: str, args: argparse.Namespace) -> Run:
    run = Run(broker, args.subscribers)
    total_batches = args.warmup + args.batches
    assert service.process is not None and service.rss is not None
    server_pid = service.process.pid
    started = time.monotonic()
    deadline = started + args.timeout

    async def setup() -> str:
        async with service.client() as client:
            return await running_experiment(client, "fanout")

    experiment_id = asyncio.run(setup())
    run.rss_idle_mb = service.rss.current_mb()
    context = mp.get_context("spawn")
    workers: list[tuple[Any, Connection, Connection]] = []
    per = [
        args.subscribers // args.procs + (n < args.subscribers % args.procs)
        for n in range(args.procs)
    ]
    try:
        for count in per:
            command_reader, command_writer = context.Pipe(duplex=False)
            result_reader, result_writer = context.Pipe(duplex=False)
            conf = WorkerConfig(
                url=service.base_url.replace("http://", "ws://") + "/graphql",
                token=service.token,
                experiment_id=experiment_id,
                count=count,
                total_batches=total_batches,
                points=args.points,
                compression=not args.no_compression,
                raw=args.client == "raw",
                connect_concurrency=args.connect_concurrency,
                connect_timeout=min(60.0, args.timeout / 2),
            )
            process = context.Process(
                target=subscriber_process,
                args=(conf, command_reader, result_writer),
                daemon=True,
                name=f"fanout-subscribers-{len(workers)}",
            )
            process.start()
            workers.append((process, command_writer, result_reader))

        # 1. every subscriber in (or failed)
        for _, _, results in workers:
            kind, ready, failed, errors = _receive(results, deadline - time.monotonic())
            assert kind == "ready"
            run.ready += ready
            run.errors += errors
            if failed:
                run.errors.append(f"{failed} subscriber(s) could not subscribe")
        run.connect_seconds = time.monotonic() - started
        run.rss_subscribed_mb = service.rss.current_mb()
        print(
            f"  {run.ready}/{args.subscribers} subscribed in {run.connect_seconds:.1f} s; "
            f"posting {args.warmup} + {args.batches} batches …",
            flush=True,
        )

        # 2. produce, with the clocks of the measured phase
        marks: dict[str, Any] = {}

        def measured_start() -> None:
            marks["busy"] = machine_busy()
            marks["wall"] = time.monotonic()
            marks["cpu"] = {
                "server": cpu_seconds(server_pid),
                "server_sys": cpu_split(server_pid)[1],
                "subscribers": sum(cpu_seconds(p.pid or 0) for p, _, _ in workers),
                "producer": time.process_time(),
            }

        run.load_before = load_avg()
        stop_posting = deadline - min(30.0, args.timeout / 4)  # then only wait for deliveries
        sent, run.posts, run.produce_seconds = asyncio.run(
            produce(service, experiment_id, args, measured_start, stop_posting, deadline)
        )
        if "wall" not in marks:  # the time ran out during the warm-up
            measured_start()
        run.posted = sum(1 for n in range(args.warmup, total_batches) if sent[n])
        for _, commands, _ in workers:
            commands.send(("expect", sum(1 for t in sent if t)))
        if run.posted < args.batches:
            print(f"  only {run.posted} of {args.batches} batches posted in time", flush=True)

        # 3. wait until every ready subscriber has every batch, or the run's time is up
        waiting = [results for _, _, results in workers]
        while waiting:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                run.timed_out = True
                break
            for results in list(waiting):
                if results.poll(min(remaining, 0.05)):
                    message = results.recv()
                    if message[0] == "complete":
                        waiting.remove(results)
        end_wall = time.monotonic()
        busy = machine_busy()
        run.cpu = {
            "server": cpu_seconds(server_pid) - marks["cpu"]["server"],
            "server_sys": cpu_split(server_pid)[1] - marks["cpu"]["server_sys"],
            "subscribers": sum(cpu_seconds(p.pid or 0) for p, _, _ in workers)
            - marks["cpu"]["subscribers"],
            "producer": time.process_time() - marks["cpu"]["producer"],
        }
        run.phase_seconds = end_wall - marks["wall"]
        ticks = busy[1] - marks["busy"][1]
        run.cpu["machine"] = (
            (busy[0] - marks["busy"][0]) / ticks * (os.cpu_count() or 1) * run.phase_seconds
            if ticks
            else 0.0
        )
        run.load_after = load_avg()
        run.rss_peak_mb = service.rss.peak_mb
        run.rss_hwm_mb = service.rss.hwm_mb()

        # 4. stop the subscribers, collect what they saw
        for _, commands, _ in workers:
            commands.send("stop")
        received: list[list[int]] = []
        for _, _, results in workers:
            while True:
                message = _receive(results, 30)
                if message[0] == "result":
                    break
            _, times, errors, messages, metric_messages, metric_bytes, deflate = message
            received += times
            run.errors += errors
            run.messages += messages
            run.metric_messages += metric_messages
            run.metric_bytes += metric_bytes
            run.deflate += deflate
    finally:
        for _, commands, _ in workers:
            with contextlib.suppress(OSError):
                commands.send("stop")
        for process, _, _ in workers:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)

    run.expected = args.subscribers * run.posted
    for batch in range(args.warmup, total_batches):
        if not sent[batch]:
            continue
        arrivals = [times[batch] for times in received if times[batch]]
        run.latencies += [(t - sent[batch]) / 1e9 for t in arrivals]
        if arrivals:
            run.firsts.append((min(arrivals) - sent[batch]) / 1e9)
            run.lasts.append((max(arrivals) - sent[batch]) / 1e9)
    return run


# --- the brokers ----------------------------------------------------------------------------


def delete_redis_keys(url: str, prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        return len(keys)
    finally:
        client.close()


def run_broker(broker: str, args: argparse.Namespace) -> Run:
    # every subscriber uses the admin token from this machine: lift the websocket limits
    # and the reads a minute (each subscription's start is one)
    room = str(args.subscribers + 10)
    extra = {
        "EXPSVC_WS_MAX_CONNECTIONS_PER_TOKEN": room,
        "EXPSVC_WS_MAX_CONNECTIONS_PER_ADDRESS": room,
        "EXPSVC_RATE_LIMIT_READS_PER_MINUTE": "0",
    }
    prefix = ""
    if broker == "redis":
        prefix = f"bench-{uuid.uuid4().hex[:8]}:"
        extra |= {"EXPSVC_REDIS_URL": args.redis_url, "EXPSVC_REDIS_KEY_PREFIX": prefix}
    try:
        with (
            throwaway_database(
                args.pg_server_url, args.database_url, prefix="expsvc_fanout"
            ) as dsn,
            Service(dsn, extra_env=extra, command_prefix=profiler(args)) as service,
        ):
            print(f"[{broker}] service up at {service.base_url}; {machine_line()}", flush=True)
            return measure(service, broker, args)
    finally:
        if prefix:
            deleted = delete_redis_keys(args.redis_url, prefix)
            print(f"[{broker}] deleted {deleted} Redis key(s) with the prefix {prefix}")


# --- output ---------------------------------------------------------------------------------


def _ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:8.1f}" if values else "       -"


def report(run: Run, args: argparse.Namespace) -> None:
    name = {"inproc": "in-process broker", "redis": "Redis broker"}[run.broker]
    compression = (
        "minimal client, no compression offered"
        if args.client == "raw"
        else "no compression offered"
        if args.no_compression
        else f"permessage-deflate offered, negotiated by {run.deflate} of {run.ready}"
    )
    print()
    print(
        f"== fan-out, {name}: {run.subscribers} runMonitor subscribers ({args.procs} "
        f"processes, {compression}), {args.batches} batches of {args.points:,} points every "
        f"{args.interval * 1000:.0f} ms (+{args.warmup} warm-up); {machine_line()}"
    )
    got = len(run.latencies)
    lat = run.latencies
    print(
        f"delivery latency, post sent -> event received ({got:,} deliveries): "
        f"p50 {_ms(lat, 50).strip()} ms, p95 {_ms(lat, 95).strip()} ms, "
        f"p99 {_ms(lat, 99).strip()} ms, max {max(lat, default=0) * 1000:.1f} ms   "
        f"({TARGETS})"
    )
    print(
        f"missing deliveries: {run.expected - got:,} of {run.expected:,}"
        f"{' (the run hit its time bound)' if run.timed_out else ''}; "
        f"subscribed {run.ready}/{run.subscribers} in {run.connect_seconds:.1f} s; "
        f"errors: {len(run.errors)}"
    )
    for error in run.errors[:5]:
        print(f"  error: {error}")
    print(
        f"per batch: first subscriber p50 {_ms(run.firsts, 50).strip()} ms, "
        f"last subscriber p50 {_ms(run.lasts, 50).strip()} ms / max "
        f"{max(run.lasts, default=0) * 1000:.1f} ms; POST round trip p50 "
        f"{_ms(run.posts, 50).strip()} ms, p99 {_ms(run.posts, 99).strip()} ms"
    )
    slowest = sorted(enumerate(run.posts), key=lambda p: -p[1])[:3]
    print(
        "slowest POSTs (measured batch #: ms): "
        + ", ".join(f"#{n} {seconds * 1000:.1f}" for n, seconds in slowest)
    )
    size = run.metric_bytes / run.metric_messages / 1024 if run.metric_messages else 0
    rate = got * args.points / run.phase_seconds if run.phase_seconds else 0
    posted = run.posted / run.produce_seconds if run.produce_seconds else 0
    print(
        f"messages received: {run.messages:,} ({run.metric_messages:,} MetricsEvent, "
        f"{size:.0f} KiB each as JSON); {run.posted} batches posted ({posted:.2f}/s, "
        f"planned {1 / args.interval:.2f}/s), {rate:,.0f} points/s delivered to all subscribers"
    )
    print(
        f"server RSS: {run.rss_idle_mb:.0f} MB before the subscribers, "
        f"{run.rss_subscribed_mb:.0f} MB with them subscribed, peak {run.rss_peak_mb:.0f} MB "
        f"(VmRSS every 100 ms), VmHWM {run.rss_hwm_mb:.0f} MB   (target <= 300 MB)"
    )
    wall = run.phase_seconds
    cpu = run.cpu
    others = cpu["machine"] - cpu["server"] - cpu["subscribers"] - cpu["producer"]
    print(
        f"CPU seconds over the measured phase ({wall:.1f} s wall, posting took "
        f"{run.produce_seconds:.1f} s): server {cpu['server']:.1f} "
        f"({cpu['server'] / wall * 100:.0f} % of a core; system {cpu['server_sys']:.1f}), "
        f"subscriber processes "
        f"{cpu['subscribers']:.2f}, producer {cpu['producer']:.2f}; whole machine "
        f"{cpu['machine']:.1f} of {wall * (os.cpu_count() or 1):.1f} (PostgreSQL, Redis and "
        f"everything else: {others:.1f})"
    )
    if got:  # independent of how much of a core the server got
        print(
            f"server CPU per delivery (ingestion included): {cpu['server'] / got * 1e6:.0f} µs; "
            f"subscriber CPU per metric message: "
            f"{cpu['subscribers'] / max(run.metric_messages, 1) * 1e6:.0f} µs"
        )
    print(f"load avg: {run.load_before} when posting began, {run.load_after} at the end")


def summary(runs: list[Run]) -> None:
    print()
    print(
        f"{'broker':<8} {'subs':>5} {'deliveries':>11} {'missing':>8} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'POST p50':>8} {'POST p99':>8} "
        f"{'RSS MB':>7} {'srv CPU':>8}"
    )
    for run in runs:
        lat = run.latencies
        print(
            f"{run.broker:<8} {run.subscribers:>5} {len(lat):>11,} "
            f"{run.expected - len(lat):>8,} {_ms(lat, 50)} {_ms(lat, 95)} {_ms(lat, 99)} "
            f"{max(lat, default=0) * 1000:8.1f} {_ms(run.posts, 50)} {_ms(run.posts, 99)} "
            f"{run.rss_peak_mb:>7.0f} "
            f"{run.cpu.get('server', 0):>7.1f}s"
        )
    print(f"{TARGETS}; server RSS <= 300 MB")


# --- main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--batches", type=int, default=50, help="measured batches")
    parser.add_argument("--points", type=int, default=1000, help="points per batch")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between batches")
    parser.add_argument("--rate", type=float, help="batches per second (instead of --interval)")
    parser.add_argument("--warmup", type=int, default=2, help="batches before the clock starts")
    parser.add_argument("--broker", choices=["inproc", "redis", "both"], default="both")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--procs", type=int, default=2, help="subscriber processes")
    parser.add_argument(
        "--connect-concurrency", type=int, default=10, help="subscribes in flight per process"
    )
    parser.add_argument(
        "--no-compression", action="store_true", help="do not offer permessage-deflate"
    )
    parser.add_argument(
        "--client",
        choices=["raw", "websockets"],
        default="raw",
        help="subscriber websocket client: the bench's minimal one (never offers "
        "compression) or the websockets library",
    )
    parser.add_argument("--timeout", type=float, default=120, help="bound of each broker run (s)")
    parser.add_argument(
        "--server-profile",
        metavar="FILE",
        help="profile the server: FILE.prof (cProfile) or FILE.txt/.html (pyinstrument, "
        "run the bench with `uv run --with pyinstrument`)",
    )
    add_database_args(parser)
    args = parser.parse_args()
    if args.rate:
        args.interval = 1 / args.rate
    if args.subscribers < 1 or args.batches < 1 or args.points < 1 or args.procs < 1:
        parser.error("--subscribers, --batches, --points and --procs must be positive")
    args.procs = min(args.procs, args.subscribers)
    require_loopback(args.redis_url)
    if args.database_url and args.broker == "both":
        parser.error("--database-url holds one run: pick --broker inproc or --broker redis")
    return args


def main() -> int:
    args = parse_args()
    brokers = ["inproc", "redis"] if args.broker == "both" else [args.broker]
    runs = []
    for broker in brokers:
        run = run_broker(broker, args)
        report(run, args)
        runs.append(run)
    summary(runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
