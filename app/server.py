"""uvicorn's options for ``expsvc serve``, from our settings.

- the HTTP protocol is httptools with a header read timeout (``app/http_protocol.py``);
  the body read timeout is an ASGI middleware (``app/read_timeouts.py``), so it holds
  under any server;
- a websocket message over ``EXPSVC_MAX_REQUEST_BYTES`` is refused by uvicorn before it
  is buffered (close 1009);
- on SIGTERM, open requests and websockets get ``EXPSVC_SHUTDOWN_GRACE_SECONDS``, then
  are cancelled and the process exits;
- logging is ours (``app/logging.py``), and so is the access log (``app/observability.py``):
  uvicorn's is off, which also spares it formatting each request's line for a logger set
  to drop it.
"""

from __future__ import annotations

from typing import Any

from app.config import Settings
from app.http_protocol import header_timeout_protocol


def server_options(settings: Settings) -> dict[str, Any]:
    return {
        "log_config": None,
        "access_log": False,
        "http": header_timeout_protocol(settings.http_header_timeout_seconds),
        "ws_max_size": settings.max_request_bytes,
        "ws_per_message_deflate": settings.ws_per_message_deflate,
        "timeout_graceful_shutdown": settings.shutdown_grace_seconds,
    }
