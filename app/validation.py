"""Turning untrusted input into typed data, with field errors in the contract's shape.

Also the rules every text and time must pass whatever field it arrives in (one place, used
by ``parse`` for every REST body and query and every GraphQL input, and by the services
for their plain arguments):

- no text may hold a NUL or a lone surrogate: PostgreSQL cannot store either;
- a name (a single-line label: experiment name, model, tag, title…) may not hold control
  characters nor the bidirectional controls that make a name display as another;
- a time must still be a time once converted to UTC (``9999-12-31T23:59:59-14:00`` is not);
- an integer bound for a 64-bit column must fit in one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import orjson
from pydantic import AfterValidator, BaseModel
from pydantic import ValidationError as PydanticValidationError

from app.errors import ValidationFailed

M = TypeVar("M", bound=BaseModel)

_SNAKE_PART = re.compile(r"_([a-z0-9])")

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Characters that reorder what follows them on screen (Trojan Source): refused in names
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})

UNSTORABLE_MESSAGE = "must not contain NUL characters or unpaired surrogates"
NAME_MESSAGE = "must not contain control or bidirectional formatting characters"


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a NUL, a lone surrogate), or None."""
    return UNSTORABLE_MESSAGE if _UNSTORABLE.search(value) else None


def name_problem(value: str) -> str | None:
    """Why ``value`` is not a valid single-line name, or None (lengths are the caller's)."""
    problem = text_problem(value)
    if problem is None and any(
        c in BIDI_CONTROLS or unicodedata.category(c) in _CONTROL_CATEGORIES for c in value
    ):
        return NAME_MESSAGE
    return problem


def check_texts(**fields: str | None) -> None:
    """``VALIDATION_FAILED`` naming each of ``fields`` (field → value) that cannot be stored."""
    errors = {
        field: problem
        for field, value in fields.items()
        if value is not None and (problem := text_problem(value)) is not None
    }
    if errors:
        raise ValidationFailed(errors)


# An idempotency key of a metric or log batch: a retry with it is answered, not written again
MAX_BATCH_ID = 128
BATCH_ID_MESSAGE = f"must be a string of 1-{MAX_BATCH_ID} characters"


def check_batch_id(batch_id: object) -> None:
    """``VALIDATION_FAILED`` on ``batchId`` unless ``batch_id`` is None (no key) or a string
    of 1-``MAX_BATCH_ID`` characters that can be stored. The use cases call it first, so a
    refused key claims nothing; a REST edge hands over the JSON value as it came."""
    if batch_id is None:
        return
    if not isinstance(batch_id, str) or not 1 <= len(batch_id) <= MAX_BATCH_ID:
        raise ValidationFailed({"batchId": BATCH_ID_MESSAGE})
    check_texts(batchId=batch_id)


def _unstorable(data: Any, loc: tuple[int | str, ...]) -> Iterator[tuple[int | str, ...]]:
    if isinstance(data, str):
        if _UNSTORABLE.search(data):
            yield loc
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and _UNSTORABLE.search(key):
                yield (*loc, key)
            yield from _unstorable(value, (*loc, key))
    elif isinstance(data, list | tuple):
        for index, item in enumerate(data):
            yield from _unstorable(item, (*loc, index))


def unstorable_fields(data: Any, prefix: str = "") -> dict[str, str]:
    """Every text in ``data`` (keys too, at any depth) that cannot be stored, by field path."""
    return {field_path(loc, prefix): UNSTORABLE_MESSAGE for loc in _unstorable(data, ())}


def utc_time(value: datetime) -> datetime:
    """``value`` in UTC (a naive one is taken as UTC); ``ValueError`` if out of range there."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range once converted to UTC") from None


# A time as an input field: parsed by pydantic, then converted to UTC (or refused)
UtcDateTime = Annotated[datetime, AfterValidator(utc_time)]


def camel(name: str) -> str:
    """``max_duration_minutes`` → ``maxDurationMinutes`` (GraphQL's spelling of a field)."""
    return _SNAKE_PART.sub(lambda m: m.group(1).upper(), name)


def field_path(loc: Iterable[int | str], prefix: str = "") -> str:
    parts = [prefix] if prefix else []
    parts.extend(camel(str(part)) for part in loc)
    return ".".join(parts) or "input"


def field_errors(exc: PydanticValidationError, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        path = field_path(error["loc"], prefix)
        errors.setdefault(path, str(error["msg"]))
    return errors


def parse(model: type[M], data: Any, *, prefix: str = "") -> M:
    """Validate ``data`` into ``model`` or raise ``VALIDATION_FAILED`` naming each field.

    A text that cannot be stored (``text_problem``) is refused wherever it is, keys of JSON
    documents included.
    """
    unstorable = unstorable_fields(data, prefix)
    if unstorable:
        raise ValidationFailed(unstorable)
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationFailed(field_errors(exc, prefix)) from None


def json_size(document: Any) -> int:
    return len(orjson.dumps(document))


# The longest search text a list takes
MAX_SEARCH = 200


def check_search_and_first(search: str | None, first: int, *, max_first: int) -> None:
    """A list's ``first`` (0-``max_first``) and ``search`` (at most ``MAX_SEARCH``
    characters, storable text): ``VALIDATION_FAILED`` naming each bad one."""
    errors: dict[str, str] = {}
    if not 0 <= first <= max_first:
        errors["first"] = f"must be 0-{max_first}"
    if search is not None:
        if len(search) > MAX_SEARCH:
            errors["search"] = f"at most {MAX_SEARCH} characters"
        elif problem := text_problem(search):
            errors["search"] = problem
    if errors:
        raise ValidationFailed(errors)


def like_pattern(text: str) -> str:
    """A ``LIKE`` pattern matching ``text`` anywhere in a value (its ``\\``, ``%`` and ``_``
    escaped with ``\\``): how a list's ``search`` is matched."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
