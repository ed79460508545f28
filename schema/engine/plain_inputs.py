"""A cheap conversion for input types of plain values, sent by the thousand.

Strawberry turns each input object of an argument into its class field by field, asking
each field for its type (~100 µs an object): for the 10,000 ``MetricPointInput`` of one
``logMetrics`` that is about a second on the event loop. ``plain_input`` gives such a
class strawberry's ``from_input`` hook (``StrawberryObjectDefinition.from_input``), which
builds the object from the coerced values in one call. Only for classes whose fields are
all scalars or enums: graphql-core has already coerced those values, so there is nothing
left to convert.

Relies on strawberry 0.341's ``StrawberryObjectDefinition.from_input`` hook, its
``NameConverter`` (the GraphQL names of the fields) and ``InputContext``. The hook is
process-wide (it lives on the class): ``use_plain_inputs`` sets or clears it on every
class ``plain_input`` marked, as the last schema built says (``schema/build.py``); both
ways give the same objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from strawberry.schema.name_converter import NameConverter
from strawberry.types.arguments import InputContext
from strawberry.types.base import StrawberryObjectDefinition

T = TypeVar("T", bound=type)


_MARKED: list[type] = []


def plain_input(cls: T) -> T:
    """Mark the strawberry input class ``cls`` (fields of scalars and enums only) for a
    ``from_input`` that passes the coerced values straight to it (set by
    ``use_plain_inputs``)."""
    _MARKED.append(cls)
    return cls


def _from_input(cls: type) -> Callable[[type, Mapping[str, Any], InputContext], Any]:
    definition: StrawberryObjectDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    names = NameConverter()
    fields = tuple((names.from_field(field), field.python_name) for field in definition.fields)

    def from_input(target: type, value: Mapping[str, Any], _context: InputContext) -> Any:
        return target(**{python: value[name] for name, python in fields if name in value})

    return from_input


def use_plain_inputs(enabled: bool) -> None:
    """Give every marked class its ``from_input`` hook, or take it away (strawberry's
    own conversion then)."""
    for cls in _MARKED:
        definition: StrawberryObjectDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        definition.from_input = _from_input(cls) if enabled else None
