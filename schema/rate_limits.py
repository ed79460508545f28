"""GraphQL's seam to the rate limits (``app/rate_limits.py``): each operation is charged
once its document is parsed, before anything runs.

A query and a subscription's start are a read, a mutation one mutation — unless all its
fields are batches (``logMetrics``, ``logMessages``), whose resolvers charge their points
(``Context.charge_ingest``) instead. No token or a bad one costs the client's address one
unauthenticated request (an anonymous introspection runs on, if allowed). A refusal is the
operation's only error, ``RATE_LIMITED`` with ``details.retry_after_seconds``; over HTTP
the answer is also 429 with ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, get_operation_ast
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from app.errors import RateLimited, Unauthenticated
from app.rate_limits import operation_class, retry_after_headers
from schema.context import Context


def _top_fields(operation: OperationDefinitionNode) -> list[str]:
    """The operation's top-level field names; a fragment there counts as a field of its
    own (so a mutation spreading one is charged as a mutation)."""
    return [
        selection.name.value if isinstance(selection, FieldNode) else "..."
        for selection in operation.selection_set.selections
    ]


async def _charge(context: Context, operation: OperationDefinitionNode | None) -> None:
    try:
        caller = await context.caller()
    except Unauthenticated:
        return  # the address paid; the resolvers answer UNAUTHENTICATED where it matters
    if operation is None:  # no such operation: graphql-core says so; a read's worth
        kind = operation_class("query", [])
    else:
        kind = operation_class(operation.operation.value, _top_fields(operation))
    if kind is not None:
        await context.services.limits.charge(caller.key, kind)


class OperationRateLimit(SchemaExtension):
    async def on_validate(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        if isinstance(context, Context) and document is not None:
            try:
                await _charge(context, get_operation_ast(document, execution.operation_name))
            except RateLimited as exc:
                execution.pre_execution_errors = [
                    GraphQLError(exc.message, extensions={"code": exc.code, "details": exc.details})
                ]
                if isinstance(context.response, Response):
                    context.response.status_code = exc.http_status
                    context.response.headers.update(retry_after_headers(exc) or {})
        yield
