"""Metric ingestion: REST batches into a running service, against raw COPY and MLflow, side
by side in the same run.

Each side takes loads of the same shape — ``--batch``-point batches, one key per batch
(``--keys`` keys in turn, each key's steps rising), ``--clients`` concurrent senders:

1. ours: ``POST /api/v1/experiments/{id}/metrics/batch`` with a columnar body
   ``{key, steps, values, timestamps}``, each sender its own HTTP/1.1 keep-alive client;
   on a throw-away PostgreSQL database, or with ``--backend sqlite`` its embedded SQLite;
2. on PostgreSQL, the ceiling: the same rows ``(series_id, step, value, timestamp)`` with
   asyncpg's ``copy_records_to_table`` into a plain table shaped like ``metric_points``
   (same columns, same index) in the same database, one connection per sender;
3. with ``--start-mlflow`` or ``--mlflow-url``: an MLflow tracking server's
   ``/api/2.0/mlflow/runs/log-batch`` (1,000 metrics a request at most), senders as for ours.
   ``--start-mlflow`` starts it on the same kind of store as ours (``--mlflow-backend``),
   with its job execution off
   (``MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false``): MLflow 3's GenAI job runner polls its
   store all the time and serves nothing of tracking.

All sides are up at once and run in slices, one slice a side per round: ``--points-total /
--rounds`` points a slice for ours and COPY, ``--mlflow-points / --rounds`` for MLflow.
Warm-up rounds come first and are not counted: at least 3, until each comparator's (COPY's,
MLflow's) last two slices are within ``--steady`` % of each other (at most
``--max-warmup-rounds``; ours gets the same rounds). Then ``--rounds`` timed rounds, the
order of the sides turning each round. Printed: each side's median points/s over its timed
slices, and ours / COPY and ours / MLflow — of the medians, the range of the same-round
ratios, and by CPU time per point.

Request bodies and COPY records are built before each slice's clock starts, so the timings
are of transport, server and database only. Each side's CPU time per 1,000 points over its
timed slices — of its server's processes, of its PostgreSQL backends and of this client
process, from ``/proc/<pid>/stat`` — is printed too: on a shared machine these move much
less than the wall-clock rates. Run from the repository root:

    .tools/bin/uv run python bench/ingest.py --start-mlflow
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import aiohttp
import asyncpg
import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    MLFLOW_VERSION,
    MlflowServer,
    Service,
    add_database_args,
    machine_line,
    mlflow_run,
    percentile,
    profiler,
    require_loopback,
    running_experiment,
    throwaway_database,
)

BASE_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
MIN_WARMUP_ROUNDS = 3
JSON = {"content-type": "application/json"}


@dataclass(frozen=True)
class Batch:
    key: int  # index into the keys
    steps: list[int]
    values: list[float]
    stamps: list[int]  # epoch milliseconds


class Feed:
    """Batches of ``size`` points without end: keys in turn, each key's steps rising. Each
    ``take`` goes on where the last one ended, so no step of a key is sent twice."""

    def __init__(self, size: int, keys: int, seed: int = 7) -> None:
        self.size = size
        self.keys = keys
        self.rng = random.Random(seed)
        self.index = 0  # batches made so far
        self.points = 0  # points made so far

    def take(self, points: int) -> list[Batch]:
        """The next batches, ``points`` points in all (the last batch may be shorter)."""
        batches = []
        done = 0
        while done < points:
            count = min(self.size, points - done)
            first = (self.index // self.keys) * self.size
            steps = list(range(first, first + count))
            values = [1.0 / (1 + step) + self.rng.random() * 0.01 for step in steps]
            stamps = [BASE_MS + step * 10 for step in steps]
            batches.append(Batch(self.index % self.keys, steps, values, stamps))
            done += count
            self.index += 1
        self.points += done
        return batches


def key_name(index: int) -> str:
    return f"bench/metric_{index}"


# --- CPU ------------------------------------------------------------------------------------


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def session_pids(leader: int) -> set[int]:
    """The processes in the session ``leader`` started: a server and its workers."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == leader:
                found.add(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


async def backend_pids(dsn: str) -> set[int]:
    """The PostgreSQL backends connected to this database (other than the asking one)."""
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await connection.close()
    return {int(row["pid"]) for row in rows}


@dataclass
class Cpu:
    """CPU seconds spent by a side's server processes, its database backends and us."""

    server: float = 0.0
    database: float = 0.0
    client: float = 0.0

    def __add__(self, other: Cpu) -> Cpu:
        return Cpu(
            self.server + other.server,
            self.database + other.database,
            self.client + other.client,
        )

    def line(self, name: str, points: int) -> str:
        per = 1000 / points * 1000  # ms per 1,000 points
        return (
            f"{name:<28} CPU ms per 1,000 points: server {self.server * per:5.2f}, "
            f"PostgreSQL backends {self.database * per:5.2f}, client {self.client * per:5.2f}"
        )


def _spent(before: dict[int, float], pids: set[int]) -> float:
    """CPU seconds since ``before`` of ``pids``: a process that appeared counts from zero,
    one that is gone is left out."""
    total = 0.0
    for pid in pids | set(before):
        now = process_cpu(pid)
        if now:
            total += now - before.get(pid, 0.0)
    return total


class CpuMeter:
    """CPU of a server's processes, of a database's backends and of this process over a
    slice. Processes are listed at the start and again at the end (a pool may open
    connections during the slice)."""

    def __init__(self, dsn: str | None, server: int | None) -> None:
        self.dsn = dsn
        self.server = server  # the server's session leader

    def _servers(self) -> set[int]:
        return session_pids(self.server) if self.server else set()

    async def _backends(self) -> set[int]:
        return await backend_pids(self.dsn) if self.dsn else set()

    async def start(self) -> None:
        self.database_before = {pid: process_cpu(pid) for pid in await self._backends()}
        self.server_before = {pid: process_cpu(pid) for pid in self._servers()}
        self.client_before = time.process_time()

    async def stop(self) -> Cpu:
        client = time.process_time() - self.client_before
        server = _spent(self.server_before, self._servers())
        database = _spent(self.database_before, await self._backends())
        return Cpu(server=server, database=database, client=client)


# --- senders --------------------------------------------------------------------------------


async def drive(
    items: list[object], clients: int, send: Callable[[int, object], Awaitable[None]]
) -> tuple[float, list[float]]:
    """Send ``items`` from ``clients`` concurrent workers; return wall time and latencies."""
    queue = iter(items)
    latencies: list[float] = []

    async def worker(number: int) -> None:
        for item in queue:  # one shared iterator: each item goes to exactly one worker
            began = time.perf_counter()
            await send(number, item)
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    return time.perf_counter() - began, latencies


class Sender(Protocol):
    """One sender's HTTP/1.1 keep-alive connection to a server."""

    async def post(self, path: str, body: bytes) -> None: ...  # raises unless ``ok``
    async def close(self) -> None: ...


class HttpxSender:
    def __init__(self, base_url: str, headers: dict[str, str], ok: int) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=120)
        self.ok = ok

    async def post(self, path: str, body: bytes) -> None:
        answer = await self.client.post(path, content=body, headers=JSON)
        if answer.status_code != self.ok:
            raise RuntimeError(f"batch refused: {answer.status_code} {answer.text[:500]}")

    async def close(self) -> None:
        await self.client.aclose()


class AiohttpSender:
    """aiohttp's client: about half httpx's CPU per request, which on a small machine is
    CPU the servers and PostgreSQL get back (the load generator is not what is measured)."""

    def __init__(self, base_url: str, headers: dict[str, str], ok: int) -> None:
        self.base_url = base_url
        self.ok = ok
        self.session = aiohttp.ClientSession(
            headers={**headers, **JSON},
            connector=aiohttp.TCPConnector(limit=1),
            timeout=aiohttp.ClientTimeout(total=120),
        )

    async def post(self, path: str, body: bytes) -> None:
        async with self.session.post(self.base_url + path, data=body) as answer:
            if answer.status != self.ok:
                text = await answer.text()
                raise RuntimeError(f"batch refused: {answer.status} {text[:500]}")
            await answer.read()

    async def close(self) -> None:
        await self.session.close()


SENDERS: dict[str, Callable[[str, dict[str, str], int], Sender]] = {
    "aiohttp": AiohttpSender,
    "httpx": HttpxSender,
}


# --- the sides ------------------------------------------------------------------------------


class Side(Protocol):
    """A way into a store: ``prepare`` builds a slice's requests (outside the clock), each
    of ``clients`` senders ``send``s its share."""

    name: str
    short: str
    cpu_known: bool  # whether ``meter`` sees the server's processes (not one run elsewhere)

    def prepare(self, batches: list[Batch]) -> list[object]: ...
    async def send(self, number: int, item: object) -> None: ...
    def meter(self) -> CpuMeter: ...
    async def finish(self, sent: int) -> None: ...  # checks what was stored, closes


def rest_body(batch: Batch) -> bytes:
    return orjson.dumps(
        {
            "key": key_name(batch.key),
            "steps": batch.steps,
            "values": batch.values,
            "timestamps": batch.stamps,
        }
    )


class Ours:
    """The service's REST batch endpoint; ``experiments`` running experiments, the senders
    spread over them."""

    name = "expsvc REST batch"
    short = "expsvc"
    cpu_known = True

    def __init__(
        self, service: Service, dsn: str | None, senders: list[Sender], ids: list[str]
    ) -> None:
        self.service = service
        self.dsn = dsn
        self.senders = senders
        self.ids = ids

    @classmethod
    async def open(
        cls, service: Service, dsn: str | None, clients: int, experiments: int, client: str
    ) -> Ours:
        async with service.client() as setup:
            ids = [await running_experiment(setup, f"ingest-{n}") for n in range(experiments)]
        senders = [SENDERS[client](service.base_url, service.headers, 202) for _ in range(clients)]
        return cls(service, dsn, senders, ids)

    def prepare(self, batches: list[Batch]) -> list[object]:
        return [rest_body(b) for b in batches]

    async def send(self, number: int, item: object) -> None:
        assert isinstance(item, bytes)
        experiment = self.ids[number % len(self.ids)]
        await self.senders[number].post(f"/api/v1/experiments/{experiment}/metrics/batch", item)

    def meter(self) -> CpuMeter:
        assert self.service.process is not None
        return CpuMeter(self.dsn, self.service.process.pid)

    async def finish(self, sent: int) -> None:
        for sender in self.senders:
            await sender.close()
        stored = 0
        async with self.service.client() as check:
            for experiment in self.ids:
                answer = await check.get(f"/api/v1/experiments/{experiment}/metrics")
                answer.raise_for_status()
                stored += sum(s["count"] for s in answer.json()["summaries"])
        if stored != sent:
            raise RuntimeError(f"the service holds {stored} points, {sent} were sent")


COPY_TABLE = "bench_copy_points"
COPY_COLUMNS = ["series_id", "step", "value", "timestamp"]


class Copy:
    """The ceiling: asyncpg's COPY of the same rows, one connection per sender."""

    name = "raw asyncpg COPY (ceiling)"
    short = "COPY"
    cpu_known = True

    def __init__(self, dsn: str, connections: list[asyncpg.Connection]) -> None:
        self.dsn = dsn
        self.connections = connections

    @classmethod
    async def open(cls, dsn: str, clients: int) -> Copy:
        setup = await asyncpg.connect(dsn, timeout=10)
        try:
            await setup.execute(
                f"""
                DROP TABLE IF EXISTS {COPY_TABLE};
                CREATE TABLE {COPY_TABLE} (
                    series_id BIGINT NOT NULL,
                    step BIGINT NOT NULL,
                    value DOUBLE PRECISION,
                    "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL
                );
                CREATE INDEX ix_{COPY_TABLE}_series_step ON {COPY_TABLE} (series_id, step);
                """
            )
        finally:
            await setup.close()
        return cls(dsn, [await asyncpg.connect(dsn, timeout=10) for _ in range(clients)])

    def prepare(self, batches: list[Batch]) -> list[object]:
        return [
            [
                (b.key + 1, step, value, datetime.fromtimestamp(stamp / 1000, tz=UTC))
                for step, value, stamp in zip(b.steps, b.values, b.stamps, strict=True)
            ]
            for b in batches
        ]

    async def send(self, number: int, item: object) -> None:
        assert isinstance(item, list)
        await self.connections[number].copy_records_to_table(
            COPY_TABLE, records=item, columns=COPY_COLUMNS, timeout=60
        )

    def meter(self) -> CpuMeter:
        return CpuMeter(self.dsn, None)

    async def finish(self, sent: int) -> None:
        try:
            count = await self.connections[0].fetchval(f"SELECT count(*) FROM {COPY_TABLE}")
            await self.connections[0].execute(f"DROP TABLE {COPY_TABLE}")
        finally:
            for connection in self.connections:
                await connection.close()
        if count != sent:
            raise RuntimeError(f"COPY stored {count} rows, {sent} were sent")


class Mlflow:
    """An MLflow tracking server's ``runs/log-batch``, one run; ``pid`` (the server's
    session leader) and ``dsn`` (its PostgreSQL store) for the CPU lines, when known."""

    name = f"MLflow {MLFLOW_VERSION} log-batch"
    short = "MLflow"

    def __init__(
        self, url: str, run_id: str, senders: list[Sender], pid: int | None, dsn: str | None
    ) -> None:
        self.url = url
        self.run_id = run_id
        self.senders = senders
        self.pid = pid
        self.dsn = dsn
        self.cpu_known = pid is not None

    @classmethod
    async def open(
        cls, url: str, clients: int, client: str, pid: int | None, dsn: str | None
    ) -> Mlflow:
        async with httpx.AsyncClient(base_url=url, timeout=120) as setup:
            run_id = await mlflow_run(setup)
        senders = [SENDERS[client](url, {}, 200) for _ in range(clients)]
        return cls(url, run_id, senders, pid, dsn)

    def prepare(self, batches: list[Batch]) -> list[object]:
        return [
            orjson.dumps(
                {
                    "run_id": self.run_id,
                    "metrics": [
                        {"key": key_name(b.key), "value": value, "timestamp": stamp, "step": step}
                        for step, value, stamp in zip(b.steps, b.values, b.stamps, strict=True)
                    ],
                }
            )
            for b in batches
        ]

    async def send(self, number: int, item: object) -> None:
        assert isinstance(item, bytes)
        await self.senders[number].post("/api/2.0/mlflow/runs/log-batch", item)

    def meter(self) -> CpuMeter:
        return CpuMeter(self.dsn, self.pid)

    async def finish(self, sent: int) -> None:  # each request's 200 was its check
        for sender in self.senders:
            await sender.close()


# --- slices and rounds ----------------------------------------------------------------------


@dataclass
class Slice:
    points: int
    seconds: float
    latencies: list[float]
    cpu: Cpu

    @property
    def rate(self) -> float:
        return self.points / self.seconds if self.seconds else 0.0


@dataclass
class Lane:
    """One side, its feed of batches, its slice size, its warm-up rates and timed slices."""

    side: Side
    feed: Feed
    points: int  # a slice's points
    warmup: list[float] = field(default_factory=list)
    slices: list[Slice] = field(default_factory=list)

    def steady(self, within: float) -> bool:
        """Whether the last two warm-up slices' rates are within ``within`` (a fraction)."""
        if len(self.warmup) < 2:
            return False
        a, b = self.warmup[-2:]
        return abs(a - b) <= within * max(a, b)

    @property
    def points_timed(self) -> int:
        return sum(s.points for s in self.slices)

    def cpu(self) -> Cpu:
        return sum((s.cpu for s in self.slices), Cpu())

    def cpu_per_point(self) -> float:
        cpu = self.cpu()
        return (cpu.server + cpu.database + cpu.client) / self.points_timed

    def rates(self) -> list[float]:
        return [s.rate for s in self.slices]

    @property
    def median(self) -> float:
        return statistics.median(self.rates())

    def row(self) -> str:
        rates = self.rates()
        latencies = [x for s in self.slices for x in s.latencies]
        return (
            f"{self.side.name:<28} {len(self.slices):>6} {self.points_timed:>10,}"
            f" {sum(s.seconds for s in self.slices):>8.2f} {self.median:>11,.0f}"
            f" {min(rates):>9,.0f} {max(rates):>9,.0f}"
            f" {percentile(latencies, 50) * 1000:>8.1f} {percentile(latencies, 99) * 1000:>8.1f}"
        )


HEADER = (
    f"{'path':<28} {'slices':>6} {'points':>10} {'seconds':>8} {'points/s':>11}"
    f" {'min':>9} {'max':>9} {'p50 ms':>8} {'p99 ms':>8}"
)


async def run_slice(side: Side, batches: list[Batch], clients: int, bound: float) -> Slice:
    items = side.prepare(batches)
    meter = side.meter()
    await meter.start()
    seconds, latencies = await asyncio.wait_for(drive(items, clients, side.send), bound)
    cpu = await meter.stop()
    return Slice(sum(len(b.steps) for b in batches), seconds, latencies, cpu)


def turn(lanes: list[Lane], round_no: int) -> list[Lane]:
    """The lanes in round ``round_no``'s order: each round starts one side further on."""
    k = round_no % len(lanes)
    return lanes[k:] + lanes[:k]


def round_line(label: str, pairs: list[tuple[Lane, float]]) -> str:
    return f"{label:<14} " + "  ".join(f"{lane.side.short} {rate:,.0f}" for lane, rate in pairs)


async def warm_up(lanes: list[Lane], args: argparse.Namespace) -> int:
    """``--warmup`` batches per sender on each side, then warm-up rounds until every
    comparator (all lanes but ours, the first) is steady; returns the rounds run."""
    for lane in lanes:
        batches = lane.feed.take(args.warmup * args.clients * args.batch)
        await run_slice(lane.side, batches, args.clients, args.timeout)
    rounds = 0
    while rounds < args.max_warmup_rounds:
        pairs = []
        for lane in turn(lanes, rounds):
            done = await run_slice(
                lane.side, lane.feed.take(lane.points), args.clients, args.timeout
            )
            lane.warmup.append(done.rate)
            pairs.append((lane, done.rate))
        rounds += 1
        print(round_line(f"warm-up {rounds}", sorted(pairs, key=lambda p: lanes.index(p[0]))))
        steady = all(lane.steady(args.steady / 100) for lane in lanes[1:])
        if rounds >= MIN_WARMUP_ROUNDS and steady:
            break
    return rounds


async def idle_cpu(lanes: list[Lane], seconds: float = 2.0) -> dict[str, float]:
    """Each server's CPU (share of one core) while nothing is sent, over ``seconds``."""
    meters = {lane.side.short: lane.side.meter() for lane in lanes}
    for meter in meters.values():
        await meter.start()
    await asyncio.sleep(seconds)
    found = {}
    for short, meter in meters.items():
        if meter.server:
            found[short] = (await meter.stop()).server / seconds
    return found


async def timed(lanes: list[Lane], args: argparse.Namespace) -> None:
    for number in range(args.rounds):
        pairs = []
        for lane in turn(lanes, number):
            done = await run_slice(
                lane.side, lane.feed.take(lane.points), args.clients, args.timeout
            )
            lane.slices.append(done)
            pairs.append((lane, done.rate))
        pairs.sort(key=lambda p: lanes.index(p[0]))
        ours = pairs[0][1]
        ratios = "  ".join(ratio(ours, rate, lane.side.short) for lane, rate in pairs[1:])
        print((round_line(f"round {number + 1}", pairs) + "   " + ratios).rstrip())


def ratio(ours: float, other: float, short: str) -> str:
    if short == "COPY":
        return f"ours/COPY {ours / other * 100:.0f} %"
    return f"ours/{short} {ours / other:.1f}x"


# --- main -----------------------------------------------------------------------------------


@dataclass
class MlflowPlace:
    url: str
    pid: int | None  # the server's session leader, when we started it
    dsn: str | None  # its PostgreSQL store, when we started it on one
    described: str


def start_mlflow(stack: contextlib.ExitStack, args: argparse.Namespace) -> MlflowPlace:
    dsn = None
    if args.mlflow_backend == "postgresql":
        dsn = stack.enter_context(throwaway_database(args.pg_server_url, prefix="mlflow_bench"))
        backend = dsn.replace("postgresql://", "postgresql+psycopg2://", 1)
    else:
        backend = "sqlite:///mlflow.db"
    env = {} if args.mlflow_jobs else {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    print(f"starting MLflow {MLFLOW_VERSION} ({args.mlflow_backend} backend) …")
    began = time.monotonic()
    server = stack.enter_context(MlflowServer(backend, workers=args.mlflow_workers, env=env))
    assert server.server is not None and server.server.process is not None
    workers = args.mlflow_workers or "MLflow's default 4"
    jobs = "on" if args.mlflow_jobs else "off"
    described = (
        f"MLflow {MLFLOW_VERSION} started here: {args.mlflow_backend} store, "
        f"{workers} workers, job execution {jobs}"
    )
    print(f"MLflow up at {server.base_url} in {time.monotonic() - began:.0f} s")
    return MlflowPlace(server.base_url, server.server.process.pid, dsn, described)


async def bench(
    args: argparse.Namespace, service: Service, dsn: str | None, mlflow: MlflowPlace | None
) -> tuple[list[Lane], int, dict[str, float]]:
    """The lanes measured (ours first); ``dsn`` is ours' PostgreSQL (``None``: SQLite, and
    then no COPY ceiling)."""

    def feed() -> Feed:  # each side the same batches
        return Feed(args.batch, args.keys)

    slice_points = args.points_total // args.rounds
    lanes = [
        Lane(
            await Ours.open(service, dsn, args.clients, args.experiments, args.client),
            feed(),
            slice_points,
        )
    ]
    if dsn is not None:
        lanes.append(Lane(await Copy.open(dsn, args.clients), feed(), slice_points))
    if mlflow is not None:
        side = await Mlflow.open(mlflow.url, args.clients, args.client, mlflow.pid, mlflow.dsn)
        lanes.append(Lane(side, feed(), args.mlflow_points // args.rounds))
    try:
        warmup_rounds = await warm_up(lanes, args)
        idle = await idle_cpu(lanes)
        assert service.rss is not None
        service.rss.reset()
        await timed(lanes, args)
    except BaseException:
        for lane in lanes:  # close what is open; what was stored no longer matters
            with contextlib.suppress(Exception):
                await lane.side.finish(lane.feed.points)
        raise
    for lane in lanes:
        await lane.side.finish(lane.feed.points)
    return lanes, warmup_rounds, idle


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--points-total",
        type=int,
        default=1_000_000,
        help="timed points for ours and for COPY, over all rounds (default: %(default)s)",
    )
    parser.add_argument("--batch", type=int, default=1000, help="points per batch")
    parser.add_argument("--clients", type=int, default=4, help="concurrent senders")
    parser.add_argument("--keys", type=int, default=4, help="metric keys, one per batch")
    parser.add_argument(
        "--experiments",
        type=int,
        default=1,
        help="spread the senders over this many experiments (default: all into one)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds, one slice a side each")
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="warm-up batches per sender on each side before the warm-up rounds",
    )
    parser.add_argument(
        "--steady",
        type=float,
        default=5.0,
        help="a side is warm once its last two warm-up slices are within this %% "
        "(default: %(default)s)",
    )
    parser.add_argument("--max-warmup-rounds", type=int, default=10)
    parser.add_argument(
        "--client",
        choices=sorted(SENDERS),
        default="aiohttp",
        help="the senders' HTTP client (the lighter aiohttp leaves more CPU to the servers)",
    )
    parser.add_argument("--mlflow-url", help="a running MLflow tracking server (loopback)")
    parser.add_argument(
        "--start-mlflow",
        action="store_true",
        help=f"start mlflow=={MLFLOW_VERSION} through uvx (backed by a throw-away database)",
    )
    parser.add_argument(
        "--mlflow-points",
        type=int,
        default=200_000,
        help="timed points for MLflow, over all rounds (default: %(default)s)",
    )
    parser.add_argument("--mlflow-workers", type=int, help="mlflow server --workers (default 4)")
    parser.add_argument(
        "--backend",
        choices=["postgresql", "sqlite"],
        default="postgresql",
        help="the service's database: a throw-away PostgreSQL one (and the raw COPY ceiling "
        "in it), or its embedded SQLite (no ceiling)",
    )
    parser.add_argument(
        "--mlflow-backend",
        choices=["postgresql", "sqlite"],
        help="the MLflow server's backend store with --start-mlflow (default: --backend)",
    )
    parser.add_argument(
        "--mlflow-jobs",
        action="store_true",
        help="leave the started MLflow server's job execution on (its default; off here)",
    )
    parser.add_argument("--timeout", type=float, default=900, help="bound of each slice (s)")
    parser.add_argument(
        "--server-profile",
        metavar="FILE",
        help="run the server under cProfile (FILE.prof) or pyinstrument (FILE.txt/.html, "
        "with `uv run --with pyinstrument`); written when the server stops",
    )
    add_database_args(parser)
    args = parser.parse_args(argv)
    if args.batch > 1000 and (args.mlflow_url or args.start_mlflow):
        parser.error("MLflow takes at most 1000 metrics per log-batch request")
    if args.mlflow_url:
        require_loopback(args.mlflow_url)
    if args.backend == "sqlite" and args.database_url:
        parser.error("--database-url is a PostgreSQL database (--backend postgresql)")
    args.mlflow_backend = args.mlflow_backend or args.backend
    if args.rounds < 1 or args.points_total < args.rounds or args.mlflow_points < args.rounds:
        parser.error("each side needs at least one point a round")
    return args


def summary(
    lanes: list[Lane],
    args: argparse.Namespace,
    warmup_rounds: int,
    idle: dict[str, float],
    rss: tuple[float, float],
    mlflow: MlflowPlace | None,
) -> None:
    print()
    print(
        f"== ingest ({args.backend}): {args.batch}-point batches, "
        f"{args.clients} concurrent clients, {args.keys} keys, "
        f"{args.experiments} experiment(s), {args.client} senders; {machine_line()}"
    )
    if mlflow is not None:
        print(mlflow.described)

    def last_two(lane: Lane) -> str:
        a, b = lane.warmup[-2:]
        steady = "steady" if lane.steady(args.steady / 100) else "NOT steady"
        return f"{lane.side.short} {a:,.0f} → {b:,.0f} ({steady})"

    print(
        f"warm-up: {warmup_rounds} rounds (until each comparator's last two slices are within "
        f"{args.steady:g} %, at most {args.max_warmup_rounds}): "
        + ", ".join(last_two(lane) for lane in lanes)
    )
    print(f"timed: {args.rounds} rounds, one slice a side each, the order turning")
    if idle:
        print(
            "idle CPU before the timed rounds: "
            + ", ".join(f"{short} {share * 100:.0f} % of a core" for short, share in idle.items())
        )
    print(HEADER)
    for lane in lanes:
        print(lane.row())
    for lane in lanes:
        if lane.side.cpu_known:
            print(lane.cpu().line(lane.side.name, lane.points_timed))
    ours = lanes[0]
    for lane in lanes[1:]:
        per_round = [a / b for a, b in zip(ours.rates(), lane.rates(), strict=True)]
        medians = ours.median / lane.median
        by_cpu = lane.cpu_per_point() / ours.cpu_per_point()
        cpu = f"{by_cpu:.1f}x by CPU time" if lane.side.cpu_known else "CPU not measured"
        if lane.side.short == "COPY":
            print(
                f"expsvc / raw COPY:  {medians * 100:.0f} % of the medians, "
                f"{min(per_round) * 100:.0f}-{max(per_round) * 100:.0f} % round by round "
                f"(median {statistics.median(per_round) * 100:.0f} %), "
                f"{by_cpu * 100:.0f} % by CPU time   (target >= 70 %)"
            )
        else:
            print(
                f"expsvc / MLflow:    {medians:.1f}x of the medians, "
                f"{min(per_round):.1f}-{max(per_round):.1f}x round by round "
                f"(median {statistics.median(per_round):.1f}x), "
                f"{cpu}   (target >= 20x)"
            )
    if len(lanes) > 1:
        print(
            "(CPU time: server + PostgreSQL backends + client, per point, over the timed "
            "slices; on SQLite the store's work is the server's)"
        )
    print(
        f"server RSS: peak {rss[0]:.0f} MB in the timed rounds (VmRSS every 100 ms), "
        f"VmHWM since start {rss[1]:.0f} MB   (target <= 300 MB)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with contextlib.ExitStack() as stack:
        dsn = None
        if args.backend == "postgresql":
            dsn = stack.enter_context(throwaway_database(args.pg_server_url, args.database_url))
        service = stack.enter_context(Service(dsn or "", command_prefix=profiler(args)))
        print(f"service up at {service.base_url} ({args.backend})")
        mlflow = None
        if args.mlflow_url:
            mlflow = MlflowPlace(
                args.mlflow_url, None, None, f"MLflow at {args.mlflow_url} (as it runs)"
            )
        elif args.start_mlflow:
            mlflow = start_mlflow(stack, args)
        lanes, warmup_rounds, idle = asyncio.run(bench(args, service, dsn, mlflow))
        assert service.rss is not None
        rss = (service.rss.peak_mb, service.rss.hwm_mb())
    summary(lanes, args, warmup_rounds, idle, rss, mlflow)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
