"""The body read timeout (slow clients): while a request body is being read, each chunk
must arrive within ``EXPSVC_HTTP_BODY_TIMEOUT_SECONDS``.

The clock runs only while the application waits for the body (never while it works, and
never once the body is complete: a streamed response waiting for a disconnect is not
timed). On timeout the client gets ``408 Request Timeout`` with ``Connection: close`` (if no
answer was started) and the application sees the client as gone (``http.disconnect``),
so an upload in progress is aborted as for any client going away. Whatever the
application sends afterwards is dropped. The header timeout is uvicorn's side
(``app/http_protocol.py``).
"""

from __future__ import annotations

import asyncio
import contextlib

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import RequestTimeout

_ERROR = RequestTimeout("request body not received in time")
_BODY = orjson.dumps({"error": {"code": _ERROR.code, "message": _ERROR.message, "details": {}}})


class BodyReadTimeout:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_pending = True
        started = False
        timed_out = False

        async def timed_receive() -> Message:
            nonlocal body_pending, timed_out
            if not body_pending or timed_out:
                return await receive() if not timed_out else {"type": "http.disconnect"}
            try:
                async with asyncio.timeout(self.seconds):
                    message = await receive()
            except TimeoutError:
                timed_out = True
                if not started:
                    await _send_timeout(send)
                return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_pending = False
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if timed_out:
                return  # the connection is closing; the client has its 408
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, timed_receive, guarded_send)
        except Exception:
            if not timed_out:
                raise  # after a timeout, the application's failure to read is expected


async def _send_timeout(send: Send) -> None:
    with contextlib.suppress(Exception):  # the client may be gone already
        await send(
            {
                "type": "http.response.start",
                "status": _ERROR.http_status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(_BODY)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": _BODY})
