"""Opaque keyset cursors: a short JSON list, base64url-encoded without padding.

A cursor names the last row of a page by its sort values; the next page is the rows
strictly after it. A cursor that does not decode to the expected shape is the caller's
``VALIDATION_FAILED`` on ``after``.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import orjson

from app.errors import ValidationFailed


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values))).decode().rstrip("=")


def decode_cursor(text: str, length: int) -> list[Any]:
    """The ``length`` values ``encode_cursor`` wrote; ``VALIDATION_FAILED`` otherwise."""
    try:
        values = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, TypeError):
        values = None
    if not isinstance(values, list) or len(values) != length:
        raise ValidationFailed({"after": "invalid cursor"})
    return values
