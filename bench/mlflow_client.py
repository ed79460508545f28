"""MLflow's Python client or its REST API over httpx: which sends metric batches faster?

Both send the same ``--batches`` batches of 1,000 metrics (MLflow's per-call limit) to one
run of a real MLflow tracking server (``mlflow server``, SQLite store, through uvx):

* ``httpx``: ``app.integrations.mlflow.client.MlflowClient.log_batch`` (what the mirror
  uses), one pooled async connection, awaited one after the other like the mirror;
* ``MlflowClient``: ``mlflow.tracking.MlflowClient().log_batch`` from ``mlflow-skinny``
  (synchronous, requests), called from a worker thread as an async service would have to,
  and directly (no thread) for reference.

The three take turns batch by batch. Prints per-call p50/p95, metrics/s and the client's
own CPU time per batch (building and encoding the request: what the choice of client
changes; the server's write time dominates the wall clock and is the same for all).
Run from the repository root:

    .tools/bin/uv run --with mlflow-skinny==3.17.2 python bench/mlflow_client.py
"""

from __future__ import annotations

import argparse
import asyncio
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


def report(name: str, seconds: list[float], cpu: list[float]) -> None:
    total = sum(seconds)
    print(
        f"{name:<26} p50 {percentile(seconds, 50) * 1000:7.1f} ms"
        f"  p95 {percentile(seconds, 95) * 1000:7.1f} ms"
        f"  {len(seconds) * BATCH / total:7,.0f} metrics/s"
        f"  client CPU {sum(cpu) / len(cpu) * 1000:5.2f} ms/batch"
    )


async def measure(url: str, batches: int) -> None:
    """The three clients take turns, batch by batch, so a change in the machine's load
    or in the server's speed over the run hits all three alike."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        runs = [await mlflow_run(http) for _ in range(3)]
    rest = RestClient(Settings(mlflow_tracking_uri=url))
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=url)

    def entities(metrics: list[dict[str, Any]]) -> list[Metric]:
        return [Metric(m["key"], m["value"], m["timestamp"], m["step"]) for m in metrics]

    async def with_httpx(metrics: list[dict[str, Any]]) -> None:
        await rest.log_batch(runs[0], metrics=metrics)

    async def in_thread(metrics: list[dict[str, Any]]) -> None:
        await asyncio.to_thread(client.log_batch, runs[1], metrics=entities(metrics))

    async def blocking(metrics: list[dict[str, Any]]) -> None:
        client.log_batch(runs[2], metrics=entities(metrics))

    ways: dict[str, Callable[[list[dict[str, Any]]], Awaitable[None]]] = {
        "httpx (the mirror)": with_httpx,
        "MlflowClient in a thread": in_thread,
        "MlflowClient, blocking": blocking,
    }
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    cpu: dict[str, list[float]] = {name: [] for name in ways}
    try:
        for batch in range(batches):
            metrics = metrics_of(batch, "loss")
            for name, send in ways.items():
                wall, used = time.perf_counter(), time.process_time()
                await send(metrics)
                cpu[name].append(time.process_time() - used)
                seconds[name].append(time.perf_counter() - wall)
    finally:
        await rest.close()
    print(f"{batches} batches of {BATCH} metrics each, the clients taking turns, one run each")
    for name in ways:
        report(name, seconds[name], cpu[name])


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
