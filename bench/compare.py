"""Comparing experiments: ``--experiments`` x ``--metrics`` series of ``--points`` points,
one ``compareExperiments`` with the series of ``--series-keys`` keys at ``--max-points``.

The data is loaded through the service layer: ``app.metrics.service.ingest_metrics`` (the
path of a REST batch without HTTP and parsing: summaries upserted, points by ``COPY``,
rollups upserted) with one key's ``--load-batch`` points per batch, ``--load-workers``
batches at a time; then ``ANALYZE`` (what autovacuum would have done by the time anybody
compares). The app runs in this process and is called through ``httpx.ASGITransport``;
a ``before_cursor_execute`` hook counts the SQL statements of each request (a range when
runs differ: the token cache lasts 10 s, so now and then a request authenticates), and
``db cpu ms`` is the CPU time of the database's PostgreSQL backends per request (their
``/proc`` counters, in 10 ms ticks, so the mean over the runs; ``nan`` where ``/proc``
does not show them). ``parse ms`` is the bench client's ``orjson.loads`` of the answer, in
this process after the answer is complete: it is in ``p50 ms`` and ``cpu ms``, and the
difference is the service's part. Each read is repeated ``--repeat`` times after
``--warmup`` untimed runs:

* ``GraphQL``: the compare view — experiments (with owner and hypothesis), params,
  metrics (every key), and ``series(key, maxPoints)`` for each series key with
  ``points { step value timestamp }`` (the contract's shape); the series' answers are
  kept from the warm-up (``app.metrics.batched.ANSWERS``: the same data, nothing logged
  since, as when finished experiments are compared again);
* ``GraphQL cold``: the same with the kept answers dropped before each request (the
  first comparison of these series, or of running ones after each batch);
* ``GraphQL step+value``: the same without ``timestamp``;
* ``GraphQL no series``: experiments, params and metrics only (every key's cells);
* ``REST``: ``POST /api/v1/experiments/compare`` with the same ``series_keys``;
* ``read_many cold``: ``app.metrics.batched.read_many`` of the same series, in-process,
  the kept answers dropped first (the database and downsampling part alone).

Run from the repository root, with PostgreSQL on 127.0.0.1:5432:

    .tools/bin/uv run python bench/compare.py

``--database-url`` keeps the data (an empty database is loaded; then ``--reuse`` measures
again without loading).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import event, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (
    add_database_args,
    in_process_user,
    machine_line,
    percentile,
    sqlalchemy_url,
    throwaway_database,
)

from app.config import Settings
from app.experiments import service as experiments
from app.experiments.schemas import ExperimentCreate, ResourceRequestData
from app.hypotheses.service import create_hypothesis
from app.main import create_app
from app.metrics.batch import MetricBatch
from app.metrics.batched import ANSWERS, SeriesRead, read_many
from app.metrics.service import ingest_metrics
from app.migrate import upgrade
from app.models import Experiment, MetricSeries, User
from app.models.enums import ExperimentType, Role
from app.runtime import tune_garbage_collector
from app.services import Services

T0 = datetime(2026, 1, 1, tzinfo=UTC)

EXPERIMENT_FIELDS = """
  id name status model createdAt durationSeconds owner { name }
  hypothesis { title owner { name } }
"""


def compare_query(keys: list[str], point_fields: str) -> str:
    """The compare view with ``point_fields`` of ``series.points``; no ``keys``: no series
    at all."""
    shape = f"series {{ key totalPoints downsampled points {{ {point_fields} }} }}"
    series = "\n".join(
        f"""  s{n}: series(key: "{key}", maxPoints: $max) {{ experimentId {shape} }}"""
        for n, key in enumerate(keys)
    )
    arguments = "$ids: [ID!]!, $baseline: ID" + (", $max: Int" if keys else "")
    return f"""query({arguments}) {{
  compareExperiments(ids: $ids, baselineId: $baseline) {{
    experiments {{ {EXPERIMENT_FIELDS} }}
    baselineId
    params {{ key values differs }}
    metrics {{ key goal bestExperimentId cells {{ experimentId last min max best }} }}
{series}
  }}
}}"""


@dataclass
class Timing:
    path: str
    samples: list[float]
    statements: str  # per request: "6", or "6-7" when the token cache expired during a run
    points: int
    response_bytes: int
    cpu: list[float]  # this process's CPU time per request (app and client, not PostgreSQL)
    db_cpu: float  # the database's PostgreSQL backends' CPU time per request, mean (s)
    parse: list[float]  # the bench client's parse of each answer (in ``samples`` too)

    def row(self) -> str:
        p50 = percentile(self.samples, 50) * 1000
        p95 = percentile(self.samples, 95) * 1000
        cpu = percentile(self.cpu, 50) * 1000
        parse = percentile(self.parse, 50) * 1000
        return (
            f"{self.path:<22} {p50:>8.1f} {p95:>8.1f} {cpu:>8.1f} {self.db_cpu * 1000:>10.1f}"
            f" {parse:>8.1f} {self.statements:>10} {self.points:>9,}"
            f" {self.response_bytes / 1024:>9,.0f}"
        )


HEADER = (
    f"{'path':<22} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8} {'db cpu ms':>10} {'parse ms':>8}"
    f" {'statements':>10} {'points':>9} {'KiB':>9}"
)


# --- loading ------------------------------------------------------------------------------


def values_for(experiment: int, metric: int, steps: range) -> list[float]:
    """A decaying curve with a wiggle, different per experiment and metric."""
    scale = 1.0 + 0.1 * experiment + 0.01 * metric
    return [scale / math.sqrt(1 + s) + 0.01 * math.sin(s / 50 + experiment) for s in steps]


def batch_for(key: str, experiment: int, metric: int, first: int, count: int) -> MetricBatch:
    steps = range(first, first + count)
    return MetricBatch(
        keys=[key] * count,
        steps=list(steps),
        values=values_for(experiment, metric, steps),
        timestamps=[T0 + timedelta(milliseconds=10 * s) for s in steps],
    )


async def create_experiments(services: Services, admin: User, count: int) -> list[uuid.UUID]:
    async with services.db.unit_of_work() as session:
        hypothesis = await create_hypothesis(
            session, actor=admin, title="compare bench", team_lead_id=None, observer_ids=[]
        )
    ids = []
    for n in range(count):
        data = ExperimentCreate(
            hypothesis_id=hypothesis.id,
            name=f"run-{n:02d}",
            type=ExperimentType.ML,
            model="bench-model",
            framework="none",
            hyperparams={"learning_rate": 0.01 * (1 + n % 5), "optimizer": {"beta": n % 3}},
            config={"data": {"path": f"/data/{n % 2}"}},
            resources=ResourceRequestData(gpu_count=0, cpu_cores=1, memory_gb=1),
        )
        async with services.db.unit_of_work() as session:
            row = await experiments.create_experiment(
                session, actor=admin, data=data, settings=services.settings
            )
        async with services.db.unit_of_work() as session:
            await experiments.start_experiment(
                session, actor=admin, experiment_id=row.id, hooks=services.start_hooks
            )
        ids.append(row.id)
    return ids


async def load(
    services: Services, admin: User, ids: list[uuid.UUID], args: argparse.Namespace
) -> float:
    jobs = [
        (experiment_id, n, metric, first)
        for n, experiment_id in enumerate(ids)
        for metric in range(args.metrics)
        for first in range(0, args.points, args.load_batch)
    ]
    queue = iter(jobs)
    done = 0

    async def worker() -> None:
        nonlocal done
        for experiment_id, n, metric, first in queue:
            count = min(args.load_batch, args.points - first)
            batch = batch_for(f"metric_{metric}", n, metric, first, count)
            async with services.db.unit_of_work() as session:
                await ingest_metrics(session, actor=admin, experiment_id=experiment_id, batch=batch)
            done += 1
            if done % max(1, len(jobs) // 10) == 0:
                print(f"  loaded {done}/{len(jobs)} batches", flush=True)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(args.load_workers)))
    seconds = time.perf_counter() - began
    async with services.db.engine.connect() as connection:
        await connection.execute(text("COMMIT"))
        await connection.execute(text("ANALYZE metric_series, metric_points, metric_rollups"))
    return seconds


# --- measuring ----------------------------------------------------------------------------


class Statements:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: Any) -> None:
        self.count += 1


_TICK = 1 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.01


def database_cpu(database: str) -> float:
    """User and system CPU seconds of the PostgreSQL backends of ``database`` on this
    machine (``postgres: … <database> …`` in ``/proc``); NaN where there is no ``/proc``."""
    proc = Path("/proc")
    if not proc.is_dir():
        return math.nan
    marker = f" {database} ".encode()
    ticks = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            if not command.startswith(b"postgres: ") or marker not in command:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        ticks += int(fields[11]) + int(fields[12])
    return ticks * _TICK


# what a read gave: points, bytes of the answer, seconds of the bench client's parse of it
Answer = tuple[int, int, float]


async def timed(
    repeat: int,
    warmup: int,
    run: Callable[[], Awaitable[Answer]],
    counter: Statements,
    database: str,
) -> tuple[list[float], str, int, int, list[float], float, list[float]]:
    """Wall time and this process's CPU time of each run (the CPU time is what a busy
    machine inflates least: other processes' work is not in it), the mean CPU time of
    the database's backends per run, and the client's parse of each answer."""
    for _ in range(warmup):
        await run()
    samples, cpu, parses = [], [], []
    counts = []
    points = size = 0
    db_began = database_cpu(database)
    for _ in range(repeat):
        counter.count = 0
        began, began_cpu = time.perf_counter(), time.process_time()
        points, size, parse = await run()
        samples.append(time.perf_counter() - began)
        parses.append(parse)
        cpu.append(time.process_time() - began_cpu)
        counts.append(counter.count)
    db_cpu = (database_cpu(database) - db_began) / repeat
    low, high = min(counts), max(counts)
    statements = str(low) if low == high else f"{low}-{high}"
    return samples, statements, points, size, cpu, db_cpu, parses


def parsed(content: bytes) -> tuple[Any, float]:
    """The answer's JSON, and how long this process took to parse it."""
    began = time.perf_counter()
    data = orjson.loads(content)
    return data, time.perf_counter() - began


def graphql_points(body: dict[str, Any], keys: list[str]) -> int:
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    result = body["data"]["compareExperiments"]
    items = [item for n in range(len(keys)) for item in result[f"s{n}"]]
    return sum(len(item["series"]["points"]) for item in items)


async def measure(
    services: Services, admin_token: str, ids: list[uuid.UUID], args: argparse.Namespace
) -> list[Timing]:
    keys = [f"metric_{k}" for k in range(args.series_keys)]
    app = create_app(services.settings, services)
    tune_garbage_collector()  # as `expsvc serve` does
    headers = {"Authorization": f"Bearer {admin_token}"}
    transport = httpx.ASGITransport(app=app)
    counter = Statements()
    event.listen(services.db.engine.sync_engine, "before_cursor_execute", counter)
    variables = {"ids": [str(i) for i in ids], "baseline": str(ids[0]), "max": args.max_points}
    timings = []
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", headers=headers, timeout=120
    ) as client:

        def graphql(point_fields: str, cold: bool = False) -> Callable[[], Awaitable[Answer]]:
            query = compare_query(keys, point_fields)

            async def run() -> Answer:
                if cold:
                    ANSWERS.clear()
                answer = await client.post(
                    "/graphql", json={"query": query, "variables": variables}
                )
                answer.raise_for_status()
                body, parse = parsed(answer.content)
                return graphql_points(body, keys), len(answer.content), parse

            return run

        async def graphql_without_series() -> Answer:
            query = compare_query([], "step")
            given = {"ids": variables["ids"], "baseline": variables["baseline"]}
            answer = await client.post("/graphql", json={"query": query, "variables": given})
            answer.raise_for_status()
            body, parse = parsed(answer.content)
            return graphql_points(body, []), len(answer.content), parse

        async def rest() -> Answer:
            body = {
                "ids": variables["ids"],
                "baseline_id": variables["baseline"],
                "series_keys": keys,
                "max_points": args.max_points,
            }
            answer = await client.post("/api/v1/experiments/compare", json=body)
            answer.raise_for_status()
            data, parse = parsed(answer.content)
            points = sum(
                len(item["series"]["points"]) for s in data["series"] for item in s["experiments"]
            )
            return points, len(answer.content), parse

        async with services.db.reader() as session:
            query = select(MetricSeries).where(
                MetricSeries.experiment_id.in_(ids), MetricSeries.key.in_(keys)
            )
            rows = {(r.experiment_id, r.key): r for r in (await session.scalars(query)).all()}
        reads = [SeriesRead(rows[(i, key)], key, args.max_points) for key in keys for i in ids]

        async def in_process() -> Answer:
            ANSWERS.clear()
            async with services.db.reader() as session:
                found = await read_many(session, reads)
            return sum(len(s.points) for s in found), 0, 0.0

        paths: list[tuple[str, Callable[[], Awaitable[Answer]]]] = [
            ("GraphQL", graphql("step value timestamp")),
            ("GraphQL cold", graphql("step value timestamp", cold=True)),
            ("GraphQL step+value", graphql("step value")),
            ("GraphQL no series", graphql_without_series),
            ("REST", rest),
            ("read_many cold", in_process),
        ]
        database = services.db.engine.url.database or ""
        for name, run in paths:
            samples, statements, points, size, cpu, db_cpu, parses = await timed(
                args.repeat, args.warmup, run, counter, database
            )
            timing = Timing(name, samples, statements, points, size, cpu, db_cpu, parses)
            timings.append(timing)
            print(timing.row(), flush=True)
    event.remove(services.db.engine.sync_engine, "before_cursor_execute", counter)
    return timings


async def loaded_experiments(services: Services) -> list[uuid.UUID]:
    """The experiments an earlier run loaded (``--reuse``), in name order."""
    async with services.db.reader() as session:
        query = select(Experiment.id).order_by(Experiment.name)
        return list((await session.scalars(query)).all())


async def run(url: str, args: argparse.Namespace) -> None:
    settings = Settings(database_url=url, log_level="WARNING", redis_url="")
    services = Services.from_settings(settings)
    total = args.experiments * args.metrics * args.points
    try:
        admin, token = await in_process_user(services, Role.ADMIN)
        if args.reuse:
            ids, seconds = await loaded_experiments(services), math.nan
            print(f"reusing {len(ids)} experiments")
        else:
            ids = await create_experiments(services, admin, args.experiments)
            print(f"loading {total:,} points through ingest_metrics …", flush=True)
            seconds = await load(services, admin, ids, args)
            print(f"loaded in {seconds:.1f} s ({total / seconds:,.0f} points/s)")
        print(HEADER)
        timings = await measure(services, token, ids, args)
    finally:
        await services.close()
    loading = (
        "loaded by an earlier run"
        if args.reuse
        else f"loaded through ingest_metrics in {args.load_batch:,}-point batches, "
        f"{args.load_workers} workers: {seconds:.0f} s"
    )
    print()
    print(
        f"== compare: {args.experiments} experiments x {args.metrics} metrics x "
        f"{args.points:,} points ({total:,} points, {loading}); "
        f"series of {args.series_keys} keys at maxPoints {args.max_points}; "
        f"{args.repeat} timed runs after {args.warmup} warm-up; {machine_line()}"
    )
    print(HEADER)
    for timing in timings:
        print(timing.row())
    graphql, cold = timings[0], timings[1]
    print(
        f"target p50 <= 200 ms (GraphQL, contract shape): "
        f"{percentile(graphql.samples, 50) * 1000:.1f} ms "
        f"(cold: {percentile(cold.samples, 50) * 1000:.1f} ms; the bench client's parse in "
        f"each: {percentile(graphql.parse, 50) * 1000:.1f} / "
        f"{percentile(cold.parse, 50) * 1000:.1f} ms; CPU of this process: "
        f"{percentile(graphql.cpu, 50) * 1000:.1f} / {percentile(cold.cpu, 50) * 1000:.1f} ms, "
        f"of PostgreSQL: {graphql.db_cpu * 1000:.1f} / {cold.db_cpu * 1000:.1f} ms); "
        "SQL statements per request: " + ", ".join(f"{t.path} {t.statements}" for t in timings)
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--experiments", type=int, default=50)
    parser.add_argument("--metrics", type=int, default=10)
    parser.add_argument("--points", type=int, default=100_000, help="points per series")
    parser.add_argument("--series-keys", type=int, default=3)
    parser.add_argument("--max-points", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--load-batch", type=int, default=100_000, help="points per batch")
    parser.add_argument("--load-workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3600, help="bound of the run (s)")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data of --database-url, no loading"
    )
    add_database_args(parser)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if args.reuse and not args.database_url:
        raise SystemExit("--reuse needs --database-url")
    with throwaway_database(args.pg_server_url, args.database_url, "expsvc_compare") as dsn:
        url = sqlalchemy_url(dsn)
        upgrade(url)  # also brings a reused database up to the code's schema
        asyncio.run(asyncio.wait_for(run(url, args), args.timeout))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
