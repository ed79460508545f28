"""Custom scalars: ``BigInt`` (64-bit integers as JSON numbers). JSON and DateTime are built in."""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from graphql import IntValueNode, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

BigInt = NewType("BigInt", int)

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _to_int64(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("BigInt cannot represent a boolean")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, int):
        raise ValueError(f"BigInt cannot represent {value!r}")
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError("BigInt is outside the 64-bit range")
    return value


def _parse_literal(node: ValueNode, _variables: Any = None) -> int:
    if isinstance(node, IntValueNode | StringValueNode):
        return _to_int64(node.value)
    raise ValueError("BigInt literal must be an integer")


BIGINT_SCALAR: ScalarDefinition = strawberry.scalar(
    name="BigInt",
    description="A 64-bit integer, serialised as a JSON number (steps, byte sizes, counts).",
    serialize=_to_int64,
    parse_value=_to_int64,
    parse_literal=_parse_literal,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {BigInt: BIGINT_SCALAR}
