"""GraphQL operation metrics: a count by outcome and a duration histogram per operation.

Operation names come from clients, so the ``operation`` label is bounded: a name that is
not a plain GraphQL identifier of at most 64 characters counts as ``invalid``, and once
the process has seen 500 distinct names every new one counts as ``other``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

from prometheus_client import Counter, Histogram
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

GRAPHQL_OPERATIONS = Counter(
    "expsvc_graphql_operations",
    "GraphQL operations, by operation name, type and outcome (ok or error).",
    ["operation", "type", "outcome"],
)
GRAPHQL_OPERATION_DURATION = Histogram(
    "expsvc_graphql_operation_duration_seconds",
    "Time spent on a GraphQL operation (a subscription: its whole life).",
    ["operation", "type"],
)

NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_NAME_LENGTH = 64
MAX_DISTINCT_NAMES = 500
ANONYMOUS = "anonymous"
INVALID = "invalid"
OTHER = "other"
UNKNOWN_TYPE = "unknown"


class OperationNames:
    """Turns client-chosen operation names into a bounded set of label values."""

    def __init__(self, limit: int = MAX_DISTINCT_NAMES) -> None:
        self.limit = limit
        self.seen: set[str] = set()
        self._lock = threading.Lock()

    def label(self, name: str | None) -> str:
        if name is None:
            return ANONYMOUS
        if len(name) > MAX_NAME_LENGTH or not NAME_PATTERN.fullmatch(name):
            return INVALID
        with self._lock:
            if name in self.seen:
                return name
            if len(self.seen) >= self.limit:
                return OTHER
            self.seen.add(name)
            return name


OPERATION_NAMES = OperationNames()


def operation_type(context: ExecutionContext) -> str:
    """``query``, ``mutation`` or ``subscription``; ``unknown`` if the document is unusable."""
    try:
        return context.operation_type.value
    except RuntimeError:  # no parsed document, or no operation of the requested name
        return UNKNOWN_TYPE


def has_errors(context: ExecutionContext) -> bool:
    return bool(context.pre_execution_errors) or bool(getattr(context.result, "errors", None))


class OperationMetrics(SchemaExtension):
    """Counts and times each operation; pass the class (not an instance) to the schema."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        failed = False
        try:
            yield
        except Exception:
            failed = True
            raise
        finally:
            self.record(time.perf_counter() - started, failed=failed)

    def record(self, seconds: float, *, failed: bool) -> None:
        context = self.execution_context
        name = OPERATION_NAMES.label(context.operation_name)
        kind = operation_type(context)
        outcome = "error" if failed or has_errors(context) else "ok"
        GRAPHQL_OPERATIONS.labels(name, kind, outcome).inc()
        GRAPHQL_OPERATION_DURATION.labels(name, kind).observe(seconds)
