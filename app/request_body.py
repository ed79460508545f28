"""The request-size rule shared by every edge (REST, GraphQL over HTTP): a body over
``EXPSVC_MAX_REQUEST_BYTES`` is ``PAYLOAD_TOO_LARGE``, known from ``Content-Length`` up
front or counted while it streams in (chunked bodies too) — never buffered whole first."""

from __future__ import annotations

from starlette.requests import Request

from app.errors import PayloadTooLarge


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"request body is over {limit} bytes", details={"limit_bytes": limit})


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused as soon as it is known to be over ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large(limit)
    return bytes(body)
