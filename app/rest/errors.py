"""One renderer for every REST failure: ``{"error": {"code", "message", "details"}}``.

Domain errors keep their code and HTTP status (``app/errors.py``); routing errors (unknown
path, wrong method) use the same envelope; anything unexpected is logged with its
traceback and reaches the client only as ``INTERNAL_SERVER_ERROR``.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, ExceptionHandler, Message, Receive, Scope, Send

from app.errors import INTERNAL_ERROR_CODE, DomainError, Unauthenticated
from app.rate_limits import retry_after_headers
from app.rest.responses import ORJSONResponse

log = logging.getLogger("expsvc.rest")

_UPPER = re.compile(r"(?<=[a-z0-9])([A-Z])")
# Keys below these fields are the caller's own document keys, kept as written
_DOCUMENT_FIELDS = frozenset({"hyperparams", "config"})
_HTTP_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
}


def snake(segment: str) -> str:
    """``gpuCount`` → ``gpu_count``."""
    return _UPPER.sub(lambda m: "_" + m.group(1).lower(), segment)


def snake_path(path: str) -> str:
    """``resources.gpuCount`` → ``resources.gpu_count``; document keys stay as written."""
    head, dot, rest = path.partition(".")
    if snake(head) in _DOCUMENT_FIELDS:
        return snake(head) + dot + rest
    return ".".join(snake(part) for part in path.split("."))


def rest_details(details: dict[str, Any]) -> dict[str, Any]:
    fields = details.get("fields")
    if not isinstance(fields, dict):
        return details
    return {**details, "fields": {snake_path(str(k)): v for k, v in fields.items()}}


def _plain(value: Any) -> Any:
    """``value`` as data orjson always serialises: other values become their ``str``."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | float | str):
        return value
    if isinstance(value, int) and -(2**63) <= value < 2**64:
        return value
    return str(value)


def envelope(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    try:
        return ORJSONResponse({"error": error}, status_code=status, headers=headers)
    except TypeError:  # details orjson cannot serialise (a huge int, an object): as text
        error["details"] = _plain(details)
        return ORJSONResponse({"error": error}, status_code=status, headers=headers)


def error_response(exc: DomainError) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
    headers = headers or retry_after_headers(exc)
    return envelope(exc.http_status, exc.code, exc.message, rest_details(exc.details), headers)


def internal_error_response() -> Response:
    return envelope(500, INTERNAL_ERROR_CODE, "Internal server error")


async def _domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code = _HTTP_CODES.get(status) or HTTPStatus(status).name
    details: dict[str, Any] = {}
    if status == 404:
        message = f"no route for {request.url.path}"
    elif status == 405:
        message = f"method {request.method} not allowed on {request.url.path}"
        allow = (exc.headers or {}).get("Allow", "")
        details["allowed"] = [m.strip() for m in allow.split(",") if m.strip()]
    else:
        message = exc.detail
    return envelope(status, code, message, details, dict(exc.headers or {}))


EXCEPTION_HANDLERS: dict[Any, ExceptionHandler] = {
    DomainError: _domain_error,
    HTTPException: _http_error,
}


class CatchAllMiddleware:
    """The last line: an unexpected exception becomes a logged 500 in the envelope.

    Unlike Starlette's ``ServerErrorMiddleware`` it does not re-raise once it has answered,
    so the traceback is logged once, here, and never reaches the client.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except ClientDisconnect:
            return
        except Exception:
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await internal_error_response()(scope, receive, send)
