"""Executing a live event once per process, not once per subscriber.

A 1,000-point ``MetricsEvent`` costs graphql-core about 30 ms to execute; 200 subscribers
of one Run Monitor would pay that 200 times for the same answer. Events that are plain
data (no resolver reads the caller's context) are built once per broker message
(``shared``) and carry a result cache; the executor below serves every subscriber with the
same document, operation and variables from it.

Relies on graphql-core 3.3's ``Executor.build_per_event_executor`` (what
``execute_subscription_event`` calls per event) and on the per-event executor's
``execute_operation``, which is replaced on that instance.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

import orjson
from graphql import ExecutionResult, OperationDefinitionNode
from graphql.execution.executor import Executor

from app.live.feed import SharedMemo
from schema.engine.fast_lists import FastListExecutor

RESULTS = "__shared_results__"

T = TypeVar("T")

_events = SharedMemo()


def shared(source: object, make: Callable[[], T]) -> T:
    """The event built from ``source`` (a list the live feeds share between subscribers),
    made once and marked as cacheable."""

    def build() -> T:
        event = make()
        setattr(event, RESULTS, {})
        return event

    event: T = _events.get(source, build)
    return event


def shape_key(
    operation: OperationDefinitionNode, variable_values: Any
) -> tuple[object, ...] | None:
    """What makes two subscriptions' results for one event the same: the document, the
    operation and the variables (None if the document's text is unknown)."""
    source = operation.loc.source.body if operation.loc is not None else None
    if source is None:
        return None
    values = getattr(variable_values, "coerced", variable_values)
    variables = orjson.dumps(values, option=orjson.OPT_SORT_KEYS, default=str)
    name = operation.name.value if operation.name else None
    return source, name, variables


def _key(executor: Executor[Any]) -> tuple[object, ...] | None:
    return shape_key(executor.operation, executor.variable_values)


_encoded = SharedMemo()


def encoded_payload(data: object) -> str:
    """``{"data": …}`` as JSON text, encoded once per result (keyed by the result's data
    object, which every subscriber of one shape shares)."""
    text: str = _encoded.get(data, lambda: _encode(data))
    return text


def _encode(data: object) -> str:
    return orjson.dumps({"data": data}).decode()


class SharedEventExecutor(FastListExecutor):
    """Per-event execution that reuses an identical subscriber's result."""

    def build_per_event_executor(self, payload: Any) -> Executor[Any]:
        cache = getattr(payload, RESULTS, None)
        key = self._shared_key() if cache is not None else None
        if cache is None or key is None:
            return super().build_per_event_executor(payload)
        hit = cache.get(key)
        if hit is not None:  # an identical subscriber executed it: no executor to build
            return cast(Executor[Any], _Served(hit))
        executor = super().build_per_event_executor(payload)
        execute = executor.execute_operation

        def cached(serially: bool | None = None) -> Any:
            hit = cache.get(key)
            if hit is not None:
                return hit
            result = execute(serially)
            if inspect.isawaitable(result):
                return _remember(result, cache, key)
            if isinstance(result, ExecutionResult) and not result.errors:
                cache[key] = result
            return result

        executor.execute_operation = cached  # type: ignore[method-assign]
        return executor

    def _shared_key(self) -> tuple[object, ...] | None:
        """The cache key of this subscription (document, operation, variables): the same
        for every event, so made once."""
        try:
            key: tuple[object, ...] | None = self.__dict__["_shared_key_"]
        except KeyError:
            key = self.__dict__["_shared_key_"] = _key(self)
        return key


class _Served:
    """The per-event executor of an event whose result is already known: graphql-core's
    ``execute_subscription_event`` only calls ``execute_operation`` on it."""

    __slots__ = ("result",)

    def __init__(self, result: ExecutionResult) -> None:
        self.result = result

    def execute_operation(self, serially: bool | None = None) -> ExecutionResult:
        return self.result


async def _remember(pending: Any, cache: dict[object, Any], key: object) -> Any:
    result = await pending
    if isinstance(result, ExecutionResult) and not result.errors:
        cache[key] = result
    return result
