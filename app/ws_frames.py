"""Writing an encoded websocket text message straight to uvicorn's transport.

A live batch goes to thousands of subscribers as the same bytes but for the operation id.
The ASGI way (``websocket.send`` → uvicorn's protocol → websockets' framing →
``transport.write``) needs an awaiting task per subscriber and frames in Python each time;
``text_frame`` frames once and ``FrameWriter.write`` writes synchronously, so the broker's
fan-out can send without waking anyone (``schema/engine/live_delivery.py``).

This is the one place that reaches past the ASGI interface, into uvicorn's protocol
objects (pinned by ``uv.lock``: uvicorn 0.54 with websockets 17; the ``websockets-sansio``
protocol, uvicorn's default). ``tests/live/test_in_place_delivery.py`` holds it to the
behaviour. It only writes when it knows exactly what it writes to:

- the server is uvicorn with ``WebSocketsSansIOProtocol`` (``ServerSend`` notes the
  protocol object behind the server's ``send`` for each websocket scope; any other server
  or protocol, or a middleware wrapping ``send`` before it, gives no writer);
- the connection is open, the handshake done, no close sent, no extension negotiated
  (permessage-deflate would make the bytes per connection), no fragmented message under
  way and nothing buffered in the protocol;
- the transport is not paused: once its buffer is over the high-water mark, ``write``
  declines, and the caller takes the ordinary path, which waits for the socket — so a
  slow client's buffer never grows past one message over the mark.

Otherwise ``write`` returns False and nothing was written. Server frames are not masked,
so the frame of a message is its header and its UTF-8 bytes, whoever receives it.
"""

from __future__ import annotations

import struct
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import OPEN

SCOPE_KEY = "expsvc.ws_protocol"


class ServerSend:
    """ASGI middleware: for a websocket, note in the scope the uvicorn protocol object the
    server's ``send`` belongs to (only a known protocol; otherwise nothing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            protocol = getattr(send, "__self__", None)
            if type(protocol) is WebSocketsSansIOProtocol and send == protocol.send:
                scope[SCOPE_KEY] = protocol
        await self.app(scope, receive, send)


def text_frame(data: bytes) -> bytes:
    """An unmasked, final text frame holding ``data`` (RFC 6455 §5.2)."""
    length = len(data)
    if length < 126:
        return struct.pack("!BB", 0x81, length) + data
    if length < 65536:
        return struct.pack("!BBH", 0x81, 126, length) + data
    return struct.pack("!BBQ", 0x81, 127, length) + data


class FrameWriter:
    """Writes whole text messages to one uvicorn websocket connection, when it safely can."""

    __slots__ = ("protocol",)

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self.protocol = protocol

    def write(self, frame: bytes) -> bool:
        """Write a whole message's frame (``text_frame``) now: True if written."""
        protocol = self.protocol
        conn: Any = protocol.conn
        if (
            protocol.close_sent
            or protocol.disconnected
            or not protocol.handshake_complete
            or not protocol.writable.is_set()
            or protocol.transport.is_closing()
            or conn.state is not OPEN
            or conn.extensions
            or conn.expect_continuation_frame
            or conn.writes
        ):
            return False
        protocol.transport.write(frame)
        return True


def frame_writer(scope: Scope) -> FrameWriter | None:
    """A writer for the websocket of ``scope`` if it runs on a known protocol without
    extensions (ask after the handshake, when extensions are settled)."""
    protocol = scope.get(SCOPE_KEY)
    if not isinstance(protocol, WebSocketsSansIOProtocol) or protocol.conn.extensions:
        return None
    return FrameWriter(protocol)
