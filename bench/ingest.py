"""Metric ingestion: REST batches into a running service on PostgreSQL, against its ceilings.

Three loads of the same shape — ``--batch``-point batches, one key per batch (keys
rotating, steps increasing), ``--clients`` concurrent senders — are run one after the other:

1. the service: ``POST /api/v1/experiments/{id}/metrics/batch`` with a columnar body
   ``{key, steps, values, timestamps}``, each sender its own HTTP/1.1 keep-alive client;
2. the ceiling: the same rows ``(series_id, step, value, timestamp)`` with asyncpg's
   ``copy_records_to_table`` into a plain table shaped like ``metric_points`` (same columns,
   same index) in the same database, one connection per sender;
3. with ``--mlflow-url`` or ``--start-mlflow``: an MLflow tracking server's
   ``/api/2.0/mlflow/runs/log-batch`` (``--mlflow-points`` of the same batches).

Request bodies and COPY records are built before each clock starts, so the timings are of
transport, server and database only. Each timed phase also reports CPU time per 1,000
points — of the server process, of the database's PostgreSQL backends and of this client
process — from ``/proc/<pid>/stat``: on a shared machine these move much less than the
wall-clock rate. Run from the repository root:

    .tools/bin/uv run python bench/ingest.py --start-mlflow
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Batch:
    key: int  # index into the keys
    steps: list[int]
    values: list[float]
    stamps: list[int]  # epoch milliseconds


@dataclass
class Result:
    name: str
    points: int
    seconds: float
    latencies: list[float]
    cpu: Cpu | None = None

    @property
    def rate(self) -> float:
        return self.points / self.seconds if self.seconds else 0.0

    def row(self) -> str:
        return (
            f"{self.name:<28} {self.points:>9,} {self.seconds:>8.2f} {self.rate:>11,.0f}"
            f" {percentile(self.latencies, 50) * 1000:>9.1f} "
            f"{percentile(self.latencies, 99) * 1000:>9.1f}"
        )


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    """CPU seconds spent during a phase by the server, the database backends and us."""

    server: float
    database: float
    client: float

    def line(self, name: str, points: int) -> str:
        per = 1000 / points * 1000  # ms per 1,000 points
        return (
            f"{name:<28} CPU ms per 1,000 points: server {self.server * per:5.2f}, "
            f"PostgreSQL {self.database * per:5.2f}, client {self.client * per:5.2f}"
        )


class CpuMeter:
    """CPU of a server pid, of the database's backends and of this process over a phase.

    Backends are listed at the start and again at the end (a pool may open connections
    during the phase); one that appeared counts from zero, one that left is missed.
    """

    def __init__(self, dsn: str, server_pid: int | None = None) -> None:
        self.dsn = dsn
        self.server_pid = server_pid
        self.before: dict[int, float] = {}

    def _server(self) -> float:
        return process_cpu(self.server_pid) if self.server_pid else 0.0

    async def start(self) -> None:
        self.before = {pid: process_cpu(pid) for pid in await backend_pids(self.dsn)}
        self.server_before = self._server()
        self.client_before = time.process_time()

    async def stop(self) -> Cpu:
        client = time.process_time() - self.client_before
        server = self._server() - self.server_before
        pids = await backend_pids(self.dsn) | set(self.before)
        database = sum(process_cpu(pid) - self.before.get(pid, 0.0) for pid in pids)
        return Cpu(server=server, database=database, client=client)


HEADER = f"{'path':<28} {'points':>9} {'seconds':>8} {'points/s':>11} {'p50 ms':>9} {'p99 ms':>9}"


def plan(total: int, size: int, keys: int, seed: int = 7) -> list[Batch]:
    """Batches of ``size`` points (the last may be shorter), keys in turn, steps rising."""
    rng = random.Random(seed)
    batches = []
    done = 0
    index = 0
    while done < total:
        count = min(size, total - done)
        first = (index // keys) * size
        steps = list(range(first, first + count))
        values = [1.0 / (1 + step) + rng.random() * 0.01 for step in steps]
        stamps = [BASE_MS + step * 10 for step in steps]
        batches.append(Batch(index % keys, steps, values, stamps))
        done += count
        index += 1
    return batches


def key_name(index: int) -> str:
    return f"bench/metric_{index}"


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


# --- the service ----------------------------------------------------------------------------


def rest_body(batch: Batch) -> bytes:
    return orjson.dumps(
        {
            "key": key_name(batch.key),
            "steps": batch.steps,
            "values": batch.values,
            "timestamps": batch.stamps,
        }
    )


class Sender(Protocol):
    """One sender's HTTP/1.1 keep-alive connection to the service."""

    async def post(self, path: str, body: bytes) -> None: ...  # raises unless 202
    async def close(self) -> None: ...


class HttpxSender:
    def __init__(self, service: Service) -> None:
        self.client = service.client()

    async def post(self, path: str, body: bytes) -> None:
        answer = await self.client.post(path, content=body, headers=JSON)
        if answer.status_code != 202:
            raise RuntimeError(f"batch refused: {answer.status_code} {answer.text[:500]}")

    async def close(self) -> None:
        await self.client.aclose()


class AiohttpSender:
    """aiohttp's client: about half httpx's CPU per request, which on a small machine is
    CPU the server and PostgreSQL get back (the load generator is not what is measured)."""

    def __init__(self, service: Service) -> None:
        self.base_url = service.base_url
        self.session = aiohttp.ClientSession(
            headers={**service.headers, **JSON},
            connector=aiohttp.TCPConnector(limit=1),
            timeout=aiohttp.ClientTimeout(total=60),
        )

    async def post(self, path: str, body: bytes) -> None:
        async with self.session.post(self.base_url + path, data=body) as answer:
            if answer.status != 202:
                text = await answer.text()
                raise RuntimeError(f"batch refused: {answer.status} {text[:500]}")
            await answer.read()

    async def close(self) -> None:
        await self.session.close()


SENDERS: dict[str, Callable[[Service], Sender]] = {
    "aiohttp": AiohttpSender,
    "httpx": HttpxSender,
}
JSON = {"content-type": "application/json"}


async def run_service(
    service: Service,
    dsn: str,
    batches: list[Batch],
    clients: int,
    experiments: int,
    warmup: int,
    client: str = "aiohttp",
) -> tuple[Result, int]:
    async with service.client() as setup:
        ids = [await running_experiment(setup, f"ingest-{n}") for n in range(experiments)]
    senders = [SENDERS[client](service) for _ in range(clients)]
    bodies: list[object] = [rest_body(b) for b in batches]

    async def send(number: int, item: object) -> None:
        assert isinstance(item, bytes | tuple)
        body, experiment = item if isinstance(item, tuple) else (item, ids[number % len(ids)])
        await senders[number].post(f"/api/v1/experiments/{experiment}/metrics/batch", body)

    try:
        warm = plan(warmup * clients * 1000, 1000, 1, seed=1)
        warm_bodies: list[object] = [
            (orjson.dumps({"key": "bench/warmup", "steps": b.steps, "values": b.values}), ids[0])
            for b in warm
        ]
        await drive(warm_bodies, clients, send)
        assert service.rss is not None
        service.rss.reset()
        assert service.process is not None
        meter = CpuMeter(dsn, service.process.pid)
        await meter.start()
        seconds, latencies = await drive(bodies, clients, send)
        cpu = await meter.stop()
        stored = 0
        async with service.client() as check:
            for experiment in ids:
                answer = await check.get(f"/api/v1/experiments/{experiment}/metrics")
                answer.raise_for_status()
                stored += sum(
                    s["count"] for s in answer.json()["summaries"] if s["key"] != "bench/warmup"
                )
    finally:
        for sender in senders:
            await sender.close()
    points = sum(len(b.steps) for b in batches)
    if stored != points:
        raise RuntimeError(f"the service holds {stored} points, {points} were sent")
    return Result("expsvc REST batch", points, seconds, latencies, cpu), stored


# --- the raw COPY ceiling -------------------------------------------------------------------

COPY_TABLE = "bench_copy_points"


async def run_copy(dsn: str, batches: list[Batch], clients: int) -> Result:
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
    connections = [await asyncpg.connect(dsn, timeout=10) for _ in range(clients)]
    columns = ["series_id", "step", "value", "timestamp"]

    def records(batch: Batch, series_id: int) -> list[tuple[int, int, float, datetime]]:
        return [
            (series_id, step, value, datetime.fromtimestamp(stamp / 1000, tz=UTC))
            for step, value, stamp in zip(batch.steps, batch.values, batch.stamps, strict=True)
        ]

    async def send(number: int, item: object) -> None:
        assert isinstance(item, list)
        await connections[number].copy_records_to_table(
            COPY_TABLE, records=item, columns=columns, timeout=60
        )

    try:
        warm: list[object] = [records(b, 0) for b in plan(clients * 2000, 1000, 1, seed=1)]
        await drive(warm, clients, send)
        rows: list[object] = [records(b, b.key + 1) for b in batches]
        meter = CpuMeter(dsn)
        await meter.start()
        seconds, latencies = await drive(rows, clients, send)
        cpu = await meter.stop()
        count = await connections[0].fetchval(
            f"SELECT count(*) FROM {COPY_TABLE} WHERE series_id > 0"
        )
        await connections[0].execute(f"DROP TABLE {COPY_TABLE}")
    finally:
        for connection in connections:
            await connection.close()
    points = sum(len(b.steps) for b in batches)
    if count != points:
        raise RuntimeError(f"COPY stored {count} rows, {points} were sent")
    return Result("raw asyncpg COPY (ceiling)", points, seconds, latencies, cpu)


# --- MLflow ---------------------------------------------------------------------------------


async def run_mlflow(url: str, batches: list[Batch], clients: int) -> Result:
    async with httpx.AsyncClient(base_url=url, timeout=120) as setup:
        run_id = await mlflow_run(setup)
    senders = [httpx.AsyncClient(base_url=url, timeout=120) for _ in range(clients)]
    headers = {"content-type": "application/json"}

    def body(batch: Batch, key: str | None = None) -> bytes:
        name = key or key_name(batch.key)
        metrics = [
            {"key": name, "value": value, "timestamp": stamp, "step": step}
            for step, value, stamp in zip(batch.steps, batch.values, batch.stamps, strict=True)
        ]
        return orjson.dumps({"run_id": run_id, "metrics": metrics})

    async def send(number: int, item: object) -> None:
        assert isinstance(item, bytes)
        answer = await senders[number].post(
            "/api/2.0/mlflow/runs/log-batch", content=item, headers=headers
        )
        if answer.status_code != 200:
            raise RuntimeError(f"log-batch refused: {answer.status_code} {answer.text[:500]}")

    try:
        warm: list[object] = [body(b, "bench/warmup") for b in plan(clients * 1000, 1000, 1, 1)]
        await drive(warm, clients, send)
        bodies: list[object] = [body(b) for b in batches]
        seconds, latencies = await drive(bodies, clients, send)
    finally:
        for sender in senders:
            await sender.aclose()
    points = sum(len(b.steps) for b in batches)
    return Result(f"MLflow {MLFLOW_VERSION} log-batch", points, seconds, latencies)


# --- main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points-total", type=int, default=400_000)
    parser.add_argument("--batch", type=int, default=1000, help="points per batch")
    parser.add_argument("--clients", type=int, default=4, help="concurrent senders")
    parser.add_argument("--keys", type=int, default=4, help="metric keys, one per batch")
    parser.add_argument(
        "--experiments",
        type=int,
        default=1,
        help="spread the senders over this many experiments (default: all into one)",
    )
    parser.add_argument("--warmup", type=int, default=2, help="warm-up batches per sender")
    parser.add_argument(
        "--client",
        choices=sorted(SENDERS),
        default="aiohttp",
        help="the senders' HTTP client (the lighter aiohttp leaves more CPU to the service)",
    )
    parser.add_argument("--mlflow-url", help="a running MLflow tracking server (loopback)")
    parser.add_argument(
        "--start-mlflow",
        action="store_true",
        help=f"start mlflow=={MLFLOW_VERSION} through uvx (backed by a throw-away database)",
    )
    parser.add_argument("--mlflow-points", type=int, default=50_000)
    parser.add_argument("--mlflow-workers", type=int, help="mlflow server --workers (default 4)")
    parser.add_argument(
        "--mlflow-backend",
        choices=["postgresql", "sqlite"],
        default="postgresql",
        help="the MLflow server's backend store with --start-mlflow",
    )
    parser.add_argument("--timeout", type=float, default=900, help="bound of each phase (s)")
    parser.add_argument(
        "--server-profile",
        metavar="FILE",
        help="run the server under cProfile (FILE.prof) or pyinstrument (FILE.txt/.html, "
        "with `uv run --with pyinstrument`); written when the server stops",
    )
    add_database_args(parser)
    args = parser.parse_args()
    if args.batch > 1000 and (args.mlflow_url or args.start_mlflow):
        parser.error("MLflow takes at most 1000 metrics per log-batch request")
    if args.mlflow_url:
        require_loopback(args.mlflow_url)
    return args


def summary(results: list[Result], args: argparse.Namespace, rss: tuple[float, float]) -> None:
    ours, ceiling, *rest = results
    print()
    print(
        f"== ingest: {args.batch}-point batches, {args.clients} concurrent clients, "
        f"{args.keys} keys, {args.experiments} experiment(s), {args.client} senders; "
        f"{machine_line()}"
    )
    print(HEADER)
    for result in results:
        print(result.row())
    for result in results:
        if result.cpu is not None:
            print(result.cpu.line(result.name, result.points))
    print(f"expsvc / raw COPY:   {ours.rate / ceiling.rate * 100:.0f} %   (target >= 50 %)")
    if rest:
        mlflow = rest[0]
        print(f"expsvc / MLflow:     {ours.rate / mlflow.rate:.1f}x   (target >= 10x)")
    print(
        f"server RSS: peak {rss[0]:.0f} MB while ingesting (VmRSS every 100 ms), "
        f"VmHWM since start {rss[1]:.0f} MB   (target <= 300 MB)"
    )


def main() -> int:
    args = parse_args()
    batches = plan(args.points_total, args.batch, args.keys)
    results: list[Result] = []
    with throwaway_database(args.pg_server_url, args.database_url) as dsn:
        with Service(dsn, command_prefix=profiler(args)) as service:
            print(f"service up at {service.base_url}; sending {args.points_total:,} points …")
            result, _ = asyncio.run(
                asyncio.wait_for(
                    run_service(
                        service,
                        dsn,
                        batches,
                        args.clients,
                        args.experiments,
                        args.warmup,
                        args.client,
                    ),
                    args.timeout,
                )
            )
            results.append(result)
            assert service.rss is not None
            rss = (service.rss.peak_mb, service.rss.hwm_mb())
            print(result.row())
        print("raw COPY of the same rows …")
        results.append(asyncio.run(asyncio.wait_for(run_copy(dsn, batches, args.clients), 600)))
        print(results[-1].row())
    mlflow_batches = plan(args.mlflow_points, args.batch, args.keys)
    if args.mlflow_url:
        results.append(
            asyncio.run(
                asyncio.wait_for(
                    run_mlflow(args.mlflow_url, mlflow_batches, args.clients), args.timeout
                )
            )
        )
    elif args.start_mlflow:
        print(f"starting MLflow {MLFLOW_VERSION} ({args.mlflow_backend} backend) …")
        with throwaway_database(args.pg_server_url, None, prefix="mlflow_bench") as mlflow_dsn:
            backend = (
                mlflow_dsn.replace("postgresql://", "postgresql+psycopg2://", 1)
                if args.mlflow_backend == "postgresql"
                else "sqlite:///mlflow.db"
            )
            with MlflowServer(backend, workers=args.mlflow_workers) as mlflow:
                print(f"MLflow up at {mlflow.base_url}; sending {args.mlflow_points:,} points …")
                results.append(
                    asyncio.run(
                        asyncio.wait_for(
                            run_mlflow(mlflow.base_url, mlflow_batches, args.clients),
                            args.timeout,
                        )
                    )
                )
    if len(results) > 2:
        print(results[-1].row())
    summary(results, args, rss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
