"""Metric routes: one point, a batch (row, columnar or a list of those), and history.

The batch bodies are read and parsed here (not by a model): they come in several shapes
and the hot path parses them in one pass with orjson.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import Field

from app.errors import Forbidden, InvalidTransition, ValidationFailed
from app.experiments.service import get_experiment
from app.floats import spelled
from app.metrics import service as metrics
from app.metrics.batch import KEY_RE, MAX_STEP, parse_batch, parse_columns
from app.metrics.history import MAX_POINTS_CAP, Series, columns_of
from app.metrics.rules import STATISTICS, summary_statistics
from app.metrics.workflows import ingest_batch
from app.models import MetricSeries
from app.models.base import utcnow
from app.offload import sized_by
from app.rate_limits import RouteClass
from app.request_body import read_body
from app.rest.body import BATCH_ID, QueryModel
from app.rest.endpoints import Call, Endpoint

NUMBER_OR_SPECIAL: dict[str, Any] = {
    "oneOf": [{"type": "number"}, {"type": "string", "enum": ["NaN", "Infinity", "-Infinity"]}]
}
TIMESTAMP: dict[str, Any] = {
    "oneOf": [
        {"type": "string", "format": "date-time"},
        {"type": "integer", "description": "epoch milliseconds"},
    ]
}
KEY: dict[str, Any] = {"type": "string", "pattern": KEY_RE.pattern}
STEP: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": MAX_STEP}
POINT: dict[str, Any] = {
    "type": "object",
    "required": ["key", "value", "step"],
    "properties": {
        "key": KEY,
        "value": NUMBER_OR_SPECIAL,
        "step": STEP,
        "timestamp": TIMESTAMP,
    },
}
ROWS: dict[str, Any] = {
    "type": "object",
    "required": ["points"],
    "properties": {"points": {"type": "array", "items": POINT}, "batch_id": BATCH_ID},
}
COLUMNS: dict[str, Any] = {
    "type": "object",
    "required": ["key", "steps", "values"],
    "properties": {
        "key": KEY,
        "steps": {"type": "array", "items": STEP},
        "values": {"type": "array", "items": NUMBER_OR_SPECIAL},
        "timestamps": {"type": "array", "items": TIMESTAMP},
        "batch_id": BATCH_ID,
    },
}
DOCUMENTS: dict[str, Any] = {"type": "array", "items": {"oneOf": [ROWS, COLUMNS]}}
BATCH: dict[str, Any] = {
    "oneOf": [
        ROWS,
        COLUMNS,
        DOCUMENTS,
        {
            "type": "object",
            "description": "Several documents under one batch_id (columnar, one per key)",
            "required": ["batches"],
            "additionalProperties": False,
            "properties": {"batches": DOCUMENTS, "batch_id": BATCH_ID},
        },
    ]
}
ACCEPTED: dict[str, Any] = {
    "type": "object",
    "required": ["accepted"],
    "properties": {"accepted": {"type": "integer"}},
}
SUMMARY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "key": {"type": "string"},
        "last": {"oneOf": [*NUMBER_OR_SPECIAL["oneOf"], {"type": "null"}]},
        "last_step": {"type": ["integer", "null"]},
        "count": {"type": "integer"},
        **{
            name: {"type": ["number", "null"], "description": description}
            for name, description in STATISTICS.items()
        },
    },
}
HISTORY: dict[str, Any] = {
    "oneOf": [
        {
            "type": "object",
            "required": ["key", "points", "total_points", "downsampled"],
            "properties": {
                "key": {"type": "string"},
                "points": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "step": {"type": "integer"},
                            "value": NUMBER_OR_SPECIAL,
                            "timestamp": {"type": "string", "format": "date-time"},
                        },
                    },
                },
                "total_points": {"type": "integer"},
                "downsampled": {"type": "boolean"},
            },
        },
        {
            "type": "object",
            "required": ["summaries"],
            "properties": {"summaries": {"type": "array", "items": SUMMARY}},
        },
    ]
}


class MetricHistoryQuery(QueryModel):
    key: str | None = Field(default=None, min_length=1, max_length=250)
    max_points: int = Field(default=1000, ge=1, le=MAX_POINTS_CAP)
    step_from: int | None = Field(default=None, ge=0, le=MAX_STEP)
    step_to: int | None = Field(default=None, ge=0, le=MAX_STEP)


async def _ingest(call: Call, body: Any) -> dict[str, int]:
    experiment_id = call.path_id()
    now, limit = utcnow(), call.settings.metrics_max_batch_points
    parsed = parse_columns(body, now=now, limit=limit)
    if parsed is None:
        parsed = await sized_by(body, parse_batch, body, now=now, limit=limit)
    batch, batch_id = parsed
    await call.charge_ingest(len(batch))
    result = await ingest_batch(
        call.services, actor=call.actor, experiment_id=experiment_id, batch=batch, batch_id=batch_id
    )
    return {"accepted": result.accepted}


async def _json_body(call: Call) -> Any:
    raw = await read_body(call.request, call.settings.max_request_bytes)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ValidationFailed({"body": f"malformed JSON: {exc}"}) from None


async def post_metric(call: Call) -> Any:
    body = await _json_body(call)
    if not isinstance(body, dict) or "points" in body or "steps" in body:
        raise ValidationFailed(
            {"body": "one point {key, value, step, timestamp?}; use /metrics/batch for several"}
        )
    return await _ingest(call, body)


async def post_metrics_batch(call: Call) -> Any:
    return await _ingest(call, await _json_body(call))


def _summary_json(row: MetricSeries) -> dict[str, Any]:
    statistics = summary_statistics(row)
    if statistics["last"] is not None:
        statistics["last"] = spelled(statistics["last"])
    return {"key": row.key, **statistics}


def _series_json(series: Series) -> dict[str, Any]:
    return {
        "key": series.key,
        "points": [
            {"step": step, "value": spelled(value), "timestamp": stamp}
            for step, value, stamp in zip(*columns_of(series.points), strict=True)
        ],
        "total_points": series.total_points,
        "downsampled": series.downsampled,
    }


async def get_metrics(call: Call) -> Any:
    query = call.query_as(MetricHistoryQuery)
    experiment_id = call.path_id()
    async with call.services.db.reader() as session:
        if query.key is None:
            rows = await metrics.summaries(
                session, actor=call.actor, experiment_id=experiment_id, store=call.services.metrics
            )
            return {"summaries": [_summary_json(row) for row in rows]}
        await get_experiment(session, actor=call.actor, experiment_id=experiment_id)
        series = await metrics.series_of(
            session,
            experiment_id=experiment_id,
            key=query.key,
            max_points=query.max_points,
            step_from=query.step_from,
            step_to=query.step_to,
            store=call.services.metrics,
        )
    return _series_json(series)


_INGEST_ERRORS = (Forbidden, InvalidTransition)

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST",
        "/experiments/{id}/metrics",
        post_metric,
        "Log one metric point (RUNNING only)",
        rate=RouteClass.INGEST,
        request_schema=POINT,
        response_schema=ACCEPTED,
        status_code=202,
        errors=_INGEST_ERRORS,
        tags=("metrics",),
        response_description="Accepted",
    ),
    Endpoint(
        "POST",
        "/experiments/{id}/metrics/batch",
        post_metrics_batch,
        "Log a batch of metric points: all or nothing; a repeated batch_id is a no-op",
        rate=RouteClass.INGEST,
        request_schema=BATCH,
        response_schema=ACCEPTED,
        status_code=202,
        errors=_INGEST_ERRORS,
        tags=("metrics",),
        response_description="Accepted",
        description="Rows `{points: [...]}`, columnar `{key, steps, values, timestamps?}`, or "
        "a list of those. Values may be the strings NaN, Infinity, -Infinity; timestamps "
        "ISO-8601 or epoch milliseconds (default: time received).",
    ),
    Endpoint(
        "GET",
        "/experiments/{id}/metrics",
        get_metrics,
        "One metric's history (with key, downsampled to max_points) or all summaries",
        query_model=MetricHistoryQuery,
        response_schema=HISTORY,
        tags=("metrics",),
    ),
]
