"""Sending a shared live event straight to a subscriber's websocket.

A live batch is executed and encoded once per process for each subscription shape
(``schema/engine/shared_events.py``): only the operation id differs between the messages its
subscribers get. Going through graphql-core's per-event execution and strawberry's result
handling and message building for each of them would still cost ~150 µs per subscriber,
so 2,000 Run Monitors made one 10-point batch take ~0.4 s of CPU. So:

- the websocket handlers (``schema/engine/websockets.py``) run each operation with its
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

Sending still wakes each subscriber's task. So, on uvicorn's known websocket protocol
(``app/ws_frames.py``), the resolvers of ``runMonitor`` and ``metricPoints`` also hand
their feed a sink (``DirectDelivery.sink``): while the feed waits for the broker with
nothing queued, a live batch whose result for this shape is known is written by the
broker's fan-out itself — framed and written synchronously, no task woken
(``MetricFeed.take``). The sink declines (and the batch is queued, then goes one of the
ways above) when the result is not known yet, the operation is over, or the socket cannot
take it now: a paused transport (a slow client) means the queue, its bound and
``SUBSCRIPTION_LAGGED`` apply as they always did.

Relies on strawberry's ``ASGIWebSocketAdapter.ws`` (the Starlette websocket behind the
handler's adapter) and on its handlers calling ``run_operation`` /
``handle_async_results`` in the operation's own task; a speed trick, so with the tricks
off no ``Outlet`` is named and every event takes strawberry's path.
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

from app.live.feed import SharedMemo
from app.live.metrics import PointsSink, SharedPoints
from app.ws_frames import FrameWriter, frame_writer, text_frame
from schema.engine.shared_events import RESULTS, encoded_payload, shape_key


@dataclass(frozen=True, slots=True)
class Outlet:
    """Where one websocket operation's messages go."""

    socket: WebSocket
    head: str  # '{"id":"<id>","type":"next"' — the message up to its payload
    closed: Callable[[], bool]  # the operation already sent its last message
    writer: FrameWriter | None  # writes now, from any task (a known server protocol only)
    head_bytes: bytes  # head, encoded
    sent: Callable[[], None] | None  # tells the connection's handler a message went out

    async def send(self, payload: str) -> None:
        if self.closed():
            return
        try:
            await self.socket.send_text(f'{self.head},"payload":{payload}}}')
        except WebSocketDisconnect:
            return  # the handler sees the disconnect and ends the operation
        if self.sent is not None:
            self.sent()

    def write_now(self, payload: str) -> bool:
        """Write the message now, without awaiting (False: not written, not possible now)."""
        if self.writer is None or self.closed():
            return False
        if not self.writer.write(_frame(self.head_bytes, payload)):
            return False
        if self.sent is not None:
            self.sent()
        return True


# A shared payload's frames per message head (operation id and type): clients tend to
# use the same ids ("1"), so most subscribers of a batch share one frame. Only small
# frames are kept, for a few heads per payload (the memo holds the last few payloads).
_frames = SharedMemo()
FRAMES_KEPT_PER_PAYLOAD = 16
LARGEST_FRAME_KEPT = 16 * 1024


def _frame(head: bytes, payload: str) -> bytes:
    frames: dict[bytes, bytes] = _frames.get(payload, dict)
    frame = frames.get(head)
    if frame is None:
        tail = f',"payload":{payload}}}'.encode()
        frame = text_frame(head + tail)
        if len(frames) < FRAMES_KEPT_PER_PAYLOAD and len(frame) <= LARGEST_FRAME_KEPT:
            frames[head] = frame
    return frame


_outlet: ContextVar[Outlet | None] = ContextVar("live_outlet", default=None)


def serve_operation(
    websocket: Any,
    operation_id: str,
    message_type: str,
    closed: Callable[[], bool],
    sent: Callable[[], None] | None,
) -> None:
    """Called by a websocket handler at the start of an operation's task: the messages of
    this operation may be sent directly (an ASGI websocket only); ``sent`` is told of each
    message written in place (the handler's own sends it sees itself)."""
    if isinstance(websocket, ASGIWebSocketAdapter):
        ident = orjson.dumps(operation_id).decode()
        head = f'{{"id":{ident},"type":"{message_type}"'
        writer = frame_writer(websocket.ws.scope)
        _outlet.set(Outlet(websocket.ws, head, closed, writer, head.encode(), sent))


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

    def sink(self, make: Callable[[SharedPoints], object]) -> PointsSink | None:
        """For a metric feed: writes the event ``make`` builds from a live batch straight
        to the socket, from the broker's fan-out, when its result for this shape is known
        and the socket takes it now (None: this operation cannot be written to that way)."""
        outlet, key = self.outlet, self.key
        if outlet is None or key is None or outlet.writer is None:
            return None

        def send(points: SharedPoints) -> bool:
            results: dict[object, Any] | None = getattr(make(points), RESULTS, None)
            result = None if results is None else results.get(key)
            if result is None:
                return False
            return outlet.write_now(encoded_payload(result.data))

        return send


def direct_delivery(info: Info) -> DirectDelivery:
    """For the subscription being resolved (made once, at its start)."""
    outlet = _outlet.get()
    if outlet is None:
        return DirectDelivery(None, None)
    return DirectDelivery(outlet, shape_key(info.operation, info.variable_values))
