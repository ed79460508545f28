"""Sending a shared live event straight to a subscriber's websocket.

A live batch is executed and encoded once per process for each subscription shape
(``schema/shared_events.py``): only the operation id differs between the messages its
subscribers get. Going through graphql-core's per-event execution and strawberry's result
handling and message building for each of them would still cost ~150 µs per subscriber,
so 2,000 Run Monitors made one 10-point batch take ~0.4 s of CPU. So:

- the websocket handlers (``schema/websockets.py``) run each operation with its
  ``Outlet`` in a context variable: the operation's id, its protocol's message type and
  the socket;
- a subscription resolver makes a ``DirectDelivery`` once (``direct_delivery(info)``);
  for each shared event it first offers the event to it: when the event's result for
  this subscription's shape is already known (a subscriber of the same shape went the
  usual way first), the message is that result's encoded payload with this operation's
  id, written to the socket, and the resolver does not yield the event. Otherwise (first
  of its shape, an event of the caller's own, no websocket) it yields as usual.

The resolver's generator is resumed only after the previous message was sent, so each
subscriber's messages stay in order whichever way they go.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.types import Info

from schema.shared_events import RESULTS, encoded_payload, shape_key


@dataclass(frozen=True, slots=True)
class Outlet:
    """Where one websocket operation's messages go."""

    socket: WebSocket
    head: str  # '{"id":"<id>","type":"next"' — the message up to its payload
    closed: Callable[[], bool]  # the operation already sent its last message

    async def send(self, payload: str) -> None:
        if self.closed():
            return
        try:
            await self.socket.send_text(f'{self.head},"payload":{payload}}}')
        except WebSocketDisconnect:
            return  # the handler sees the disconnect and ends the operation


_outlet: ContextVar[Outlet | None] = ContextVar("live_outlet", default=None)


def serve_operation(
    websocket: Any, operation_id: str, message_type: str, closed: Callable[[], bool]
) -> None:
    """Called by a websocket handler at the start of an operation's task: the messages of
    this operation may be sent directly (an ASGI websocket only)."""
    if isinstance(websocket, ASGIWebSocketAdapter):
        ident = orjson.dumps(operation_id).decode()
        head = f'{{"id":{ident},"type":"{message_type}"'
        _outlet.set(Outlet(websocket.ws, head, closed))


class DirectDelivery:
    """A subscription's way to send shared events without yielding them."""

    __slots__ = ("key", "outlet")

    def __init__(self, outlet: Outlet | None, key: tuple[object, ...] | None) -> None:
        self.outlet = outlet
        self.key = key

    async def send(self, event: object) -> bool:
        """True if the event went straight to the socket (the caller must not yield it)."""
        if self.outlet is None or self.key is None:
            return False
        results: dict[object, Any] | None = getattr(event, RESULTS, None)
        result = None if results is None else results.get(self.key)
        if result is None:
            return False
        await self.outlet.send(encoded_payload(result.data))
        return True


def direct_delivery(info: Info) -> DirectDelivery:
    """For the subscription being resolved (made once, at its start)."""
    outlet = _outlet.get()
    if outlet is None:
        return DirectDelivery(None, None)
    return DirectDelivery(outlet, shape_key(info.operation, info.variable_values))
