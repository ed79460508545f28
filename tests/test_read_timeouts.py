"""The body read timeout times only the wait for a body still to come."""

from __future__ import annotations

import asyncio
from typing import Any

from app.read_timeouts import BodyReadTimeout

SCOPE = {"type": "http", "method": "POST", "path": "/", "headers": []}


def recorder() -> tuple[list[dict[str, Any]], Any]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    return sent, send


async def answering_app(scope: Any, receive: Any, send: Any) -> None:
    """Reads the body, answers, then waits for the client to go (as a streamed answer
    does): that last wait is the client's business, not a body read."""
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
    assert (await receive())["type"] == "http.disconnect"


async def test_waiting_after_the_body_is_not_timed() -> None:
    messages = [{"type": "http.request", "body": b"x", "more_body": False}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.sleep(0.3)  # longer than the timeout
        return {"type": "http.disconnect"}

    sent, send = recorder()
    await BodyReadTimeout(answering_app, seconds=0.05)(SCOPE, receive, send)
    assert [m.get("status") for m in sent] == [200, None]


async def test_a_stalled_body_is_answered_408_and_the_app_sees_a_disconnect() -> None:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((await receive())["type"])
        seen.append((await receive())["type"])  # the body stalls here
        await send({"type": "http.response.start", "status": 400, "headers": []})
        raise RuntimeError("what an app may do when its client is gone")

    first = [{"type": "http.request", "body": b"x", "more_body": True}]

    async def receive() -> dict[str, Any]:
        if first:
            return first.pop(0)
        await asyncio.sleep(10)
        raise AssertionError("not reached")

    sent, send = recorder()
    await BodyReadTimeout(app, seconds=0.05)(SCOPE, receive, send)
    assert seen == ["http.request", "http.disconnect"]
    assert [m.get("status") for m in sent] == [408, None]  # the app's 400 is dropped
    assert (b"connection", b"close") in sent[0]["headers"]
