"""The response size cap: an answer stops being built once it passes ``max_response_bytes``.

The cost estimate (``schema/cost.py``) refuses, before anything runs, a query whose
*shape* asks for too much; what it cannot know is how large the data turns out (log
messages of up to 64 KiB, JSON documents, lists without a size argument). So the executor
counts the answer's size as it completes it — every leaf by its value (a string by its
length, a JSON document by its encoding), every list built by the fast path
(``schema/engine/fast_lists.py``) by its rows, reading the length of text columns only — and
once the count passes the cap it raises instead of completing anything more. The whole
answer is then replaced by one ``QUERY_TOO_COMPLEX`` error with ``details: {limit}``, and
no partial data: the client asks for fewer items (a smaller ``first``, fewer aliases, a
narrower page) or pages through them.

The count is an approximation of the JSON (keys and punctuation at a flat rate per
value), enough to stop a 400 MB answer at a few tens of MB rather than after building it.
A subscription counts each event's answer on its own.
"""

from __future__ import annotations

from typing import Any, ClassVar

import orjson
from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLLeafType,
    GraphQLList,
    GraphQLOutputType,
    GraphQLResolveInfo,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.executor import Executor
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.errors import QueryTooComplex

# Per value: its key, quotes, colon and comma (the JSON around it)
VALUE_OVERHEAD = 16
# A number, boolean, enum or date-time, with its overhead
SMALL_VALUE_BYTES = 40


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


class ResponseSizeExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor that counts what it completes against ``max_bytes``
    (set on the subclass ``bounded_executor`` makes for a schema).

    Relies on graphql-core 3.3's executor methods ``complete_leaf_value``,
    ``complete_list_value``, ``build_per_event_executor`` and ``build_response`` (and on
    ``run_async_work_finished_hook``). It is not one of the switchable tricks: the cap is
    part of the limits, so it applies with the tricks off too (the fast list path counts
    the rows it builds itself with ``count_bytes``).
    """

    max_bytes: ClassVar[int | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.response_bytes = 0
        self.too_large: ResponseTooLarge | None = None

    def build_per_event_executor(self, payload: Any) -> Executor[Any]:
        """Each subscription event's answer is counted on its own (graphql-core copies
        the subscription's executor for each event)."""
        executor: Executor[Any] = super().build_per_event_executor(payload)
        if isinstance(executor, ResponseSizeExecutor):
            executor.response_bytes = 0
            executor.too_large = None
        return executor

    def count_bytes(self, size: int) -> None:
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
        self.count_bytes(leaf_bytes(completed))
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
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def build_response(self, data: dict[str, Any] | None) -> Any:
        too_large = self.too_large
        if too_large is None:
            return super().build_response(data)
        self.run_async_work_finished_hook()
        return ExecutionResult(None, [GraphQLError(too_large.message, original_error=too_large)])
