"""GraphQL inputs converted to the services' typed inputs (each domain's inputs are in its
package, e.g. ``schema/experiments/inputs.py``)."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel

import schema.enums  # noqa: F401  (registers SortField as ExperimentSortField first)
from app.validation import parse

M = TypeVar("M", bound=BaseModel)


def to_plain(value: Any) -> Any:
    """A strawberry input as plain data, leaving out fields the client did not send."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: to_plain(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if getattr(value, field.name) is not strawberry.UNSET
        }
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    if isinstance(value, Enum):
        return value
    return value


def to_model(model: type[M], value: Any, *, prefix: str = "input") -> M:
    return parse(model, to_plain(value), prefix=prefix)
