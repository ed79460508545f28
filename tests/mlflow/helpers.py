"""Reading an MLflow server back, and driving our service over REST, for the mirror tests."""

from __future__ import annotations

import math
import sys
from datetime import datetime
from typing import Any

import httpx

from app.mlflow_terms import millis

API = "/api/2.0/mlflow"


async def mlflow_get(mlflow: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
    answer = await mlflow.get(f"{API}/{path}", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def mlflow_run(mlflow: httpx.AsyncClient, run_id: str) -> dict[str, Any]:
    run: dict[str, Any] = (await mlflow_get(mlflow, "runs/get", run_id=run_id))["run"]
    return run


def tags(run: dict[str, Any]) -> dict[str, str]:
    return {tag["key"]: tag["value"] for tag in run["data"].get("tags", [])}


def params(run: dict[str, Any]) -> dict[str, str]:
    return {param["key"]: param["value"] for param in run["data"].get("params", [])}


async def history(mlflow: httpx.AsyncClient, run_id: str, key: str) -> list[tuple[int, Any, int]]:
    """Every (step, value, epoch ms) MLflow holds for ``key``, sorted; NaN as "NaN"."""
    points: list[tuple[int, Any, int]] = []
    token: str | None = None
    while True:
        query: dict[str, Any] = {"run_id": run_id, "metric_key": key, "max_results": 25000}
        if token:
            query["page_token"] = token
        page = await mlflow_get(mlflow, "metrics/get-history", **query)
        for metric in page.get("metrics", []):
            points.append(
                (int(metric.get("step", 0)), _value(metric["value"]), int(metric["timestamp"]))
            )
        token = page.get("next_page_token")
        if not token:
            return sorted(points, key=lambda point: (point[0], str(point[1])))


def _value(value: Any) -> Any:
    """MLflow's SQL store keeps +-Infinity as +-DBL_MAX (not every database holds inf)."""
    if isinstance(value, str):
        return value
    if math.isnan(value):
        return "NaN"
    if abs(value) == sys.float_info.max:
        return "Infinity" if value > 0 else "-Infinity"
    return value


async def post_batch(
    client: httpx.AsyncClient,
    token: str,
    experiment_id: Any,
    key: str,
    steps: list[int],
    values: list[Any],
) -> None:
    answer = await client.post(
        f"/api/v1/experiments/{experiment_id}/metrics/batch",
        json={"key": key, "steps": steps, "values": values},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"accepted": len(steps)}


async def our_history(
    client: httpx.AsyncClient, token: str, experiment_id: Any, key: str
) -> list[tuple[int, Any, int]]:
    """Our raw series of ``key`` as (step, value); REST spells NaN and ±Infinity as MLflow
    does ("NaN", "Infinity", "-Infinity")."""
    answer = await client.get(
        f"/api/v1/experiments/{experiment_id}/metrics",
        params={"key": key, "max_points": 10000},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert not body["downsampled"]
    return sorted(
        (
            (int(point["step"]), point["value"], millis(datetime.fromisoformat(point["timestamp"])))
            for point in body["points"]
        ),
        key=lambda point: (point[0], str(point[1])),
    )
