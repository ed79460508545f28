"""Converting a field's large arguments in a worker thread, so the event loop is not held.

Strawberry turns a field's arguments (graphql-core's coerced dicts) into its input
classes inside its resolver wrapper, before the Python resolver runs and with no hook in
front of it: ~15 µs an input object, so 150 ms of the event loop for the 10,000
``MetricPointInput`` of one ``logMetrics``. ``convert_large_arguments_in_threads`` wraps
the graphql-core resolver of the fields named: when a call's arguments hold more than
``INLINE_VARIABLE_ITEMS`` values, strawberry's whole resolver is called in a worker thread
(conversion, then the Python resolver) and what it returns is awaited on the loop.

That is only safe when the Python resolver does nothing but build and return an
awaitable: a plain function (``def``, not ``async def``) returning a coroutine, whose body
then runs on the loop. An ``async def`` resolver would not help either (calling it
converts nothing), so ``convert_large_arguments_in_threads`` refuses both at build time.
Small calls — nearly all — are resolved inline, exactly as before.

Relies on strawberry 0.341 keeping its ``StrawberryField`` under the graphql-core field's
``extensions["strawberry-definition"]`` and on its resolver wrapper being the graphql-core
field's ``resolve`` (replaced here).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterable
from typing import Any

from graphql import GraphQLField, GraphQLResolveInfo, GraphQLSchema
from strawberry.types.field import StrawberryField

from app.offload import more_values_than
from schema.engine.variable_coercion import INLINE_VARIABLE_ITEMS

Resolve = Callable[..., Any]


def _strawberry_field(field: GraphQLField) -> StrawberryField:
    definition = (field.extensions or {}).get("strawberry-definition")
    if not isinstance(definition, StrawberryField):
        raise TypeError("not a strawberry field")
    return definition


def _check_plain_resolver(coordinate: str, field: GraphQLField) -> None:
    definition = _strawberry_field(field)
    resolver = definition.base_resolver
    if resolver is None or inspect.iscoroutinefunction(resolver.wrapped_func):
        raise TypeError(
            f"{coordinate}: its resolver must be a plain function returning an awaitable "
            "(schema/engine/threaded_arguments.py)"
        )
    if definition.extensions:
        raise TypeError(f"{coordinate}: field extensions would run in the worker thread")


def in_thread_when_large(resolve: Resolve) -> Resolve:
    """``resolve``, called in a worker thread when its arguments hold many values."""

    async def resolve_large(source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        if more_values_than(args, INLINE_VARIABLE_ITEMS):
            result = await asyncio.to_thread(resolve, source, info, **args)
        else:
            result = resolve(source, info, **args)
        return await result if inspect.isawaitable(result) else result

    return resolve_large


def convert_large_arguments_in_threads(
    schema: GraphQLSchema, coordinates: Iterable[tuple[str, str]]
) -> None:
    """Wrap the resolvers of the fields at ``(type name, field name)`` with
    ``in_thread_when_large``."""
    for type_name, field_name in coordinates:
        parent = schema.get_type(type_name)
        fields = getattr(parent, "fields", None)
        if fields is None or field_name not in fields:
            raise KeyError(f"{type_name}.{field_name} is not in the schema")
        field: GraphQLField = fields[field_name]
        _check_plain_resolver(f"{type_name}.{field_name}", field)
        if field.resolve is None:
            raise TypeError(f"{type_name}.{field_name} has no resolver")
        field.resolve = in_thread_when_large(field.resolve)
