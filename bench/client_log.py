"""The training client (issue 14, point 3): what ``run.log`` costs the training thread, and
how many points per second one client moves to a local server.

``expsvc serve`` runs as a subprocess (the embedded SQLite default, or PostgreSQL); this
process is the training script: ``expsvc_client.init(...)`` against it, its sender thread
sending while the phases run. Phases, each on a run of its own:

``latency``
    ``run.log({"loss": x}, step=i)`` timed one call at a time with ``perf_counter_ns``
    (``--calls`` calls), then the same with a 4-key dict. The cost of the timing itself
    (an empty timed loop, measured the same way just before) is subtracted from every
    percentile. Then the calls/s of an untimed tight loop. The sender runs and sends
    throughout, so its turns with the interpreter lock are in the tail.
``throughput``
    After a warm-up (logged and flushed), a loop logs as fast as it can for ``--seconds``,
    then ``run.flush()``. Figure: points the server holds / (first log → flush done). With
    the points per request the sender made, and CPU per 1,000 points of the training thread,
    the sender thread, the server process (and PostgreSQL's backends) from ``/proc``.
``paced``
    The training thread logs at ``--rate`` points/s for ``--paced-seconds``; the journal's
    backlog (points logged - points the server accepted) each second says whether the
    sender keeps up.
``breakdown``
    Where a point's time goes, each piece on its own: ``JournalWriter.points`` (and its
    tail into fresh pages), ``read_chunk`` (and a prototype of a faster read), the request
    body's ``json.dumps`` (and ``orjson``), the server's steps for one batch on SQLite
    (in this process), one POST of the client's body (client, server and PostgreSQL CPU,
    wall; with and without ``batch_id``; 1 or 2 in flight).

Run from the repository root (all phases on both backends: ~6 minutes)::

    .venv/bin/python bench/client_log.py --backend both
    .venv/bin/python bench/client_log.py --backend both --phases breakdown
    .venv/bin/python bench/client_log.py --phases throughput --server-profile /tmp/server.prof
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import math
import os
import pstats
import struct
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    CREATE_HYPOTHESIS,
    Service,
    add_database_args,
    machine_line,
    percentile,
    profiler,
    throwaway_database,
)
from ingest import backend_pids, process_cpu

import expsvc_client as xs
from expsvc_client.api import Api
from expsvc_client.journal import (
    _POINT,
    POINT,
    JournalWriter,
    Segment,
    read_chunk,
    segment_path,
)

PHASES = ("latency", "throughput", "paced", "breakdown")
FOUR = ("train/loss", "train/acc", "lr", "grad_norm")
TICK = os.sysconf("SC_CLK_TCK")


# --- CPU of threads and processes -----------------------------------------------------------


def thread_cpu(tid: int) -> float:
    """User + system CPU seconds of one thread of this process."""
    try:
        fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


@dataclass
class CpuSplit:
    """CPU seconds over a phase: the training thread, the sender's threads (the sender and
    its lanes, which encode and send the requests), the whole client
    process, the server process and (on PostgreSQL) the database's backends."""

    training: float = 0.0
    sender: float = 0.0
    client: float = 0.0
    server: float = 0.0
    database: float | None = None

    def line(self, points: int, seconds: float) -> str:
        per = 1_000_000 / points if points else 0.0  # ms per 1,000 points
        db = "" if self.database is None else f", PostgreSQL {self.database * per:.2f}"
        load = (self.client + self.server + (self.database or 0.0)) / seconds if seconds else 0
        return (
            f"CPU ms per 1,000 points: training thread {self.training * per:.2f}, sender threads "
            f"{self.sender * per:.2f} (client process {self.client * per:.2f}), server "
            f"{self.server * per:.2f}{db}; cores busy {load:.2f} of {os.cpu_count()}"
        )


class DatabaseCpu:
    """CPU seconds of the PostgreSQL backends connected to ``dsn`` (None without one).

    Backends are listed at the start and again at the end (a pool may open connections
    meanwhile); one that appeared counts from zero, one that left is missed."""

    def __init__(self, dsn: str | None) -> None:
        self.dsn = dsn
        self.before = {p: process_cpu(p) for p in asyncio.run(backend_pids(dsn))} if dsn else {}

    def stop(self) -> float | None:
        if not self.dsn:
            return None
        pids = asyncio.run(backend_pids(self.dsn)) | set(self.before)
        return sum(process_cpu(p) - self.before.get(p, 0.0) for p in pids)


class CpuMeter:
    def __init__(self, run: xs.Run, server_pid: int, dsn: str | None) -> None:
        threads = [
            run._sender._thread,
            *(run._sender._lanes._threads if run._sender._lanes else []),
        ]
        assert all(t is not None and t.native_id is not None for t in threads)
        self.training = threading.get_native_id()
        self.senders = [t.native_id for t in threads if t is not None and t.native_id is not None]
        self.server_pid = server_pid
        self.dsn = dsn
        self.before: tuple[float, ...] = ()

    def _now(self) -> tuple[float, ...]:
        return (
            thread_cpu(self.training),
            sum(thread_cpu(tid) for tid in self.senders),
            time.process_time(),
            process_cpu(self.server_pid),
        )

    def start(self) -> None:
        self.database = DatabaseCpu(self.dsn)
        self.before = self._now()

    def stop(self) -> CpuSplit:
        after = self._now()
        split = CpuSplit(*(a - b for a, b in zip(after, self.before, strict=True)))
        split.database = self.database.stop()
        return split


# --- the server and runs --------------------------------------------------------------------


@dataclass
class Target:
    """A running service, a hypothesis in it, and what the phases need to reach it."""

    service: Service
    backend: str
    dsn: str | None
    spool: Path
    options: dict[str, Any] = field(default_factory=dict)  # sender options of every run
    hypothesis: str = ""

    def __post_init__(self) -> None:
        answer = httpx.post(
            f"{self.service.base_url}/graphql",
            headers=self.service.headers,
            json={"query": CREATE_HYPOTHESIS, "variables": {"input": {"title": "client bench"}}},
            timeout=30,
        )
        answer.raise_for_status()
        self.hypothesis = answer.json()["data"]["createHypothesis"]["id"]

    def run(self, name: str, **options: Any) -> xs.Run:
        return xs.init(
            hypothesis=self.hypothesis,
            name=name,
            type="ML",
            model="bench",
            framework="none",
            git=False,
            url=self.service.base_url,
            token=self.service.token,
            spool_dir=str(self.spool),
            capture_output=False,
            system_metrics=False,
            **{**self.options, **options},
        )

    def stored(self, experiment_id: str, key: str | None = None) -> int:
        """Points the server holds for the experiment (of ``key``, or of every key)."""
        answer = httpx.get(
            f"{self.service.base_url}/api/v1/experiments/{experiment_id}/metrics",
            headers=self.service.headers,
            timeout=30,
        )
        answer.raise_for_status()
        return sum(s["count"] for s in answer.json()["summaries"] if key is None or s["key"] == key)

    @property
    def server_pid(self) -> int:
        assert self.service.process is not None
        return self.service.process.pid


@dataclass
class Requests:
    """Each metric request the run's sender makes: points in it and wall seconds."""

    sizes: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def clear(self) -> None:
        self.sizes.clear()
        self.seconds.clear()

    def line(self) -> str:
        if not self.sizes:
            return "sender requests: none"
        return (
            f"sender requests: {len(self.sizes):,}, points per request median "
            f"{percentile(self.sizes, 50):,.0f} (min {min(self.sizes):,}, max "
            f"{max(self.sizes):,}, mean {sum(self.sizes) / len(self.sizes):,.0f}); "
            f"request wall median {percentile(self.seconds, 50) * 1000:.1f} ms, "
            f"p99 {percentile(self.seconds, 99) * 1000:.1f} ms"
        )


def watch_requests(run: xs.Run) -> Requests:
    """Record the sender's metric requests (wrapping the run's ``Api.metrics``; the wrap
    costs one sum over the body's batches per request)."""
    seen = Requests()
    api = run._sender.api
    original = api.metrics

    def metrics(experiment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        size = sum(len(b["steps"]) for b in body["batches"])
        began = time.perf_counter()
        answer: dict[str, Any] = original(experiment_id, body)
        seen.seconds.append(time.perf_counter() - began)
        seen.sizes.append(size)
        return answer

    api.metrics = metrics  # type: ignore[method-assign,unused-ignore]
    return seen


@contextlib.contextmanager
def ended(run: xs.Run) -> Iterator[xs.Run]:
    """Finish the run at the end without waiting long for what is still unsent (a phase
    that measured flushing already flushed; one that did not keeps the machine free)."""
    try:
        yield run
    finally:
        run.flush_timeout = 120
        run.finish()


def backlog(run: xs.Run, logged: int, sent_before: int) -> int:
    sent: int = run._sender.sent_points
    return logged - (sent - sent_before)


# --- phase: latency -------------------------------------------------------------------------


def timed_calls(log: Callable[..., None], payloads: list[dict[str, float]], n: int) -> list[int]:
    """``n`` calls of ``log(payload, step=i)``, each between two ``perf_counter_ns``."""
    clock = time.perf_counter_ns
    out = [0] * n
    count = len(payloads)
    for i in range(n):
        payload = payloads[i % count]
        began = clock()
        log(payload, step=i)
        out[i] = clock() - began
    return out


def empty_timed(payloads: list[dict[str, float]], n: int) -> list[int]:
    """The same loop with nothing between the clocks: the cost of the timing itself."""
    clock = time.perf_counter_ns
    out = [0] * n
    count = len(payloads)
    for i in range(n):
        payload = payloads[i % count]  # noqa: F841 (the same work as the timed loop)
        began = clock()
        out[i] = clock() - began
    return out


def tight_loop(log: Callable[..., None], payloads: list[dict[str, float]], n: int) -> float:
    count = len(payloads)
    began = time.perf_counter()
    for i in range(n):
        log(payloads[i % count], step=i)
    return time.perf_counter() - began


def payloads(keys: tuple[str, ...], count: int = 1024) -> list[dict[str, float]]:
    return [{k: 1.0 / (1 + i + j) for j, k in enumerate(keys)} for i in range(count)]


def phase_latency(target: Target, calls: int) -> None:
    print(f"-- latency: {calls:,} timed calls of run.log, sender running")
    for label, keys in (("1 key ", ("loss",)), ("4 keys", FOUR)):
        run = target.run(f"latency {label.strip()}")
        with ended(run):
            seen = watch_requests(run)
            data = payloads(keys)
            tight_loop(run.log, data, 20_000)  # warm the path (and the segment's pages)
            empty = sorted(empty_timed(data, calls))
            base = percentile(empty, 50)
            sent = run._sender.sent_points
            raw = sorted(timed_calls(run.log, data, calls))
            sent_timed, requests = run._sender.sent_points - sent, len(seen.sizes)
            qs = {q: percentile(raw, q) - base for q in (50, 90, 99, 99.9)}
            slow = sum(1 for d in raw[int(len(raw) * 0.99) :] if d - base > 100_000)
            seconds = tight_loop(run.log, data, calls)
            print(
                f"run.log {label}: median {qs[50] / 1000:.2f} us, p90 {qs[90] / 1000:.2f} us, "
                f"p99 {qs[99] / 1000:.2f} us, p99.9 {qs[99.9] / 1000:.2f} us, max "
                f"{(raw[-1] - base) / 1e6:.2f} ms; {slow} calls over 100 us "
                f"(timing cost {base:.0f} ns subtracted: empty timed loop median; "
                f"raw median {percentile(raw, 50):.0f} ns); the sender sent {sent_timed:,} "
                f"points in {requests} requests meanwhile"
            )
            print(
                f"run.log {label}: tight loop {calls / seconds:,.0f} calls/s "
                f"({seconds / calls * 1e6:.2f} us per call, {len(keys) * calls / seconds:,.0f}"
                f" points/s into the journal)"
            )


# --- phase: throughput ----------------------------------------------------------------------


def log_for(run: xs.Run, data: list[dict[str, float]], seconds: float, first_step: int) -> int:
    """Log as fast as possible for ``seconds``; return the calls made."""
    log = run.log
    count = len(data)
    clock = time.perf_counter
    deadline = clock() + seconds
    step = first_step
    while clock() < deadline:
        for _ in range(1000):
            log(data[step % count], step=step)
            step += 1
    return step - first_step


def phase_throughput(
    target: Target,
    seconds: float,
    warmup: float,
    keys: tuple[str, ...],
) -> None:
    run = target.run(f"throughput {len(keys)} keys")
    with ended(run):
        seen = watch_requests(run)
        warm = [{f"warmup/{k}": v for k, v in p.items()} for p in payloads(keys)]
        steps = log_for(run, warm, warmup, 0)
        if not run.flush(timeout=300):
            raise RuntimeError("the warm-up did not flush within 300 s")
        seen.clear()
        data = payloads(keys)
        meter = CpuMeter(run, target.server_pid, target.dsn)
        meter.start()
        sent_before = run._sender.sent_points
        began = time.perf_counter()
        calls = log_for(run, data, seconds, steps)
        logged_s = time.perf_counter() - began
        left = backlog(run, calls * len(keys), sent_before)
        flushed = run.flush(timeout=600)
        total = time.perf_counter() - began
        cpu = meter.stop()
        if not flushed:
            raise RuntimeError("the flush did not end within 600 s")
        stored = sum(target.stored(run.id, k) for k in keys)
        points = calls * len(keys)
        if stored != points:
            raise RuntimeError(f"the server holds {stored:,} points, {points:,} were logged")
    print(
        f"throughput, {len(keys)} key(s) per call: {points:,} points logged in "
        f"{logged_s:.1f} s ({points / logged_s:,.0f} points/s into the journal; {left:,} unsent "
        f"at the loop's end), flush done after {total - logged_s:.1f} s more: "
        f"{stored:,} accepted / {total:.1f} s = {stored / total:,.0f} points/s"
    )
    print("  " + seen.line())
    print("  " + cpu.line(points, total))


# --- phase: paced ---------------------------------------------------------------------------


def phase_paced(target: Target, seconds: float, rate: int, keys: tuple[str, ...]) -> None:
    run = target.run(f"paced {len(keys)} keys")
    with ended(run):
        seen = watch_requests(run)
        data = payloads(keys)
        log = run.log
        count = len(data)
        per_call = len(keys)
        sent_before = run._sender.sent_points
        meter = CpuMeter(run, target.server_pid, target.dsn)
        meter.start()
        clock = time.perf_counter
        began = clock()
        calls = 0
        marks: list[tuple[float, int, int]] = []
        next_mark = 1.0
        while True:
            now = clock() - began
            if now >= next_mark:
                logged = calls * per_call
                marks.append((now, logged, backlog(run, logged, sent_before)))
                next_mark += 1.0
                if now >= seconds:
                    break
            due = int(now * rate) // per_call
            while calls < due:
                log(data[calls % count], step=calls)
                calls += 1
            time.sleep(0.0002)
        points = calls * per_call
        left = backlog(run, points, sent_before)
        flush_began = clock()
        flushed = run.flush(timeout=600)
        flush_s = clock() - flush_began
        cpu = meter.stop()
    print(
        f"paced at {rate:,} points/s ({len(keys)} key(s) per call) for {seconds:.0f} s: "
        f"{points:,} points logged ({points / marks[-1][0]:,.0f}/s achieved)"
    )
    print(
        "  backlog (points logged - accepted) each second: "
        + ", ".join(f"{b:,}" for _, _, b in marks)
    )
    print(
        f"  after {seconds:.0f} s: {left:,} points not yet accepted "
        f"({left / rate:.2f} s of logging); flush {'done' if flushed else 'NOT done'} "
        f"in {flush_s:.1f} s"
    )
    print("  " + seen.line())
    print("  " + cpu.line(points, marks[-1][0] + flush_s) + " (logging and flush)")


# --- phase: breakdown -----------------------------------------------------------------------


def per_call_ns(call: Callable[[], Any], n: int) -> float:
    began = time.perf_counter_ns()
    for _ in range(n):
        call()
    return (time.perf_counter_ns() - began) / n


def filled_segment(folder: Path, keys: tuple[str, ...], points: int) -> Segment:
    writer = JournalWriter(folder)
    number = writer.segment_number
    data = payloads(keys)
    for i in range(points // len(keys)):
        writer.points(data[i % len(data)], i, 1_767_225_600_000 + i)
    writer.close()
    return Segment(segment_path(folder, number), number)


@functools.lru_cache(maxsize=8)
def _records(count: int) -> struct.Struct:
    return struct.Struct("<" + "BIqdq" * count)


def columnar_read(
    segment: Segment, start: int, count: int, keys: dict[int, str]
) -> dict[str, tuple[list[int], list[float], list[int]]] | None:
    """A prototype (bench only) of a faster ``read_chunk`` for the common case: ``count``
    POINT records in a row, keys in a repeating order, every value finite. One ``Struct``
    of ``count`` records unpacks them in one C call, and stride slices make the columns.
    None when the case does not hold (``read_chunk`` would then read it)."""
    buffer = segment.map
    size = _POINT.size
    if buffer[start : start + count * size : size] != bytes([POINT]) * count:
        return None
    flat = _records(count).unpack_from(buffer, start)
    numbers = flat[1::5]
    period = len(set(numbers[:64]))
    if count % period or numbers != numbers[:period] * (count // period):
        return None
    values = flat[3::5]
    if not math.isfinite(sum(values)):
        return None
    steps, times = flat[2::5], flat[4::5]
    return {
        keys[numbers[j]]: (list(steps[j::period]), list(values[j::period]), list(times[j::period]))
        for j in range(period)
    }


def client_body(chunk: Any, batch_id: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "batches": [
            {"key": k, "steps": s.steps, "values": s.values, "timestamps": s.times}
            for k, s in chunk.series.items()
        ]
    }
    if batch_id is not None:
        body["batch_id"] = batch_id
    return body


def phase_breakdown(target: Target, work: Path) -> None:
    print("-- breakdown: each piece on its own (no sender running unless said)")
    # the training thread: JournalWriter.points against run.log
    for keys in (("loss",), FOUR):
        folder = Path(tempfile.mkdtemp(dir=work))
        writer = JournalWriter(folder)
        data = payloads(keys)
        point = functools.partial(writer.points, data[0], 1, 1_767_225_600_000)
        points_ns = per_call_ns(point, 300_000)
        stamp_ns = per_call_ns(lambda: int(time.time() * 1000), 300_000)
        writer.close()
        print(
            f"JournalWriter.points, {len(keys)} key(s): {points_ns:,.0f} ns per call; "
            f"int(time.time() * 1000): {stamp_ns:,.0f} ns"
        )
        # the tail with no other thread: timed calls into fresh pages of the mapping, then
        # into pages written once before (a bench-only touch of one byte per page)
        calls = 14_000_000 // (29 * len(keys))  # within one 16 MiB segment
        empty = percentile(empty_timed(data, calls), 50)
        for touched in (False, True):
            writer = JournalWriter(Path(tempfile.mkdtemp(dir=work)))
            if touched:
                for offset in range(4096, writer._limit, 4096):
                    writer._map[offset] = 0
            append = functools.partial(writer.points, epoch_ms=0)
            raw = sorted(timed_calls(append, data, calls))
            writer.close()
            print(
                f"  {calls:,} timed alone (no sender thread), "
                f"{'pages written before' if touched else 'fresh pages         '}: "
                + ", ".join(
                    f"p{q} {(percentile(raw, q) - empty) / 1000:.2f} us" for q in (50, 99, 99.9)
                )
                + f", max {(raw[-1] - empty) / 1000:,.0f} us"
            )
    # the sender: read_chunk (and a prototype of a faster read), the body, json
    for keys in (("loss",), FOUR):
        folder = Path(tempfile.mkdtemp(dir=work))
        segment = filled_segment(folder, keys, 100_000)
        for size in (1_000, 10_000):
            chunks = []
            start = 64
            key_numbers: dict[int, str] = {}
            first = read_chunk(segment, start, max_points=size, keys=key_numbers)  # KEY records
            began = time.perf_counter_ns()
            start = first.end
            while start < segment.committed:
                chunk = read_chunk(segment, start, max_points=size, keys=key_numbers)
                chunks.append(chunk)
                start = chunk.end
            points = sum(c.points for c in chunks)
            read_us = (time.perf_counter_ns() - began) / points
            began = time.perf_counter_ns()
            fast = [columnar_read(segment, c.start, c.points, key_numbers) for c in chunks]
            fast_us = (time.perf_counter_ns() - began) / points
            for chunk, columns in zip(chunks, fast, strict=True):
                assert columns is not None, "the prototype fell back"
                assert columns == {
                    k: (s.steps, s.values, s.times) for k, s in chunk.series.items()
                }, "the prototype read other points"
            bodies = [client_body(c, f"s.{c.batch_id}") for c in chunks]
            began = time.perf_counter_ns()
            for body in bodies:
                json.dumps(body, separators=(",", ":"), allow_nan=False)
            json_us = (time.perf_counter_ns() - began) / points
            began = time.perf_counter_ns()
            for body in bodies:
                orjson.dumps(body)
            orjson_us = (time.perf_counter_ns() - began) / points
            print(
                f"per 1,000 points, {len(keys)} key(s), {size:,}-point chunks: read_chunk "
                f"{read_us:,.0f} us (prototype: {fast_us:,.0f} us), json.dumps "
                f"{json_us:,.0f} us (orjson.dumps {orjson_us:,.0f} us)"
            )
        segment.close()
    if target.backend == "sqlite":
        asyncio.run(server_pieces_sqlite(work))
    # one request: client CPU, server CPU, wall; batch_id or not; 1 or 2 in flight
    folder = Path(tempfile.mkdtemp(dir=work))
    segment = filled_segment(folder, ("loss",), 240_000)
    for size in (1_000, 10_000):
        chunks = []
        start, key_numbers = 64, {}
        while start < segment.committed:
            chunk = read_chunk(segment, start, max_points=size, keys=key_numbers)
            chunks.append(chunk)
            start = chunk.end
        for with_id in (True, False):
            for in_flight in (1, 2):
                count = min(len(chunks), 120 if size == 1_000 else 24)
                post_figures(target, chunks[:count], size, with_id, in_flight)
    segment.close()


async def server_pieces_sqlite(work: Path, points: int = 10_000, runs: int = 7) -> None:
    """The server's steps for one ``points``-point batch on SQLite, in this process, each
    timed on its own (median of ``runs``; CPU of every thread, aiosqlite's included):
    the store functions of ``app.metrics.store`` on a fresh file with the app's engine."""
    from sqlalchemy import event
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db import make_engine
    from app.metrics import store
    from app.metrics.batch import datetimes_of, parse_batch
    from app.metrics.rules import batch_summaries, rollup_rows
    from app.models import Base
    from app.models.base import utcnow

    engine = make_engine(f"sqlite+aiosqlite:///{work / 'pieces.db'}")

    def no_foreign_keys(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA foreign_keys=OFF")  # no experiment rows here

    event.listen(engine.sync_engine, "connect", no_foreign_keys)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    timings: dict[str, list[float]] = {}

    def took(name: str, began: float) -> None:
        timings.setdefault(name, []).append(time.process_time() - began)

    experiment = uuid.uuid4()
    for number in range(runs):
        first = number * points
        body = orjson.dumps(
            {
                "batch_id": f"x.{number}",
                "batches": [
                    {
                        "key": "loss",
                        "steps": list(range(first, first + points)),
                        "values": [1.0 / (1 + i) for i in range(first, first + points)],
                        "timestamps": [1_767_225_600_000 + i for i in range(first, first + points)],
                    }
                ],
            }
        )
        began = time.process_time()
        batch, _ = parse_batch(orjson.loads(body), now=utcnow(), limit=points)
        took("orjson.loads + parse_batch", began)
        assert batch.epoch_ms is not None
        began = time.process_time()
        batch.timestamps = datetimes_of(batch.epoch_ms)
        took("datetimes_of (epoch ms -> datetime)", began)
        began = time.process_time()
        batch_summaries(batch)
        took("batch_summaries (Python)", began)
        began = time.process_time()
        rollup_rows([1] * points, batch.steps, batch.values, batch.timestamps)
        took("rollup_rows (Python)", began)
        async with AsyncSession(engine) as session, session.begin():
            began = time.process_time()
            ids = await store.upsert_series(session, experiment, batch, utcnow())
            took("upsert_series (incl. batch_summaries)", began)
            series_ids = [ids[key] for key in batch.keys]
            began = time.process_time()
            times = store.driver_times(session, batch)
            took("driver_times (epoch ms -> SQLite's text)", began)
            began = time.process_time()
            await store.insert_points(session, series_ids, batch, times)
            took("insert_points (driver executemany)", began)
            began = time.process_time()
            await store.upsert_rollups(session, series_ids, batch, times)
            took("upsert_rollups (incl. rollup_rows)", began)
        # the one-call write's statements (``store.write_alone``), in the driver's thread
        texts = store.sqlite_times(batch)
        points_rows = list(zip(series_ids, batch.steps, batch.values, texts, strict=True))
        aggregates = rollup_rows(series_ids, batch.steps, batch.values, texts)
        rollup_rows_ = [store._rollup_row(key, agg) for key, agg in aggregates.items()]
        moved = [(sid + 10**6, *rest) for sid, *rest in points_rows]  # new rows, not updates
        async with engine.connect() as connection:
            driver: Any = (await connection.get_raw_connection()).driver_connection

            def one_call(raw: Any, rows: list[Any], insert: Callable[..., None], sql: str) -> None:
                cursor = raw.cursor()
                cursor.execute("BEGIN IMMEDIATE")
                insert(cursor, sql, rows)
                cursor.execute("COMMIT")

            def executemany(cursor: Any, sql: str, rows: list[Any]) -> None:
                cursor.executemany(sql, rows)

            for name, insert in (
                ("multi-row INSERTs", store._insert_rows),
                ("executemany", executemany),
            ):
                rows = [(sid + number * 2 + (name == "executemany"), *rest) for sid, *rest in moved]
                began = time.process_time()
                await driver._execute(one_call, driver._conn, rows, insert, store.SQLITE_POINT)
                took(f"points, {name} (raw sqlite3)", began)
                began = time.process_time()
                await driver._execute(
                    one_call, driver._conn, rollup_rows_, insert, store.SQLITE_ROLLUP
                )
                took(f"rollups, {name} (raw sqlite3)", began)
    await engine.dispose()
    print(f"server steps on SQLite for one {points:,}-point batch (CPU ms, median of {runs}):")
    for name, values in timings.items():
        print(f"  {name:<48} {percentile(values, 50) * 1000:7.1f}")


def post_figures(
    target: Target, chunks: list[Any], size: int, with_id: bool, in_flight: int
) -> None:
    """POST the chunks as the sender does (``Api.metrics``: json.dumps + httpx), from
    ``in_flight`` threads each with its own connection, into a fresh run."""
    run = target.run(f"breakdown {size} {with_id} {in_flight}")
    with ended(run):
        apis = [Api(target.service.base_url, target.service.token) for _ in range(in_flight)]
        session = uuid.uuid4().hex[:8]
        bodies = [client_body(c, f"{session}.{c.batch_id}" if with_id else None) for c in chunks]
        walls: list[float] = []
        client_cpu = [0.0] * in_flight

        def worker(number: int) -> None:
            api = apis[number]
            cpu = time.thread_time()
            for body in bodies[number::in_flight]:
                began = time.perf_counter()
                api.metrics(run.id, body)
                walls.append(time.perf_counter() - began)
            client_cpu[number] = time.thread_time() - cpu

        warm = {"batches": [{"key": "warmup", "steps": [0], "values": [0.0]}]}
        for api in apis:
            api.metrics(run.id, warm)
        server_before = process_cpu(target.server_pid)
        database = DatabaseCpu(target.dsn)
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(in_flight)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
        server = process_cpu(target.server_pid) - server_before
        database_s = database.stop()
        for api in apis:
            api.close()
        points = sum(c.points for c in chunks)
        stored = target.stored(run.id, "loss")
        if stored != points:
            raise RuntimeError(f"the server holds {stored:,} points, {points:,} were sent")
    n = len(chunks)
    print(
        f"POST {size:>6,}-point bodies, {'batch_id   ' if with_id else 'no batch_id'}, "
        f"{in_flight} in flight: {points / seconds:>9,.0f} points/s; per request wall p50 "
        f"{percentile(walls, 50) * 1000:6.1f} ms (max {max(walls) * 1000:6.1f}), "
        f"server CPU {server / n * 1000:6.1f} ms, "
        + ("" if database_s is None else f"PostgreSQL CPU {database_s / n * 1000:5.1f} ms, ")
        + f"client CPU {sum(client_cpu) / n * 1000:5.1f} ms (n={n})"
    )


# --- main -----------------------------------------------------------------------------------


def run_backend(backend: str, dsn: str | None, args: argparse.Namespace, work: Path) -> None:
    prefix = profiler(args) if args.server_profile else []
    if prefix and args.backend == "both":
        stem, ext = os.path.splitext(prefix[-1])
        prefix[-1] = f"{stem}-{backend}{ext}"
    with Service(dsn or "", command_prefix=prefix) as service:
        spool = Path(tempfile.mkdtemp(prefix="spool-", dir=work))
        options = {"max_batch_points": args.max_batch_points} if args.max_batch_points else {}
        target = Target(service, backend, dsn, spool, options)
        print()
        print(f"== client_log on {backend}: {machine_line()}")
        keys_list = [("loss",), FOUR] if args.four_keys else [("loss",)]
        for phase in args.phases:
            if phase == "latency":
                phase_latency(target, args.calls)
            elif phase == "throughput":
                print(
                    f"-- throughput: log as fast as possible for {args.seconds:.0f} s "
                    f"(after {args.warmup:.0f} s of warm-up), then run.flush()"
                )
                for _ in range(args.repeat):
                    for keys in keys_list:
                        phase_throughput(target, args.seconds, args.warmup, keys)
            elif phase == "paced":
                print(f"-- paced: log at {args.rate:,} points/s for {args.paced_seconds:.0f} s")
                for keys in keys_list:
                    phase_paced(target, args.paced_seconds, args.rate, keys)
            elif phase == "breakdown":
                phase_breakdown(target, work)
            print(f"   ({machine_line().split(', ')[-1]})")
    if prefix:
        print_profile(prefix[-1], args.profile_lines)


def print_profile(path: str, lines: int) -> None:
    print(f"-- server profile {path} (top {lines} by own time)")
    stats = pstats.Stats(path)
    stats.sort_stats("tottime").print_stats(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql", "both"],
        default="sqlite",
        help="the server's database: the embedded default (SQLite), PostgreSQL, or both",
    )
    parser.add_argument(
        "--phases",
        default="latency,throughput,paced",
        help=f"comma-separated, of {', '.join(PHASES)} (default: %(default)s)",
    )
    parser.add_argument("--calls", type=int, default=1_000_000, help="timed run.log calls")
    parser.add_argument("--seconds", type=float, default=10, help="throughput: logging (s)")
    parser.add_argument("--paced-seconds", type=float, default=10, help="paced: logging (s)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="throughput: rounds of every variant, interleaved"
    )
    parser.add_argument("--warmup", type=float, default=2, help="warm-up logging (s)")
    parser.add_argument("--rate", type=int, default=200_000, help="paced points/s")
    parser.add_argument(
        "--four-keys",
        action="store_true",
        help="throughput and paced also with a 4-key dict per call",
    )
    parser.add_argument(
        "--max-batch-points",
        type=int,
        help="the runs' max_batch_points (the client's default: 10,000 per request)",
    )
    parser.add_argument(
        "--server-profile",
        metavar="FILE",
        help="run the server under cProfile (FILE.prof; -sqlite/-postgresql added with "
        "--backend both) and print its top functions at the end",
    )
    parser.add_argument(
        "--profile-lines", type=int, default=30, help="functions of the profile to print"
    )
    add_database_args(parser)
    args = parser.parse_args()
    args.phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    for phase in args.phases:
        if phase not in PHASES:
            parser.error(f"unknown phase {phase!r}")
    return args


def main() -> int:
    args = parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory(prefix="client-bench-") as work:
        for backend in backends:
            if backend == "sqlite":
                run_backend(backend, None, args, Path(work))
            else:
                with throwaway_database(args.pg_server_url, args.database_url) as dsn:
                    run_backend(backend, dsn, args, Path(work))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
