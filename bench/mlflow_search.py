"""MLflow's ``runs/search`` over ``--runs`` runs (10,000), on SQLite and PostgreSQL.

One DS user owns one hypothesis (an MLflow experiment) with ``--runs`` experiments (runs),
inserted in bulk: every run has five metric series (``acc``, ``loss``, ``f1``,
``precision``, ``recall``; the last value uniform in [0, 1)), hyperparams
(``lr``, ``layers``, ``optimizer.name``) and two MLflow tags (``team``, ``stage``). Then
``ANALYZE`` (what autovacuum would have done by the time anybody searches). The app runs
in this process and is called through ``httpx.ASGITransport`` (authentication included;
its answers are cached as in production), each search ``--repeat`` times after
``--warmup`` untimed ones; the median and p95 are printed with the runs answered, and the
same search's SQL alone (``search_sql.search_runs``, the rows without rendering). With
``--explain``, the query plan of each search's SQL.

Run from the repository root (PostgreSQL on 127.0.0.1:5432 for ``--backend postgresql``):

    .venv/bin/python bench/mlflow_search.py [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (
    add_database_args,
    machine_line,
    percentile,
    sqlalchemy_url,
    throwaway_database,
)

from app.config import Settings
from app.hypotheses.service import create_hypothesis
from app.main import create_app
from app.migrate import upgrade
from app.mlflow_api import search, search_sql
from app.models import Experiment, MetricSeries, User
from app.models.enums import ExperimentStatus, ExperimentType, Role
from app.models.mlflow_tracking import mlflow_tags
from app.runtime import tune_garbage_collector
from app.services import Services
from app.users.service import create_user

METRICS = ("acc", "loss", "f1", "precision", "recall")
T0 = datetime(2026, 1, 1, tzinfo=UTC)
SEARCHES: list[tuple[str, dict[str, Any]]] = [
    ("metric filter", {"filter": "metrics.acc > 0.9"}),
    ("metric filter, 100 runs", {"filter": "metrics.acc > 0.9", "max_results": 100}),
    ("metric filter, by metric", {"filter": "metrics.acc > 0.9", "order_by": ["metrics.f1 DESC"]}),
    ("two metrics", {"filter": "metrics.acc > 0.5 AND metrics.loss < 0.2"}),
    ("rare metric value", {"filter": "metrics.acc > 0.999"}),
    ("param", {"filter": "params.lr = '0.001'"}),
    ("tag", {"filter": "tags.team = 'vision' AND tags.stage LIKE 'prod%'"}),
    ("status", {"filter": "attributes.status = 'FINISHED'", "max_results": 100}),
    ("no filter, 100 runs", {"max_results": 100}),
]


async def seed(services: Services, runs: int) -> tuple[str, uuid.UUID, User]:
    """The user's token, the hypothesis and the user; ``runs`` runs inserted in bulk."""
    rng = random.Random(1)
    async with services.db.unit_of_work() as session:
        owner, token = await create_user(
            session, actor=None, name="bench", email="bench@example.test", role=Role.DS
        )
        hypothesis = await create_hypothesis(session, actor=owner, title="bench")
    statuses = list(ExperimentStatus)
    for first in range(0, runs, 1000):
        rows, series, tags = [], [], []
        for number in range(first, min(runs, first + 1000)):
            run_id = uuid.uuid4()
            created = T0 + timedelta(seconds=number)
            status = statuses[number % len(statuses)]
            started = None if status is ExperimentStatus.QUEUED else created
            rows.append(
                {
                    "id": run_id,
                    "hypothesis_id": hypothesis.id,
                    "owner_id": owner.id,
                    "name": f"run {number}",
                    "status": status,
                    "type": ExperimentType.ML,
                    "model": "xgboost",
                    "framework": "sklearn",
                    "hyperparams": {
                        "lr": rng.choice([0.1, 0.01, 0.001, 0.0001]),
                        "layers": rng.randint(1, 8),
                        "optimizer": {"name": rng.choice(["adam", "sgd"])},
                    },
                    "config": {},
                    "tags": [],
                    "created_at": created,
                    "updated_at": created,
                    "started_at": started,
                }
            )
            for key in METRICS:
                value = rng.random()
                series.append(
                    {
                        "experiment_id": run_id,
                        "key": key,
                        "count": 100,
                        "first_step": 0,
                        "last_step": 99,
                        "last_value": value,
                        "last_timestamp": created,
                        "min_value": 0.0,
                        "max_value": value,
                        "updated_at": created,
                    }
                )
            tags.append(
                {"experiment_id": run_id, "key": "team", "value": rng.choice(["vision", "nlp"])}
            )
            tags.append(
                {
                    "experiment_id": run_id,
                    "key": "stage",
                    "value": rng.choice(["prod-a", "dev", "staging"]),
                }
            )
        async with services.db.unit_of_work() as session:
            await session.execute(insert(Experiment), rows)
            await session.execute(insert(MetricSeries), series)
            await session.execute(insert(mlflow_tags), tags)
    async with services.db.engine.connect() as connection:
        if services.db.dialect == "postgresql":
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("ANALYZE"))
        else:
            await connection.execute(text("ANALYZE"))
            await connection.commit()
    return token, hypothesis.id, owner


async def timed(call: Callable[[], Awaitable[Any]], warmup: int, repeat: int) -> list[float]:
    for _ in range(warmup):
        await call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return times


def line(name: str, times: list[float], answered: int) -> str:
    p50 = statistics.median(times) * 1000
    p95 = percentile(times, 95) * 1000
    return f"  {name:<34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({answered} runs)"


async def explain(
    services: Services, owner: User, hypothesis: uuid.UUID, body: dict[str, Any]
) -> str:
    """The plan of the search's main statement."""
    captured: list[str] = []

    async with services.db.reader() as session:
        sql = search_sql.Dialect(services.db.dialect)
        comparisons = search.parse_filter(body.get("filter"), search.RUNS)
        order = search.parse_order_by(body.get("order_by", []), search.RUNS)
        query = search_sql.run_query(
            sql,
            actor=owner,
            hypothesis_ids=[hypothesis],
            comparisons=comparisons,
            order=order,
            view="ACTIVE_ONLY",
            limit=body.get("max_results", 1000) + 1,
        )
        compiled = query.compile(
            dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
        )
        prefix = (
            "EXPLAIN ANALYZE " if services.db.dialect == "postgresql" else "EXPLAIN QUERY PLAN "
        )
        for row in await session.execute(text(prefix + str(compiled))):
            captured.append("    " + " | ".join(str(c) for c in row))
    return "\n".join(captured)


async def run(url: str, args: argparse.Namespace) -> None:
    settings = Settings(database_url=url, log_level="WARNING", redis_url="")
    services = Services.from_settings(settings)
    try:
        started = time.perf_counter()
        token, hypothesis, owner = await seed(services, args.runs)
        print(f"  seeded {args.runs} runs in {time.perf_counter() - started:.1f} s")
        app = create_app(services.settings, services)
        tune_garbage_collector()  # as `expsvc serve` does
        headers = {"Authorization": f"Bearer {token}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for name, extra in SEARCHES:
                body = {"experiment_ids": [str(hypothesis)], **extra}
                answered = 0

                async def request(body: dict[str, Any] = body) -> None:
                    nonlocal answered
                    response = await client.post(
                        "/api/2.0/mlflow/runs/search", json=body, headers=headers
                    )
                    response.raise_for_status()
                    answered = len(response.json().get("runs", []))

                times = await timed(request, args.warmup, args.repeat)
                print(line(name, times, answered))

                async def sql_only(body: dict[str, Any] = body) -> None:
                    async with services.db.reader() as session:
                        await search_sql.search_runs(
                            session,
                            actor=owner,
                            hypothesis_ids=[hypothesis],
                            comparisons=search.parse_filter(body.get("filter"), search.RUNS),
                            order=search.parse_order_by(body.get("order_by", []), search.RUNS),
                            view="ACTIVE_ONLY",
                            offset=0,
                            limit=body.get("max_results", 1000),
                        )

                times = await timed(sql_only, args.warmup, args.repeat)
                print(line("    its SQL alone", times, answered))
                if args.explain:
                    print(await explain(services, owner, hypothesis, body))
    finally:
        await services.close()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    add_database_args(parser)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    print(machine_line())
    if args.backend in ("sqlite", "both"):
        print("SQLite:")
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            upgrade(url)
            asyncio.run(run(url, args))
    if args.backend in ("postgresql", "both"):
        print("PostgreSQL:")
        with throwaway_database(args.pg_server_url, args.database_url, "expsvc_search") as dsn:
            url = sqlalchemy_url(dsn)
            upgrade(url)
            asyncio.run(run(url, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
