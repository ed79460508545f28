"""One place that turns failures into GraphQL errors with ``extensions.code``.

Domain errors keep their message and gain ``code`` and ``details``; problems with the
request document get ``GRAPHQL_PARSE_FAILED`` / ``GRAPHQL_VALIDATION_FAILED`` (or
``QUERY_TOO_COMPLEX`` from the limits); anything unexpected is logged with its traceback
and reaches the client only as ``INTERNAL_SERVER_ERROR``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from app.errors import INTERNAL_ERROR_CODE, DomainError, QueryTooComplex
from schema.limits import is_token_limit

log = logging.getLogger("expsvc.graphql")

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return (
        original is not None
        and not isinstance(original, DomainError | GraphQLError)
        and (error.path is not None)
    )


def format_error(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        extensions: dict[str, Any] = {"code": original.code}
        if original.details:
            extensions["details"] = original.details
        return _with(error, original.message, extensions)
    if is_unexpected(error):
        return _with(error, "Internal server error", {"code": INTERNAL_ERROR_CODE}, drop=True)
    if error.extensions and "code" in error.extensions:
        return error
    code = PARSE_FAILED if isinstance(error, GraphQLSyntaxError) else VALIDATION_FAILED
    if is_token_limit(error):
        code = QueryTooComplex.code
    return _with(error, error.message, {**(error.extensions or {}), "code": code})


def _with(
    error: GraphQLError, message: str, extensions: dict[str, Any], *, drop: bool = False
) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None if drop else error.original_error,
        extensions=extensions,
    )


def format_errors(errors: list[GraphQLError]) -> list[GraphQLError]:
    return [format_error(error) for error in errors]


class ErrorCodes(SchemaExtension):
    """Rewrites the errors of every result: over HTTP when the operation ends, over
    websockets (``Schema.stream``: subscription events, queries, mutations) result by
    result before it is sent."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = format_errors(errors)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = format_errors(errors)
        yield


def log_unexpected(errors: list[GraphQLError]) -> None:
    for error in errors:
        if is_unexpected(error):
            log.error(
                "unexpected error in %s",
                ".".join(str(p) for p in error.path or []),
                exc_info=error.original_error,
            )


def error_entry(error: DomainError) -> dict[str, Any]:
    """A domain error as one entry of a GraphQL ``errors`` list (for answers given outside
    execution: a refused HTTP body, a refused websocket ``connection_init``)."""
    extensions: dict[str, Any] = {"code": error.code}
    if error.details:
        extensions["details"] = error.details
    return {"message": error.message, "extensions": extensions}
