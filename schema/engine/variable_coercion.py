"""Coercing a request's large variables in a worker thread, so the event loop is not held.

graphql-core coerces the variables (``get_variable_values``) when its executor is built,
on the event loop: for a 10,000-point ``logMetrics(points: [MetricPointInput!]!)`` that
is a few hundred milliseconds of CPU, during which no other request, ping or
``/healthz`` is served. ``ThreadedVariableCoercion`` (an extension, its ``on_execute``
runs just before graphql-core's ``execute``) runs the same ``get_variable_values`` — same
schema, variable definitions, raw values, error limit and suggestions — in a worker
thread when the raw variables hold more than ``INLINE_VARIABLE_ITEMS`` values, and keeps
its result for this request (a context variable). The executor's ``build``
(``ThreadedCoercionExecutor`` below) takes it for that identical document, operation and raw
variables instead of coercing again; errors are the same list graphql-core would have
returned, so the answer is exactly the inline one. Small variables — nearly every request
— are coerced inline as before, without the thread's hand-over.

Relies on graphql-core 3.3's ``graphql.execution.values.get_variable_values`` and on
``Executor.build``'s signature (overridden below), and on strawberry's private
``Schema._schema`` (the graphql-core schema).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Collection
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, TypeGuard

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLFieldResolver,
    GraphQLSchema,
    GraphQLTypeResolver,
    OperationDefinitionNode,
    VariableDefinitionNode,
    get_operation_ast,
)
from graphql.execution.executor import ExecutionHooks, Executor, Middleware
from graphql.execution.values import VariableValues, get_variable_values
from graphql.pyutils import AbortSignal
from strawberry.extensions import SchemaExtension

from app.offload import more_values_than
from schema.engine.response_size import ResponseSizeExecutor

# Variables holding up to this many values (list items and object fields, counted
# through every level) are coerced on the event loop: well under a millisecond
INLINE_VARIABLE_ITEMS = 1000
# What graphql-core's ``execute`` coerces with (strawberry passes neither)
MAX_COERCION_ERRORS = 50
HIDE_SUGGESTIONS = False


@dataclass(frozen=True)
class Coerced:
    """``get_variable_values``' answer for one document, operation and raw variables."""

    document: DocumentNode
    operation: OperationDefinitionNode
    raw: dict[str, Any]
    values: VariableValues | list[GraphQLError]

    def matches(
        self,
        document: DocumentNode,
        raw: dict[str, Any] | None,
        max_errors: int,
        hide_suggestions: bool,
    ) -> bool:
        return (
            document is self.document
            and raw is self.raw
            and max_errors == MAX_COERCION_ERRORS
            and hide_suggestions == HIDE_SUGGESTIONS
        )


_coerced: ContextVar[Coerced | None] = ContextVar("coerced_variables", default=None)


def coerce(
    schema: GraphQLSchema,
    definitions: Collection[VariableDefinitionNode],
    raw: dict[str, Any],
) -> VariableValues | list[GraphQLError]:
    return get_variable_values(
        schema, definitions, raw, max_errors=MAX_COERCION_ERRORS, hide_suggestions=HIDE_SUGGESTIONS
    )


def take_coerced(
    document: DocumentNode,
    raw: dict[str, Any] | None,
    max_errors: int,
    hide_suggestions: bool,
) -> Coerced | None:
    """The variables coerced in a thread for this very request, if any (used once)."""
    coerced = _coerced.get()
    if coerced is None or not coerced.matches(document, raw, max_errors, hide_suggestions):
        return None
    _coerced.set(None)
    return coerced


def without_variables(document: DocumentNode, operation: OperationDefinitionNode) -> DocumentNode:
    """``document`` with ``operation``'s variable definitions left out (what graphql-core's
    ``build`` then has nothing to coerce in)."""
    stripped = replace(operation, variable_definitions=())
    definitions = tuple(stripped if node is operation else node for node in document.definitions)
    return DocumentNode(definitions=definitions, loc=document.loc)


class ThreadedVariableCoercion(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        raw = context.variables
        operation = (
            get_operation_ast(document, context.operation_name) if document is not None else None
        )
        token = None
        if (
            document is not None
            and operation is not None
            and operation.variable_definitions
            and raw
            and more_values_than(raw, INLINE_VARIABLE_ITEMS)
        ):
            schema: GraphQLSchema = context.schema._schema  # strawberry's own
            values = await asyncio.to_thread(coerce, schema, operation.variable_definitions, raw)
            token = _coerced.set(Coerced(document, operation, raw, values))
        try:
            yield
        finally:
            if token is not None:
                _coerced.reset(token)


class ThreadedCoercionExecutor(ResponseSizeExecutor):
    """The executor taking the variables ``ThreadedVariableCoercion`` coerced."""

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
