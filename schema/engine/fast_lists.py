"""A fast path for lists of plain objects: the same answer as graphql-core, built in one loop.

graphql-core completes a list of objects item by item and field by field: for each item
it collects the sub-selection, builds a ``Path`` and a ``GraphQLResolveInfo`` per field,
calls the resolver and completes the leaf — about 6 µs per field. A chart series of
75,000 points of three scalar fields is then most of a request (``docs/performance.md``,
"Compare").

``FastListExecutor.complete_list_value`` takes a shortcut only where it cannot change the
answer: a list (or tuple) whose items are of an object type with no ``is_type_of``, whose
*selected* fields (``collect_subfields``: fragments, aliases, ``@skip``/``@include``
already applied) are all

* ``__typename``, or
* plain strawberry attribute fields: no resolver, no field extensions (so no permission
  classes), no arguments, the default resolver ``getattr`` — with a scalar or enum type,

with no other directive on the field nodes (``@stream``, ``@defer``, ...) and no schema
extension hooking ``resolve`` (no middleware). Each item becomes
``{response key: type.coerce_output_value(getattr(item, python name))}`` — the calls the
normal path makes, minus its per-field bookkeeping.

A list may also be given as ``Columns`` (attribute → values, and how to make one item):
graphql-core iterates it as the objects it describes; the fast path coerces each selected
column once — memoized on the ``Columns``, so a list kept between requests (a kept
series answer, ``app.metrics.batched``) is coerced once — and zips the rows, with the
same checks per value as for objects; when they fail, the objects are made and completed
as above.

Anything the normal path would turn into an error or treat specially — a ``None`` (or
``Undefined``) item or value where the type is non-null, an awaitable or an exception as
an item or value, a coercion that raises or returns ``None`` — abandons the shortcut for
that whole list, and graphql-core completes it from scratch, so errors (message, path,
locations, null propagation) are exactly graphql-core's. Reading plain attributes twice
is harmless.

Relies on graphql-core 3.3's ``Executor.complete_list_value`` and ``collect_subfields``
(and ``FieldDetails``), its scalars' ``serialize_*`` functions, and on strawberry's
``GraphQLCoreConverter.DEFINITION_BACKREF`` and ``StrawberryField`` attributes
(``base_resolver``, ``default_resolver``, ``permission_classes``). The rows it builds
bypass ``complete_leaf_value``, so it counts them for the response size cap itself.
"""

from __future__ import annotations

import functools
import keyword
import math
import types
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

import orjson
from graphql import (
    GraphQLIncludeDirective,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSkipDirective,
    Undefined,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.pyutils import Path
from graphql.type import scalars
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.schema.types import base_scalars
from strawberry.types.field import StrawberryField

from schema import scalars as bigint
from schema.engine.response_size import SMALL_VALUE_BYTES, VALUE_OVERHEAD, ResponseSizeExecutor

# Evaluated while the sub-selection is collected; any other directive disables the path
_COLLECTION_DIRECTIVES = frozenset({GraphQLSkipDirective.name, GraphQLIncludeDirective.name})

_NO_PLAN = object()


@dataclass(frozen=True)
class _Field:
    key: str  # response key (alias or name)
    attribute: str | None  # python attribute; None for __typename
    coerce: Callable[[Any], Any] | None  # the leaf type's coerce_output_value
    non_null: bool
    typename: str | None = None


@dataclass
class _Plan:
    item_non_null: bool
    fields: tuple[_Field, ...]
    plain_types: set[type]  # classes of items and values known to be neither errors nor awaitable
    builder: Callable[[Any, Callable[[Any], bool]], list[Any] | None] | None = None
    rows: Callable[..., list[Any]] | None = None  # the rows of ``Columns``


class Columns(Sequence[Any]):
    """A list of objects given by columns: ``make(**{attribute: value, ...})`` is item
    ``i``. Iterated (graphql-core, other callers) it makes the objects, each time; the
    fast path reads the columns and memoizes each coerced column here."""

    __slots__ = ("_coerced", "_columns", "_length", "_make")

    def __init__(self, make: Callable[..., Any], columns: Mapping[str, Sequence[Any]]) -> None:
        lengths = {len(values) for values in columns.values()}
        if len(lengths) != 1:
            raise ValueError("columns of one length are needed")
        self._make = make
        self._columns = dict(columns)
        self._length = lengths.pop()
        self._coerced: dict[Hashable, Any] = {}

    def items(self) -> list[Any]:
        names = list(self._columns)
        return [
            self._make(**dict(zip(names, row, strict=True)))
            for row in zip(*self._columns.values(), strict=True)
        ]

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: Any) -> Any:
        return self.items()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items())

    def coerced(self, field: _Field, is_awaitable: Callable[[Any], bool]) -> list[Any] | None:
        """The column of ``field`` completed as the object path completes each value, or
        ``None`` where that path would give up (the column is missing, a null in a
        non-null field, a coercion that fails, an awaitable or an exception)."""
        key = (field.attribute, field.coerce, field.non_null)
        if key not in self._coerced:
            values = self._columns.get(field.attribute or "")
            column: list[Any] | None = None
            if values is not None:
                try:
                    column = _column_coercion(field)(values, is_awaitable)
                except Exception:
                    column = None
            if column is not None and len(column) != self._length:
                column = None
            self._coerced[key] = column
        found: list[Any] | None = self._coerced[key]
        return found


def _only_collection_directives(details: Iterable[FieldDetails]) -> bool:
    for detail in details:
        if detail.defer_usage is not None or detail.fragment_variable_values is not None:
            return False
        for directive in detail.node.directives or ():
            if directive.name.value not in _COLLECTION_DIRECTIVES:
                return False
    return True


def _plain_attribute(field_def: Any) -> str | None:
    """The python attribute a field reads, if it is a plain strawberry attribute field."""
    if field_def.args or field_def.subscribe is not None:
        return None
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField):
        return None
    if (
        definition.base_resolver is not None
        or definition.extensions
        or getattr(definition, "permission_classes", None)
        or definition.is_subscription
        or definition.default_resolver is not getattr
        or not getattr(field_def.resolve, "_is_default", False)
    ):
        return None
    return definition.python_name


def _is_plain(value: Any, is_awaitable: Callable[[Any], bool]) -> bool:
    """Whether graphql-core completes this value as it is: neither an exception (raised
    as the field's error) nor awaitable (awaited first). Decided once per class, except for
    generators (an iterable coroutine is a generator with a flag), which are never cached;
    ``await`` looks ``__await__`` up on the type, so the class decides the rest."""
    return not isinstance(value, BaseException) and not is_awaitable(value)


def _cacheable(cls: type) -> bool:
    return not issubclass(cls, types.GeneratorType)


class FastListExecutor(ResponseSizeExecutor):
    """Strawberry's execution context with the fast path for lists of plain objects."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fast_plans: dict[tuple[GraphQLOutputType, int], tuple[Any, object]] = {}

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: list[FieldDetails],
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self.too_large is not None:
            raise self.too_large
        if type(result) is Columns:
            plan = self._fast_plan(return_type, field_details_list)
            if plan is not None:
                built = _build_columns(plan, result, self.is_awaitable)
                if built is not None:
                    self.count_bytes(_rows_bytes(plan, built))
                    return built
            result = result.items()
        if type(result) is list or type(result) is tuple:
            plan = self._fast_plan(return_type, field_details_list)
            if plan is not None:
                built = _build(plan, result, self.is_awaitable)
                if built is not None:
                    self.count_bytes(_rows_bytes(plan, built))
                    return built
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _fast_plan(
        self, return_type: GraphQLList[GraphQLOutputType], field_details_list: list[FieldDetails]
    ) -> _Plan | None:
        # Memoized on the identity of the field group, like ``collect_subfields`` (which
        # keeps the list alive with its entry, so the id is not reused while cached).
        key = (return_type, id(field_details_list))
        cached = self._fast_plans.get(key)
        if cached is None:
            cached = (field_details_list, self._make_plan(return_type, field_details_list))
            self._fast_plans[key] = cached
        plan = cached[1]
        return None if plan is _NO_PLAN else plan  # type: ignore[return-value]

    def _make_plan(
        self, return_type: GraphQLList[GraphQLOutputType], field_details_list: list[FieldDetails]
    ) -> _Plan | object:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:
            return _NO_PLAN
        item_type = return_type.of_type
        item_non_null = is_non_null_type(item_type)
        object_type = get_nullable_type(item_type)
        if not is_object_type(object_type):
            return _NO_PLAN
        assert isinstance(object_type, GraphQLObjectType)
        if object_type.is_type_of is not None:
            return _NO_PLAN
        if not _only_collection_directives(field_details_list):
            return _NO_PLAN
        grouped, new_defer_usages, _forbidden = self.collect_subfields(
            object_type, field_details_list
        )
        if new_defer_usages or not grouped:
            return _NO_PLAN
        fields = []
        for response_key, details in grouped.items():
            if not _only_collection_directives(details):
                return _NO_PLAN
            node = details[0].node
            name = node.name.value
            if node.arguments or node.selection_set is not None:
                return _NO_PLAN
            if name == "__typename":
                fields.append(_Field(response_key, None, None, True, object_type.name))
                continue
            field_def = object_type.fields.get(name)
            if field_def is None:
                return _NO_PLAN
            attribute = _plain_attribute(field_def)
            field_type = field_def.type
            non_null = is_non_null_type(field_type)
            leaf = get_nullable_type(field_type)
            if attribute is None or not is_leaf_type(leaf):
                return _NO_PLAN
            fields.append(_Field(response_key, attribute, leaf.coerce_output_value, non_null))
        return _Plan(item_non_null, tuple(fields), set())


_STRING = scalars.GraphQLString.coerce_output_value


def _rows_bytes(plan: _Plan, rows: list[dict[str, Any]]) -> int:
    """About what rows built here add to the answer (their leaves bypass
    ``complete_leaf_value``): text columns by their length, any other value at a flat
    size."""
    text = [field.key for field in plan.fields if field.coerce is _STRING]
    size = len(rows) * (len(plan.fields) - len(text)) * SMALL_VALUE_BYTES
    for key in text:
        values = map(itemgetter(key), rows)
        size += sum(len(v) + VALUE_OVERHEAD if v is not None else 4 for v in values)
    return size


def _build(
    plan: _Plan, items: list[Any] | tuple[Any, ...], is_awaitable: Callable[[Any], bool]
) -> list[Any] | None:
    """The completed list, or ``None``: leave this list to graphql-core."""
    if plan.builder is None:
        plan.builder = _compile(plan)
    try:
        return plan.builder(items, is_awaitable)
    except Exception:
        return None


# The loop of one plan, written out (the per-field loop of a generic version costs as
# much as the coercions): for each item, each field read, checked and coerced in turn.
_ITEM = """\
def build(items, is_awaitable):
    completed = []
    append = completed.append
    for item in items:
        if item is None or item is Undefined:
            {on_null_item}
        if type(item) not in plain:
            if not is_plain(item, is_awaitable):
                return None
            if cacheable(type(item)):
                plain.add(type(item))
{fields}
        append({{{row}}})
    return completed
"""

_VALUE = """\
        v{n} = {read}
        if v{n} is None or v{n} is Undefined:
            {on_null}
        elif {as_is}:
            pass
        else:
            if type(v{n}) not in plain:
                if not is_plain(v{n}, is_awaitable):
                    return None
                if cacheable(type(v{n})):
                    plain.add(type(v{n}))
            v{n} = coerce{n}(v{n})
            if v{n} is None or v{n} is Undefined:
                return None
"""


# graphql-core's own output coercions return these values unchanged (an exact float is
# returned by ``float()`` as itself): a value of exactly that type is kept as it is,
# anything else goes through the coercion.
_AS_IS = {
    scalars.serialize_float: "type(v{n}) is float and isfinite(v{n})",
    scalars.serialize_int: (
        f"type(v{{n}}) is int and {scalars.GRAPHQL_MIN_INT} <= v{{n}} <= {scalars.GRAPHQL_MAX_INT}"
    ),
    scalars.serialize_string: "type(v{n}) is str",
    scalars.serialize_boolean: "type(v{n}) is bool",
    scalars.serialize_id: "type(v{n}) is str",
    # BigInt's own: an exact int in the 64-bit range is returned as it is
    bigint._to_int64: f"type(v{{n}}) is int and {bigint.INT64_MIN} <= v{{n}} <= {bigint.INT64_MAX}",
}


@functools.lru_cache(maxsize=512)
def _code(source: str) -> types.CodeType:
    """The compiled source of a generated function, shared by every request that asks for
    the same shape of list (a plan lives for one request; compiling its loop again cost
    ~1 ms a request). Only the source is cached: each plan executes it in a namespace of
    its own."""
    return compile(source, "<schema.engine.fast_lists>", "exec")


def _compile(plan: _Plan) -> Callable[[Any, Callable[[Any], bool]], list[Any] | None]:
    """The plan's loop as a function. Only reprs of strings (response keys, attribute
    names) reach the source; an attribute that is not an identifier is read by
    ``getattr``."""
    namespace: dict[str, Any] = {
        "Undefined": Undefined,
        "plain": plan.plain_types,
        "is_plain": _is_plain,
        "cacheable": _cacheable,
        "isfinite": math.isfinite,
    }
    reads, row = [], []
    for n, field in enumerate(plan.fields):
        if field.attribute is None:
            row.append(f"{field.key!r}: {field.typename!r}")
            continue
        attribute = field.attribute
        plain_name = attribute.isidentifier() and not keyword.iskeyword(attribute)
        read = f"item.{attribute}" if plain_name else f"getattr(item, {attribute!r})"
        on_null = "return None" if field.non_null else f"v{n} = None"
        namespace[f"coerce{n}"] = field.coerce
        as_is = _AS_IS.get(field.coerce, "False").format(n=n)  # type: ignore[arg-type]
        reads.append(_VALUE.format(n=n, read=read, on_null=on_null, as_is=as_is))
        row.append(f"{field.key!r}: v{n}")
    on_null_item = "return None" if plan.item_non_null else "append(None)\n            continue"
    source = _ITEM.format(on_null_item=on_null_item, fields="".join(reads), row=", ".join(row))
    exec(_code(source), namespace)
    builder: Callable[[Any, Callable[[Any], bool]], list[Any] | None] = namespace["build"]
    return builder


# One column completed value by value: the object loop's per-value code (``_VALUE``)
_COLUMN = """\
def coerce_column(values, is_awaitable):
    completed = []
    append = completed.append
    for v0 in values:
{value}
        append(v0)
    return completed
"""

_COLUMN_COERCIONS: dict[tuple[Any, bool], Callable[[Any, Callable[[Any], bool]], Any]] = {}


def _datetimes_at_once(
    generic: Callable[[Any, Callable[[Any], bool]], Any],
) -> Callable[[Any, Callable[[Any], bool]], Any]:
    """A column of ``datetime``s serialised by orjson in one call: its RFC 3339 text is
    what ``isoformat()`` (strawberry's DateTime) gives, offset and microseconds alike
    (tests/schema/test_fast_lists.py holds them to it), at a fraction of the cost of a
    Python call per value. Anything else in the column takes the per-value path."""

    def coerce_column(values: Sequence[Any], is_awaitable: Callable[[Any], bool]) -> Any:
        if set(map(type, values)) == {datetime}:  # (a C loop; empty lists go generic)
            return orjson.loads(orjson.dumps(values))
        return generic(values, is_awaitable)

    return coerce_column


def _finite_floats(values: Sequence[Any]) -> bool:
    # a sum is NaN or infinite if any value is (or on overflow, which takes the slow path)
    if set(map(type, values)) != {float}:
        return False
    total = sum(values)
    return bool(total - total == 0.0)


def _ints_within(low: int, high: int) -> Callable[[Sequence[Any]], bool]:
    def check(values: Sequence[Any]) -> bool:
        return set(map(type, values)) == {int} and low <= min(values) and max(values) <= high

    return check


def _all_of(kind: type) -> Callable[[Sequence[Any]], bool]:
    def check(values: Sequence[Any]) -> bool:
        return set(map(type, values)) == {kind}

    return check


# Whole-column forms of ``_AS_IS``: true when every value of a column would be kept as it
# is, checked with C loops (``map``, ``set``, ``sum``, ``min``, ``max``) instead of one
# Python-level test per value.
_ALL_AS_IS: dict[Any, Callable[[Sequence[Any]], bool]] = {
    scalars.serialize_float: _finite_floats,
    scalars.serialize_int: _ints_within(scalars.GRAPHQL_MIN_INT, scalars.GRAPHQL_MAX_INT),
    scalars.serialize_string: _all_of(str),
    scalars.serialize_boolean: _all_of(bool),
    scalars.serialize_id: _all_of(str),
    bigint._to_int64: _ints_within(bigint.INT64_MIN, bigint.INT64_MAX),
}


def _whole_column_at_once(
    generic: Callable[[Any, Callable[[Any], bool]], Any],
    all_as_is: Callable[[Sequence[Any]], bool],
) -> Callable[[Any, Callable[[Any], bool]], Any]:
    """A column whose every value would be kept as it is, kept as a whole (a copy);
    anything else — a null, a value to coerce — takes the per-value path."""

    def coerce_column(values: Sequence[Any], is_awaitable: Callable[[Any], bool]) -> Any:
        if values and all_as_is(values):
            return list(values)
        return generic(values, is_awaitable)

    return coerce_column


def _column_coercion(field: _Field) -> Callable[[Any, Callable[[Any], bool]], Any]:
    key = (field.coerce, field.non_null)
    found = _COLUMN_COERCIONS.get(key)
    if found is None:
        namespace: dict[str, Any] = {
            "Undefined": Undefined,
            "plain": set(),
            "is_plain": _is_plain,
            "cacheable": _cacheable,
            "isfinite": math.isfinite,
            "coerce0": field.coerce,
        }
        on_null = "return None" if field.non_null else "v0 = None"
        as_is = _AS_IS.get(field.coerce, "False").format(n=0)  # type: ignore[arg-type]
        value = _VALUE.format(n=0, read="v0", on_null=on_null, as_is=as_is)
        exec(_code(_COLUMN.format(value=value)), namespace)
        found = namespace["coerce_column"]
        if field.coerce is base_scalars.isoformat:
            found = _datetimes_at_once(found)
        elif field.coerce in _ALL_AS_IS:
            found = _whole_column_at_once(found, _ALL_AS_IS[field.coerce])
        _COLUMN_COERCIONS[key] = found
    return found


def _build_columns(
    plan: _Plan, columns: Columns, is_awaitable: Callable[[Any], bool]
) -> list[Any] | None:
    """The completed list of ``Columns``, or ``None``: make the objects instead."""
    coerced = []
    for field in plan.fields:
        if field.attribute is not None:
            column = columns.coerced(field, is_awaitable)
            if column is None:
                return None
            coerced.append(column)
    if plan.rows is None:
        plan.rows = _compile_rows(plan)
    return plan.rows(len(columns), *coerced)


def _compile_rows(plan: _Plan) -> Callable[..., list[Any]]:
    """``[{key: value, ...} for each row]`` of the plan's fields, written out."""
    names: list[str] = []
    row: list[str] = []
    for field in plan.fields:
        if field.attribute is None:
            row.append(f"{field.key!r}: {field.typename!r}")
        else:
            row.append(f"{field.key!r}: a{len(names)}")
            names.append(f"c{len(names)}")
    rows = "{" + ", ".join(row) + "}"
    if names:
        each = ", ".join(f"a{name[1:]}" for name in names)
        source = (
            f"def rows(length, {', '.join(names)}):\n"
            f"    return [{rows} for {each}, in zip({', '.join(names)}, strict=True)]\n"
        )
    else:
        source = f"def rows(length):\n    return [{rows} for _ in range(length)]\n"
    namespace: dict[str, Any] = {}
    exec(_code(source), namespace)
    built: Callable[..., list[Any]] = namespace["rows"]
    return built
