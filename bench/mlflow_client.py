"""MLflow's Python client or its REST API over httpx: which sends metric batches faster?

Both send the same ``--batches`` batches of 1,000 metrics (MLflow's per-call limit) to one
run of a real MLflow tracking server (``mlflow server``, SQLite store, through uvx):

* ``httpx``: ``app.integrations.mlflow.client.MlflowClient.log_batch`` (what the mirror
  uses), one pooled async connection, awaited one after the other like the mirror;
* ``MlflowClient``: ``mlflow.tracking.MlflowClient().log_batch`` from ``mlflow-skinny``
  (synchronous, requests), called from a worker thread as an async service would have to,
  and directly (no thread) for reference.

Prints per-call p50/p95 and metrics/s for each. The server's own write time dominates
both; the difference is the client's overhead. Run from the repository root:

    .tools/bin/uv run --with mlflow-skinny==3.17.2 python bench/mlflow_client.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import MlflowServer, machine_line, mlflow_run, percentile

from app.config import Settings
from app.integrations.mlflow.client import MlflowClient as RestClient

BATCH = 1000


def metrics_of(batch: int, key: str) -> list[dict[str, Any]]:
    base = int(time.time() * 1000)
    return [
        {"key": key, "value": 1.0 / (step + 1), "timestamp": base + step, "step": step}
        for step in range(batch * BATCH, (batch + 1) * BATCH)
    ]


def report(name: str, seconds: list[float]) -> None:
    total = sum(seconds)
    print(
        f"{name:<28} p50 {percentile(seconds, 50) * 1000:7.1f} ms"
        f"  p95 {percentile(seconds, 95) * 1000:7.1f} ms"
        f"  {len(seconds) * BATCH / total:9,.0f} metrics/s"
    )


async def timed(calls: list[Callable[[], Awaitable[None]]]) -> list[float]:
    seconds = []
    for call in calls:
        started = time.perf_counter()
        await call()
        seconds.append(time.perf_counter() - started)
    return seconds


async def measure(url: str, batches: int) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        runs = [await mlflow_run(http) for _ in range(3)]
    rest = RestClient(Settings(mlflow_tracking_uri=url))
    try:
        rest_times = await timed(
            [
                (lambda b=b: rest.log_batch(runs[0], metrics=metrics_of(b, "loss")))
                for b in range(batches)
            ]
        )
    finally:
        await rest.close()

    os.environ["MLFLOW_TRACKING_URI"] = url
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=url)

    def entities(batch: int) -> list[Metric]:
        return [
            Metric(m["key"], m["value"], m["timestamp"], m["step"])
            for m in metrics_of(batch, "loss")
        ]

    threaded = await timed(
        [
            (lambda b=b: asyncio.to_thread(client.log_batch, runs[1], metrics=entities(b)))
            for b in range(batches)
        ]
    )
    direct: list[float] = []
    for b in range(batches):
        metrics = entities(b)
        started = time.perf_counter()
        client.log_batch(runs[2], metrics=metrics)
        direct.append(time.perf_counter() - started)

    print(f"{batches} batches of {BATCH} metrics each, one run per client")
    report("httpx (the mirror)", rest_times)
    report("MlflowClient in a thread", threaded)
    report("MlflowClient, blocking", direct)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--mlflow-url", help="an MLflow server to use instead of starting one")
    args = parser.parse_args()
    print(machine_line())
    if args.mlflow_url:
        asyncio.run(measure(args.mlflow_url, args.batches))
        return 0
    with MlflowServer(backend_uri="sqlite:///mlflow.db") as server:
        asyncio.run(measure(server.base_url, args.batches))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
