"""Calling the MLflow-compatible API as the ``mlflow`` client does: GETs with query
arguments, everything else with a JSON body, the bearer token in the header."""

from __future__ import annotations

from typing import Any

import httpx

from tests.rest.helpers import bearer

MLFLOW = "/api/2.0/mlflow"


async def call(
    client: httpx.AsyncClient, token: str | None, method: str, path: str, **args: Any
) -> httpx.Response:
    headers = bearer(token) if token else {}
    if method == "GET":
        return await client.get(MLFLOW + path, params=args, headers=headers)
    return await client.request(method, MLFLOW + path, json=args, headers=headers)


async def ok(client: httpx.AsyncClient, token: str, method: str, path: str, **args: Any) -> Any:
    response = await call(client, token, method, path, **args)
    assert response.status_code == 200, response.text
    return response.json()


async def refused(
    client: httpx.AsyncClient, token: str | None, method: str, path: str, **args: Any
) -> tuple[int, str]:
    """The status and MLflow ``error_code`` of a refusal (its shape checked on the way)."""
    response = await call(client, token, method, path, **args)
    body = response.json()
    assert set(body) == {"error_code", "message"}, body
    assert body["message"]
    return response.status_code, body["error_code"]


async def new_run(
    client: httpx.AsyncClient, token: str, experiment: str = "mlflow exp", **tags: str
) -> dict[str, Any]:
    found = await call(client, token, "GET", "/experiments/get-by-name", experiment_name=experiment)
    if found.status_code == 200:
        experiment_id = found.json()["experiment"]["experiment_id"]
    else:
        created = await ok(client, token, "POST", "/experiments/create", name=experiment)
        experiment_id = created["experiment_id"]
    answer = await ok(
        client,
        token,
        "POST",
        "/runs/create",
        experiment_id=experiment_id,
        run_name="run one",
        tags=[{"key": k, "value": v} for k, v in tags.items()],
    )
    run: dict[str, Any] = answer["run"]
    return run


def tags_of(run: dict[str, Any]) -> dict[str, str]:
    return {tag["key"]: tag["value"] for tag in run["data"].get("tags", [])}


def params_of(run: dict[str, Any]) -> dict[str, str]:
    return {p["key"]: p["value"] for p in run["data"].get("params", [])}
