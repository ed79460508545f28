"""How long a large ingest holds the event loop: the service in-process, a probe task on
its loop.

A probe task sleeps 1 ms at a time and records how late it wakes (the longest stretch the
loop could not serve anything: its own work, a worker thread holding the interpreter, or
another process holding the core), and every step of the loop is timed in CPU of the
loop's thread (the longest is what the loop itself spent on one callback). While it runs,
the service (in this process, through httpx's ASGI transport, so the probe shares its
loop; the garbage collector tuned as ``expsvc serve`` tunes it) takes ``--runs``
``logMetrics`` mutations of ``--points`` points (variables ``points:
[MetricPointInput!]!``, 10 keys, consecutive steps, ISO times), as many ``logMessages``
mutations of ``--lines`` lines (~80-byte messages), and the same batches over REST
(``POST …/metrics/batch``, ``POST …/logs``). Request bodies are encoded before the clock
starts, so what holds the loop is the server's work. It also times, on their own, the
pieces that scale with the batch: graphql-core's variable coercion
(``get_variable_values``) and the resolvers' conversion of the input objects (these run
in worker threads in the service).

SQLite (a temporary file) by default; ``--database-url postgresql+asyncpg://…`` for
PostgreSQL (an existing, empty database is migrated). Run from the repository root:

    .tools/bin/uv run python bench/graphql_ingest_loop.py
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.logs.schemas import parse_lines  # noqa: E402
from app.main import create_app  # noqa: E402
from app.metrics.batch import batch_from_points  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.models.base import utcnow  # noqa: E402
from app.models.enums import Role  # noqa: E402
from app.runtime import tune_garbage_collector  # noqa: E402
from app.services import Services  # noqa: E402
from bench.common import in_process_user  # noqa: E402
from schema.build import build_schema  # noqa: E402
from tests.builders import create_experiment, create_hypothesis, start  # noqa: E402

LOG_METRICS = """
mutation($id: ID!, $points: [MetricPointInput!]!) { logMetrics(experimentId: $id, points: $points) }
"""
LOG_MESSAGES = """
mutation($id: ID!, $lines: [LogLineInput!]!) { logMessages(experimentId: $id, lines: $lines) }
"""


class LoopProbe:
    """A task that sleeps ``tick`` seconds at a time and keeps its largest lateness, and
    the longest single step of the loop, in CPU time of the loop's thread.

    Lateness also counts time the loop's thread waited for the interpreter (a worker
    thread held it) or for a core (other processes); the CPU of a step is what the loop
    itself spent on one callback without letting anything else run."""

    def __init__(self, tick: float = 0.001) -> None:
        self.tick = tick
        self.worst = 0.0
        self.longest_step_cpu = 0.0
        self._task: asyncio.Task[None] | None = None
        self._real_run: Callable[[asyncio.Handle], None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.tick
            await asyncio.sleep(self.tick)
            self.worst = max(self.worst, loop.time() - due)

    def __enter__(self) -> LoopProbe:
        real_run = asyncio.Handle._run
        self._real_run = real_run
        probe = self

        def timed_run(handle: asyncio.Handle) -> None:
            started = time.thread_time()
            try:
                real_run(handle)
            finally:
                probe.longest_step_cpu = max(probe.longest_step_cpu, time.thread_time() - started)

        asyncio.Handle._run = timed_run  # type: ignore[method-assign]
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._task is not None and self._real_run is not None
        self._task.cancel()
        asyncio.Handle._run = self._real_run  # type: ignore[method-assign]


def metric_points(count: int, first_step: int) -> list[dict[str, Any]]:
    return [
        {
            "key": f"loss/{i % 10}",
            "value": 1.0 / (i + 1),
            "step": first_step + i // 10,
            "timestamp": "2026-01-01T00:00:00Z",
        }
        for i in range(count)
    ]


def log_lines(count: int) -> list[dict[str, Any]]:
    return [
        {"level": "INFO", "message": f"epoch {i}: loss=0.{i:06d} lr=0.001 " + "x" * 40}
        for i in range(count)
    ]


def best_ms(run: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


async def held(
    client: httpx.AsyncClient, body: bytes, field: str, expected: int, url: str = "/graphql"
) -> tuple[float, float, float]:
    """(the loop's longest stall, its longest step in CPU, the request's wall time), in ms.

    ``field`` is the GraphQL mutation's, or the REST answer's (``accepted``) for a REST
    ``url``."""
    headers = {"content-type": "application/json"}
    with LoopProbe() as probe:
        await asyncio.sleep(0.01)
        started = time.perf_counter()
        answer = await client.post(url, content=body, headers=headers)
        took = time.perf_counter() - started
        await asyncio.sleep(0.01)
    data = answer.json()
    got = data.get(field) if url != "/graphql" else (data.get("data") or {}).get(field)
    if data.get("errors") or got != expected:
        raise RuntimeError(f"{field}: {answer.text[:500]}")
    return probe.worst * 1000, probe.longest_step_cpu * 1000, took * 1000


def report(name: str, runs: list[tuple[float, float, float]]) -> None:
    stalls = [stall for stall, _, _ in runs]
    steps = [step for _, step, _ in runs]
    walls = [wall for _, _, wall in runs]
    print(
        f"{name}: loop late by at most {max(stalls):6.1f} ms "
        f"(median of the runs' worst {statistics.median(stalls):6.1f} ms); "
        f"longest loop step {max(steps):5.1f} ms CPU "
        f"(median {statistics.median(steps):5.1f}); "
        f"request {statistics.median(walls):4.0f} ms median"
    )


def pieces(schema: Any, points: int, lines: int) -> None:
    """The per-batch CPU the mutations do, timed on its own."""
    from graphql import parse
    from graphql.execution.values import get_variable_values

    core = schema._schema
    for text, name, values in [
        (LOG_METRICS, "points", metric_points(points, 0)),
        (LOG_MESSAGES, "lines", log_lines(lines)),
    ]:
        operation = parse(text).definitions[0]
        raw = {"id": "00000000-0000-0000-0000-000000000000", name: values}
        took = best_ms(
            lambda op=operation, r=raw: get_variable_values(core, op.variable_definitions, r)  # type: ignore[misc]
        )
        print(f"  get_variable_values, {len(values):,} {name}: {took:6.1f} ms")
    from strawberry.types.arguments import convert_arguments

    from schema.roots import Mutation

    fields = {f.python_name: f for f in Mutation.__strawberry_definition__.fields}
    now = utcnow()
    for text, field, name, values in [
        (LOG_METRICS, "log_metrics", "points", metric_points(points, 0)),
        (LOG_MESSAGES, "log_messages", "lines", log_lines(lines)),
    ]:
        operation = parse(text).definitions[0]
        coerced = get_variable_values(
            core,
            operation.variable_definitions,  # type: ignore[attr-defined]
            {"id": "x", name: values},
        ).coerced  # type: ignore[union-attr]
        arguments = fields[field].arguments
        registry = schema.schema_converter.scalar_registry

        def convert(c: Any = coerced, a: Any = arguments, r: Any = registry) -> Any:
            return convert_arguments(c, a, scalar_registry=r, config=schema.config)

        print(
            f"  strawberry's argument conversion, {len(values):,} {name}: "
            f"{best_ms(convert):6.1f} ms"
        )
        items = convert()[name]
        if name == "points":
            took = best_ms(
                lambda i=items: batch_from_points(  # type: ignore[misc]
                    [(p.key, p.value, int(p.step), p.timestamp) for p in i], now=now, limit=points
                )
            )
            print(f"  logMetrics resolver: input objects to a MetricBatch: {took:6.1f} ms")
        else:
            raw_lines = [
                {
                    "level": x.level,
                    "message": x.message,
                    "timestamp": x.timestamp,
                    "source": x.source,
                }
                for x in items
            ]
            took = best_ms(lambda r=raw_lines: parse_lines(r, now=now, limit=lines))  # type: ignore[misc]
            print(f"  logMessages resolver: parse_lines of {lines:,} lines: {took:6.1f} ms")


async def run(args: argparse.Namespace, database_url: str, data_dir: Path) -> None:
    settings = Settings(
        database_url=database_url,
        data_dir=data_dir,
        artifact_store_url=f"file://{data_dir / 'artifacts'}",
        redis_url="",
        log_level="WARNING",
        logs_max_batch_lines=max(args.lines, 1),
        metrics_max_batch_points=max(args.points, 1),
    )
    services = Services.from_settings(settings)
    try:
        user, token = await in_process_user(services, Role.DS)
        hypothesis = await create_hypothesis(services, user)
        experiment = await start(
            services, user, await create_experiment(services, user, hypothesis)
        )
        app = create_app(settings, services)
        tune_garbage_collector()  # as `expsvc serve` does
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers, timeout=120
        ) as client:
            ident = str(experiment.id)
            metric_bodies = [
                orjson.dumps(
                    {
                        "query": LOG_METRICS,
                        "variables": {
                            "id": ident,
                            "points": metric_points(args.points, run * 10**6),
                        },
                    }
                )
                for run in range(args.runs + 1)
            ]
            log_body = orjson.dumps(
                {"query": LOG_MESSAGES, "variables": {"id": ident, "lines": log_lines(args.lines)}}
            )
            await held(client, metric_bodies[0], "logMetrics", args.points)  # warm up
            await held(client, log_body, "logMessages", args.lines)
            profile = cProfile.Profile() if args.profile else None
            if profile is not None:
                profile.enable()
            metrics_runs = [
                await held(client, body, "logMetrics", args.points) for body in metric_bodies[1:]
            ]
            log_runs = [
                await held(client, log_body, "logMessages", args.lines) for _ in range(args.runs)
            ]
            rest = f"/api/v1/experiments/{ident}"
            rest_metric_runs = [
                await held(
                    client,
                    orjson.dumps({"points": metric_points(args.points, (run + 50) * 10**6)}),
                    "accepted",
                    args.points,
                    f"{rest}/metrics/batch",
                )
                for run in range(args.runs + 1)
            ][1:]
            rest_log_body = orjson.dumps({"lines": log_lines(args.lines)})
            rest_log_runs = [
                await held(client, rest_log_body, "accepted", args.lines, f"{rest}/logs")
                for _ in range(args.runs + 1)
            ][1:]
            if profile is not None:
                profile.disable()
                profile.dump_stats(args.profile)
        report(f"logMetrics, {args.points:,} points", metrics_runs)
        report(f"logMessages, {args.lines:,} lines", log_runs)
        report(f"REST metrics/batch, {args.points:,} points", rest_metric_runs)
        report(f"REST logs, {args.lines:,} lines", rest_log_runs)
        pieces(build_schema(settings), args.points, args.lines)
    finally:
        await services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--database-url", help="postgresql+asyncpg://… of an empty database (default: SQLite)"
    )
    parser.add_argument("--profile", help="write a cProfile of the timed requests here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="expsvc-bench-") as folder:
        data_dir = Path(folder)
        url = args.database_url or f"sqlite+aiosqlite:///{data_dir / 'bench.db'}"
        upgrade(url)
        backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"{backend}, {args.runs} runs each after a warm-up")
        asyncio.run(run(args, url, data_dir))


if __name__ == "__main__":
    main()
