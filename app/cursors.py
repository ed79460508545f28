"""Opaque keyset cursors: a short JSON list, base64url-encoded without padding.

A cursor names the last row of a page by its sort values; the next page is the rows
strictly after it. A cursor that does not decode to the expected shape is the caller's
``VALIDATION_FAILED`` on ``after``.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson

from app.errors import ValidationFailed

T = TypeVar("T")


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    """One page of a keyset-paginated list: its rows, each row's cursor (to go on after
    it), whether rows follow, and how many match in all."""

    items: list[T]
    cursors: list[str]
    has_next_page: bool
    total_count: int

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


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
