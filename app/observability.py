"""Health, readiness and Prometheus metrics, and the middleware that feeds them.

``/healthz`` says the process is alive (no I/O); ``/readyz`` checks the database and, when
one is configured, Redis; ``/metrics`` is the Prometheus exposition of the global
registry. The middleware counts and times every HTTP request by its *route template*
(``/api/v1/experiments/{id}``, never the raw path, so label cardinality stays bounded) and
writes one access-log line per request, tagged with a request id.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

import redis.asyncio as aioredis
import structlog
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Host, Match, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.db import Database
from app.logging import get_logger

HTTP_REQUESTS = Counter(
    "expsvc_http_requests",
    "HTTP requests handled, by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "expsvc_http_request_duration_seconds",
    "Time from the request's arrival to the end of its response body.",
    ["method", "route"],
)

UNMATCHED = "unmatched"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")

DATABASE_TIMEOUT = 2.0
BROKER_TIMEOUT = 1.0
NOT_CONFIGURED = "not configured"
MAX_ERROR_LENGTH = 200

access_log = get_logger("expsvc.access")
log = get_logger("expsvc.observability")


# --- health, readiness, metrics -------------------------------------------------------


class Probed(Protocol):
    """What the readiness probe checks of the running app (the composition root's
    ``Services``, ``app/services.py``, is one)."""

    db: Database
    settings: Settings


def short_error(error: BaseException) -> str:
    """``Type: first line of the message``, cut to a length fit for a JSON answer."""
    lines = str(error).strip().splitlines()
    message = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return message[:MAX_ERROR_LENGTH]


async def run_check(check: Callable[[], Awaitable[None]], seconds: float) -> str:
    """``"ok"``, or a short description of why ``check`` failed or took over ``seconds``."""
    try:
        async with asyncio.timeout(seconds):
            await check()
    except TimeoutError:
        return f"timed out after {seconds:g}s"
    except Exception as error:
        return short_error(error)
    return "ok"


async def ping_database(db: Database) -> None:
    async with db.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def ping_redis(url: str) -> None:
    """One PING on a fresh client (no retries), closed afterwards."""
    client = aioredis.from_url(
        url,
        socket_connect_timeout=BROKER_TIMEOUT,
        socket_timeout=BROKER_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        await client.ping()
    finally:
        await client.aclose()


async def check_broker(redis_url: str) -> str:
    if not redis_url:
        return NOT_CONFIGURED
    return await run_check(lambda: ping_redis(redis_url), BROKER_TIMEOUT)


async def readiness(services: Probed) -> dict[str, str]:
    """Run the checks concurrently: ``{"database": ..., "broker": ...}``."""
    database, broker = await asyncio.gather(
        run_check(lambda: ping_database(services.db), DATABASE_TIMEOUT),
        check_broker(services.settings.redis_url),
    )
    return {"database": database, "broker": broker}


def is_ready(checks: dict[str, str]) -> bool:
    return all(result in ("ok", NOT_CONFIGURED) for result in checks.values())


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def metrics(request: Request) -> Response:
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encoder(REGISTRY), media_type=content_type)


def health_routes(services: Probed) -> list[BaseRoute]:
    """``/healthz``, ``/readyz`` and ``/metrics``, to mount at the application's root."""

    async def readyz(_request: Request) -> Response:
        checks = await readiness(services)
        if is_ready(checks):
            return JSONResponse({"status": "ready", "checks": checks})
        log.warning("not ready", checks=checks)
        return JSONResponse({"status": "unavailable", "checks": checks}, status_code=503)

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]


# --- route templates ------------------------------------------------------------------


def route_template(routes: Sequence[BaseRoute], scope: Scope) -> str | None:
    """The template of the route Starlette's router would pick for ``scope``, or None.

    Like the router: the first full match wins, else the first partial one (a known path
    with the wrong method); mounts are followed into their own routes.
    """
    partial: str | None = None
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is Match.NONE:
            continue
        template = _template_of(route, {**scope, **child_scope})
        if match is Match.FULL:
            return template
        partial = partial or template
    return partial


def _template_of(route: BaseRoute, scope: Scope) -> str | None:
    prefix = route.path if isinstance(route, Route | Mount) else ""
    if not isinstance(route, Mount | Host):
        return prefix
    if not route.routes:  # an opaque mounted app: its paths stay below one label
        return prefix + "/{path:path}"
    inner = route_template(route.routes, scope)
    return None if inner is None else prefix + inner


# --- the middleware -------------------------------------------------------------------


def incoming_request_id(scope: Scope) -> str | None:
    """The client's ``X-Request-ID`` if it is a sane token (no log injection)."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            return candidate if REQUEST_ID_PATTERN.fullmatch(candidate) else None
    return None


def method_label(method: str) -> str:
    return method if method in KNOWN_METHODS else "OTHER"


def record_request(scope: Scope, route: str, status: int, seconds: float) -> None:
    """Count, time and access-log one finished HTTP request."""
    method = method_label(scope["method"])
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_REQUEST_DURATION.labels(method, route).observe(seconds)
    level = logging.INFO
    if route in QUIET_ROUTES:
        level = logging.DEBUG
    elif status >= 500:
        level = logging.WARNING
    access_log.log(
        level,
        "request",
        method=scope["method"],
        route=route,
        path=scope["path"],
        status=status,
        duration_ms=round(seconds * 1000, 2),
    )


class ObservabilityMiddleware:
    """Pure ASGI: streams pass through unbuffered, websockets and lifespan untouched."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = route_template(self.routes, scope) or UNMATCHED
        request_id = incoming_request_id(scope) or uuid.uuid4().hex
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            await self.observe(scope, receive, send, route, request_id)

    async def observe(
        self, scope: Scope, receive: Receive, send: Send, route: str, request_id: str
    ) -> None:
        status = 500  # unless a response starts, the request failed
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            record_request(scope, route, status, time.perf_counter() - started)


def install_observability(app: Starlette) -> None:
    """Add the metrics and access-log middleware (before the app starts)."""
    app.add_middleware(ObservabilityMiddleware, routes=app.routes)
