"""MLflow's ``runs/*`` and ``metrics/get-history`` endpoints, each a call of one use case in
``tracking`` (``runs/search`` is in ``search_routes``)."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

import orjson

from app.metrics import service as metrics
from app.mlflow_api import tracking
from app.mlflow_api.app import MlflowEndpoint
from app.mlflow_api.call import MlflowCall, invalid
from app.mlflow_api.shapes import metric_json
from app.rate_limits import RouteClass

MAX_HISTORY_PAGE = 25_000  # what the mlflow client asks for per page


async def _run_answer(call: MlflowCall, run_id: uuid.UUID) -> dict[str, Any]:
    return await tracking.get_run(call.services, actor=call.actor, run_id=run_id)


async def create_run(call: MlflowCall) -> Any:
    row = await tracking.create_run(
        call.services,
        actor=call.actor,
        experiment_id=call.text("experiment_id", required=False) or "0",
        run_name=call.text("run_name", required=False),
        tags=tracking.run_tags(call.items("tags")),
    )
    return {"run": await _run_answer(call, row.id)}


async def get_run(call: MlflowCall) -> Any:
    return {"run": await _run_answer(call, call.run_id())}


async def update_run(call: MlflowCall) -> Any:
    row = await tracking.update_run(
        call.services,
        actor=call.actor,
        run_id=call.run_id(),
        status=call.text("status", required=False),
        run_name=call.text("run_name", required=False),
    )
    return {"run_info": (await _run_answer(call, row.id))["info"]}


async def _log(
    call: MlflowCall,
    metrics: list[dict[str, Any]] | None = None,
    params: dict[str, str] | None = None,
    tags: dict[str, str] | None = None,
) -> Any:
    """Every logging route is one ``tracking.log_batch`` of what it carries."""
    await tracking.log_batch(
        call.services,
        actor=call.actor,
        run_id=call.run_id(),
        metrics_items=metrics or [],
        params=params or {},
        tags=tags or {},
    )
    return {}


async def log_batch(call: MlflowCall) -> Any:
    await call.charge_ingest(len(call.items("metrics")))
    return await _log(
        call,
        call.items("metrics"),
        tracking.run_params(call.items("params")),
        tracking.run_tags(call.items("tags")),
    )


async def log_metric(call: MlflowCall) -> Any:
    await call.charge_ingest(1)
    return await _log(call, [{n: call.args.get(n) for n in ("key", "value", "timestamp", "step")}])


def _pair(call: MlflowCall) -> dict[str, Any]:
    return {"key": call.args.get("key"), "value": call.args.get("value", "")}


async def log_parameter(call: MlflowCall) -> Any:
    return await _log(call, params=tracking.run_params([_pair(call)]))


async def set_tag(call: MlflowCall) -> Any:
    return await _log(call, tags=tracking.run_tags([_pair(call)]))


async def delete_tag(call: MlflowCall) -> Any:
    key = call.required_text("key")
    await tracking.delete_tag(call.services, actor=call.actor, run_id=call.run_id(), key=key)
    return {}


async def delete_run(call: MlflowCall) -> Any:
    await tracking.set_deleted(call.services, actor=call.actor, run_id=call.run_id(), deleted=True)
    return {}


async def restore_run(call: MlflowCall) -> Any:
    await tracking.set_deleted(call.services, actor=call.actor, run_id=call.run_id(), deleted=False)
    return {}


def _decode_token(token: str | None) -> tuple[int, int]:
    if not token:
        return (0, 0)
    try:
        step, skip = orjson.loads(base64.urlsafe_b64decode(token.encode()))
        return (int(step), int(skip))
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise invalid(f"Invalid page token {token!r}") from None


def _encode_token(after: tuple[int, int]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(after))).decode()


async def get_metric_history(call: MlflowCall) -> Any:
    key = call.required_text("metric_key")
    limit = call.integer("max_results", MAX_HISTORY_PAGE) or MAX_HISTORY_PAGE
    if not 1 <= limit <= MAX_HISTORY_PAGE:
        raise invalid(f"max_results must be 1-{MAX_HISTORY_PAGE}")
    async with call.services.db.reader() as session:
        page = await metrics.raw_points(
            session,
            actor=call.actor,
            experiment_id=call.run_id(),
            key=key,
            after=_decode_token(call.text("page_token", required=False)),
            limit=limit,
            store=call.services.metrics,
        )
    answer: dict[str, Any] = {
        "metrics": [
            metric_json(key, point.value, point.timestamp, point.step) for point in page.points
        ]
    }
    if page.next is not None:
        answer["next_page_token"] = _encode_token(page.next)
    return answer


ENDPOINTS: list[MlflowEndpoint] = [
    MlflowEndpoint("POST", "/runs/create", create_run),
    MlflowEndpoint("GET", "/runs/get", get_run),
    MlflowEndpoint("POST", "/runs/update", update_run),
    MlflowEndpoint("POST", "/runs/log-batch", log_batch, rate=RouteClass.INGEST),
    MlflowEndpoint("POST", "/runs/log-metric", log_metric, rate=RouteClass.INGEST),
    MlflowEndpoint("POST", "/runs/log-parameter", log_parameter),
    MlflowEndpoint("POST", "/runs/set-tag", set_tag),
    MlflowEndpoint("POST", "/runs/delete-tag", delete_tag),
    MlflowEndpoint("POST", "/runs/delete", delete_run),
    MlflowEndpoint("POST", "/runs/restore", restore_run),
    MlflowEndpoint("GET", "/metrics/get-history", get_metric_history),
]
