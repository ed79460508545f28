"""Turning untrusted input into typed data, with field errors in the contract's shape."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from app.errors import ValidationFailed

M = TypeVar("M", bound=BaseModel)

_SNAKE_PART = re.compile(r"_([a-z0-9])")


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
    """Validate ``data`` into ``model`` or raise ``VALIDATION_FAILED`` naming each field."""
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationFailed(field_errors(exc, prefix)) from None


def json_size(document: Any) -> int:
    return len(orjson.dumps(document))
