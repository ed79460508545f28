"""Health, readiness, Prometheus metrics, the access log and request ids, GraphQL metrics."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import strawberry
import structlog
from prometheus_client import REGISTRY
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route

from app.config import Settings
from app.logging import configure_logging, get_logger
from app.main import create_app
from app.observability import ObservabilityMiddleware, install_observability, route_template
from app.services import Services
from schema.build import build_schema
from schema.observability import OperationMetrics, OperationNames
from tests.pg import TEST_REDIS_ENV

HTTP_COUNT = "expsvc_http_requests_total"
GRAPHQL_COUNT = "expsvc_graphql_operations_total"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@asynccontextmanager
async def app_client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@asynccontextmanager
async def other_app(settings: Settings, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A second app on changed settings; its services are closed afterwards."""
    changed = settings.model_copy(update=changes)
    services = Services.from_settings(changed)
    try:
        async with app_client(create_app(changed, services)) as client:
            yield client
    finally:
        await services.close()
        configure_logging(settings)


# --- health and readiness -------------------------------------------------------------


async def test_healthz_answers_ok_without_io(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_database_ok_and_broker_not_configured(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "broker": "not configured"},
    }


async def test_readyz_is_unavailable_when_the_database_cannot_be_opened(settings, tmp_path):
    # A directory is no SQLite file: the engine is created, every connection fails.
    async with other_app(settings, database_url=f"sqlite+aiosqlite:///{tmp_path}") as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"] == "not configured"
    assert "unable to open database file" in body["checks"]["database"]


async def test_readyz_is_unavailable_when_redis_is_unreachable(settings):
    async with other_app(settings, redis_url="redis://127.0.0.1:1/0") as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("ConnectionError")


if os.environ.get(TEST_REDIS_ENV):  # only where a real Redis is given (CI sets it)

    async def test_readyz_reports_a_live_redis_as_ok(settings, redis_url):
        async with other_app(settings, redis_url=redis_url) as client:
            response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


# --- metrics --------------------------------------------------------------------------


async def test_metrics_count_requests_by_route(client):
    labels = {"method": "POST", "route": "/graphql", "status": "200"}
    before = sample(HTTP_COUNT, **labels)
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 200

    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'expsvc_http_requests_total{method="POST",route="/graphql",status="200"}' in (
        metrics.text
    )
    assert "expsvc_http_request_duration_seconds_bucket" in metrics.text
    assert sample(HTTP_COUNT, **labels) == before + 1


async def ok_endpoint(_request: Request) -> Response:
    return PlainTextResponse("ok")


def mounted_app() -> Starlette:
    """Routes shaped like the REST API's: a mount with a path parameter inside."""
    app = Starlette(
        routes=[
            Route("/ping", ok_endpoint),
            Mount("/api/v1", routes=[Route("/experiments/{id}", ok_endpoint)]),
        ]
    )
    install_observability(app)
    return app


async def test_route_label_is_the_template_not_the_raw_path():
    template = {"route": "/api/v1/experiments/{id}"}
    before_ok = sample(HTTP_COUNT, method="GET", status="200", **template)
    before_405 = sample(HTTP_COUNT, method="POST", status="405", **template)
    before_404 = sample(HTTP_COUNT, method="GET", route="unmatched", status="404")
    async with app_client(mounted_app()) as client:
        assert (await client.get("/api/v1/experiments/abc-123")).status_code == 200
        assert (await client.get("/api/v1/experiments/def-456")).status_code == 200
        assert (await client.post("/api/v1/experiments/abc-123")).status_code == 405
        assert (await client.get("/no/such/path")).status_code == 404
    assert sample(HTTP_COUNT, method="GET", status="200", **template) == before_ok + 2
    assert sample(HTTP_COUNT, method="POST", status="405", **template) == before_405 + 1
    assert sample(HTTP_COUNT, method="GET", route="unmatched", status="404") == before_404 + 1
    assert sample(HTTP_COUNT, method="GET", route="/api/v1/experiments/abc-123", status="200") == 0


def test_route_template_follows_mounts_and_leaves_unknown_paths_unmatched():
    routes = mounted_app().routes

    def scope(path: str, method: str = "GET") -> dict[str, Any]:
        return {"type": "http", "path": path, "method": method, "root_path": ""}

    assert route_template(routes, scope("/api/v1/experiments/x")) == "/api/v1/experiments/{id}"
    assert route_template(routes, scope("/ping")) == "/ping"
    assert route_template(routes, scope("/api/v1/nothing")) is None
    assert route_template(routes, scope("/elsewhere")) is None


# --- request ids and the access log ---------------------------------------------------


async def test_request_id_is_echoed(client):
    response = await client.get("/healthz", headers={"X-Request-ID": "trace-abc.123"})
    assert response.headers["x-request-id"] == "trace-abc.123"


async def test_request_id_is_generated_when_missing_or_unsafe(client):
    generated = (await client.get("/healthz")).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    unsafe = await client.get("/healthz", headers={"X-Request-ID": "a b {c}"})
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["x-request-id"])


async def test_one_access_log_line_per_request_with_its_request_id(client):
    processors = [structlog.contextvars.merge_contextvars]
    with structlog.testing.capture_logs(processors=processors) as entries:
        await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"X-Request-ID": "req-1"}
        )
        await client.get("/healthz")
    lines = [entry for entry in entries if entry["event"] == "request"]
    assert len(lines) == 2
    graphql, health = lines
    assert graphql["log_level"] == "info"
    assert graphql["request_id"] == "req-1"
    assert graphql["method"] == "POST"
    assert graphql["route"] == graphql["path"] == "/graphql"
    assert graphql["status"] == 200
    assert graphql["duration_ms"] >= 0
    assert health["log_level"] == "debug"
    assert "request_id" not in structlog.contextvars.get_contextvars()


# --- the middleware at the ASGI level -------------------------------------------------


async def test_websockets_pass_through_untouched():
    seen: list[tuple[Any, Any, Any]] = []

    async def inner(scope, receive, send):
        seen.append((scope, receive, send))

    async def receive():
        return {}

    async def send(_message):
        return None

    scope = {"type": "websocket", "path": "/graphql", "headers": []}
    await ObservabilityMiddleware(inner, routes=[])(scope, receive, send)
    assert seen == [(scope, receive, send)]


async def test_streamed_body_is_forwarded_chunk_by_chunk():
    async def streaming(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"a", "more_body": True})
        await send({"type": "http.response.body", "body": b"b", "more_body": False})

    sent: list[dict[str, Any]] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": "/x", "root_path": "", "headers": []}
    await ObservabilityMiddleware(streaming, routes=[])(scope, receive, send)
    assert [m.get("body") for m in sent] == [None, b"a", b"b"]
    assert any(name == b"x-request-id" for name, _ in sent[0]["headers"])


async def test_a_crash_before_the_response_counts_as_500():
    async def crashing(scope, receive, send):
        raise RuntimeError("boom")

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(_message):
        return None

    labels = {"method": "GET", "route": "unmatched", "status": "500"}
    before = sample(HTTP_COUNT, **labels)
    scope = {"type": "http", "method": "GET", "path": "/x", "root_path": "", "headers": []}
    with pytest.raises(RuntimeError):
        await ObservabilityMiddleware(crashing, routes=[])(scope, receive, send)
    assert sample(HTTP_COUNT, **labels) == before + 1


# --- logging --------------------------------------------------------------------------


def stderr_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if type(h).__name__ == "_StderrHandler"]


def test_configure_logging_twice_keeps_one_handler(settings):
    configure_logging(settings)
    configure_logging(settings)
    assert len(stderr_handlers()) == 1


def test_json_logs_share_one_format_for_structlog_and_stdlib(settings, capsys):
    configure_logging(settings.model_copy(update={"log_json": True}))
    try:
        with structlog.contextvars.bound_contextvars(request_id="rid-7"):
            get_logger("expsvc.test").info("from structlog", answer=42)
            logging.getLogger("some.library").warning("from %s", "stdlib")
    finally:
        configure_logging(settings)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    ours, theirs = lines[-2:]
    assert ours["event"] == "from structlog" and ours["answer"] == 42
    assert theirs["event"] == "from stdlib" and theirs["logger"] == "some.library"
    for line in (ours, theirs):
        assert line["request_id"] == "rid-7"
        assert line["timestamp"].endswith("Z")
    assert ours["level"] == "info" and theirs["level"] == "warning"


# --- GraphQL operation metrics --------------------------------------------------------


@strawberry.type
class ProbeQuery:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


Execute = Callable[[str], Awaitable[None]]


@pytest.fixture
def execute(settings, client) -> Execute:
    """Runs a document through the real app once OperationMetrics is in the schema,
    else through a small local schema that has it."""
    if OperationMetrics in build_schema(settings).extensions:

        async def through_app(query: str) -> None:
            await client.post("/graphql", json={"query": query})

        return through_app
    local = strawberry.Schema(query=ProbeQuery, extensions=[OperationMetrics])

    async def through_local(query: str) -> None:
        await local.execute(query)

    return through_local


async def test_graphql_operations_are_counted_by_name_and_outcome(execute):
    ok = {"operation": "ObsProbe", "type": "query", "outcome": "ok"}
    error = {"operation": "ObsBroken", "type": "query", "outcome": "error"}
    before_ok, before_error = sample(GRAPHQL_COUNT, **ok), sample(GRAPHQL_COUNT, **error)
    await execute("query ObsProbe { __typename }")
    await execute("query ObsBroken { noSuchField }")
    assert sample(GRAPHQL_COUNT, **ok) == before_ok + 1
    assert sample(GRAPHQL_COUNT, **error) == before_error + 1
    duration = "expsvc_graphql_operation_duration_seconds_count"
    assert sample(duration, operation="ObsProbe", type="query") >= 1


async def test_unparsable_graphql_counts_as_an_unknown_error(execute):
    labels = {"operation": "anonymous", "type": "unknown", "outcome": "error"}
    before = sample(GRAPHQL_COUNT, **labels)
    await execute("{ not graphql")
    assert sample(GRAPHQL_COUNT, **labels) == before + 1


def test_operation_names_are_bounded():
    names = OperationNames(limit=2)
    assert names.label(None) == "anonymous"
    assert names.label("x" * 65) == "invalid"
    assert names.label("has-dash") == "invalid"
    assert names.label("9lives") == "invalid"
    assert names.label("First") == "First"
    assert names.label("Second") == "Second"
    assert names.label("Third") == "other"
    assert names.label("First") == "First"
