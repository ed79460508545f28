"""Opaque keyset cursors: a short JSON list, base64url-encoded without padding.

A cursor names the last row of a page by its sort values; the next page is the rows
strictly after it. A cursor that does not decode to the expected shape is the caller's
``VALIDATION_FAILED`` on ``after``.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
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


@dataclass(frozen=True)
class TimeIdPosition:
    """A row's place in a (created_at, id) order: what the small per-parent lists (an
    experiment's API cost entries, its child runs) page by."""

    created_at: datetime
    id: uuid.UUID


def time_id_position(text: str) -> TimeIdPosition:
    created, ident = decode_cursor(text, 2)
    try:
        created_at = datetime.fromisoformat(str(created))
        if created_at.tzinfo is None:
            raise ValueError("naive time in cursor")
        return TimeIdPosition(created_at, uuid.UUID(str(ident)))
    except ValueError as exc:
        raise ValidationFailed({"after": "invalid cursor"}) from exc


def check_time_id_page(first: int, after: str | None, max_page: int) -> None:
    """``VALIDATION_FAILED`` for a page size out of range or a cursor that is not ours."""
    if not 0 <= first <= max_page:
        raise ValidationFailed({"first": f"must be 0-{max_page}"})
    if after:
        time_id_position(after)
