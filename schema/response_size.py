"""The response size cap: an answer stops being built once it passes ``max_response_bytes``.

The cost estimate (``schema/cost.py``) refuses, before anything runs, a query whose
*shape* asks for too much; what it cannot know is how large the data turns out (log
messages of up to 64 KiB, JSON documents, lists without a size argument). So the executor
counts the answer's size as it completes it — every leaf by its value (a string by its
length, a JSON document by its encoding), every list built by the fast path
(``schema/fast_lists.py``) by its rows, reading the length of text columns only — and
once the count passes the cap it raises instead of completing anything more. The whole
answer is then replaced by one ``QUERY_TOO_COMPLEX`` error with ``details: {limit}``, and
no partial data: the client asks for fewer items (a smaller ``first``, fewer aliases, a
narrower page) or pages through them.

The count is an approximation of the JSON (keys and punctuation at a flat rate per
value), enough to stop a 400 MB answer at a few tens of MB rather than after building it.
A subscription counts each event's answer on its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable
from operator import itemgetter
from typing import Any, ClassVar, TypeGuard

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLFieldResolver,
    GraphQLLeafType,
    GraphQLList,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    GraphQLTypeResolver,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.executor import ExecutionHooks, Executor, Middleware
from graphql.pyutils import AbortSignal, Path

from app.errors import QueryTooComplex
from schema.fast_lists import Columns
from schema.shared_events import SharedEventExecutor
from schema.variable_coercion import take_coerced, without_variables

# Per value: its key, quotes, colon and comma (the JSON around it)
VALUE_OVERHEAD = 16
# A number, boolean, enum or date-time, with its overhead
SMALL_VALUE_BYTES = 40
_STRING = GraphQLString.coerce_output_value


class ResponseTooLarge(QueryTooComplex):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the answer is larger than the limit of {limit:,} bytes; ask for fewer items "
            "(a smaller first or maxPoints, fewer aliases) or page through them",
            details={"limit": limit},
        )


def leaf_bytes(value: Any) -> int:
    """About what ``value`` adds to the JSON answer."""
    kind = type(value)
    if kind is str:
        return len(value) + VALUE_OVERHEAD
    if kind is dict or kind is list:
        return len(orjson.dumps(value, default=str)) + VALUE_OVERHEAD
    return SMALL_VALUE_BYTES


class ResponseSizeExecutor(SharedEventExecutor):
    """``SharedEventExecutor`` that counts what it completes against ``max_bytes``
    (set on the subclass ``bounded_executor`` makes for a schema).

    This class is the one place graphql-core's executor is extended (with its bases in
    ``schema/shared_events.py`` and ``schema/fast_lists.py``); what it overrides is
    pinned to graphql-core 3.3: ``build`` (variables coerced in a worker thread,
    ``schema/variable_coercion.py``), ``build_per_event_executor``,
    ``complete_leaf_value``, ``complete_list_value`` and ``build_response``.
    """

    max_bytes: ClassVar[int | None] = None

    @classmethod
    def build(
        cls,
        schema: GraphQLSchema,
        document: DocumentNode,
        root_value: Any = None,
        context_value: Any = None,
        raw_variable_values: dict[str, Any] | None = None,
        operation_name: str | None = None,
        field_resolver: GraphQLFieldResolver | None = None,
        type_resolver: GraphQLTypeResolver | None = None,
        subscribe_field_resolver: GraphQLFieldResolver | None = None,
        max_coercion_errors: int = 50,
        enable_early_execution: bool = False,
        middleware: Middleware | None = None,
        is_awaitable: Callable[[Any], TypeGuard[Awaitable[Any]]] | None = None,
        is_async_iterable: Callable[[Any], TypeGuard[AsyncIterable[Any]]] | None = None,
        hide_suggestions: bool = False,
        abort_signal: AbortSignal | None = None,
        hooks: ExecutionHooks | None = None,
        **custom_args: Any,
    ) -> list[GraphQLError] | Executor[Any]:
        """graphql-core's ``build``; when ``ThreadedVariableCoercion`` already coerced
        this request's variables in a worker thread, it takes that answer (the executor,
        or the same errors) instead of coercing them again on the event loop."""
        coerced = take_coerced(document, raw_variable_values, max_coercion_errors, hide_suggestions)
        if coerced is not None:
            document = without_variables(document, coerced.operation)
            raw_variable_values = None
        built = super().build(
            schema,
            document,
            root_value,
            context_value,
            raw_variable_values,
            operation_name,
            field_resolver,
            type_resolver,
            subscribe_field_resolver,
            max_coercion_errors,
            enable_early_execution,
            middleware,
            is_awaitable,
            is_async_iterable,
            hide_suggestions=hide_suggestions,
            abort_signal=abort_signal,
            hooks=hooks,
            **custom_args,
        )
        if coerced is None or isinstance(built, list):
            return built
        if isinstance(coerced.values, list):
            return coerced.values  # the coercion's errors, as graphql-core returns them
        built.operation = coerced.operation
        built.variable_values = coerced.values
        return built

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.response_bytes = 0
        self.too_large: ResponseTooLarge | None = None

    def build_per_event_executor(self, payload: Any) -> Any:
        """Each subscription event's answer is counted on its own (graphql-core copies
        the subscription's executor for each event)."""
        executor = super().build_per_event_executor(payload)
        if isinstance(executor, ResponseSizeExecutor):
            executor.response_bytes = 0
            executor.too_large = None
        return executor

    def _count(self, size: int) -> None:
        self.response_bytes += size
        limit = self.max_bytes
        if limit is not None and self.response_bytes > limit:
            self.too_large = self.too_large or ResponseTooLarge(limit)
            raise self.too_large

    def complete_leaf_value(  # type: ignore[override]
        self, return_type: GraphQLLeafType, result: Any
    ) -> Any:
        if self.too_large is not None:
            raise self.too_large
        completed = super().complete_leaf_value(return_type, result)
        self._count(leaf_bytes(completed))
        return completed

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
        completed = super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )
        if type(completed) is list and type(result) in (list, tuple, Columns):
            plan = self._fast_plan(return_type, field_details_list)
            if plan is not None and completed and type(completed[0]) is dict:
                self._count(self._rows_bytes(plan, completed))
        return completed

    @staticmethod
    def _rows_bytes(plan: Any, rows: list[dict[str, Any]]) -> int:
        """Rows the fast path built (its leaves bypass ``complete_leaf_value``): text
        columns by their length, any other value at a flat size."""
        text = [field.key for field in plan.fields if field.coerce is _STRING]
        size = len(rows) * (len(plan.fields) - len(text)) * SMALL_VALUE_BYTES
        for key in text:
            values = map(itemgetter(key), rows)
            size += sum(len(v) + VALUE_OVERHEAD if v is not None else 4 for v in values)
        return size

    def build_response(self, data: dict[str, Any] | None) -> Any:
        too_large = self.too_large
        if too_large is None:
            return super().build_response(data)
        self.run_async_work_finished_hook()
        return ExecutionResult(None, [GraphQLError(too_large.message, original_error=too_large)])


def bounded_executor(max_bytes: int) -> type[ResponseSizeExecutor]:
    """The executor class of a schema whose answers may hold at most ``max_bytes``."""
    return type("BoundedResponseExecutor", (ResponseSizeExecutor,), {"max_bytes": max_bytes})
