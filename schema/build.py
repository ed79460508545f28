"""Assembling the executable schema with its extensions and limits."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.config import Settings
from schema.cost import cost_extension
from schema.errors import ErrorCodes, log_unexpected
from schema.introspection import introspection_extensions
from schema.limits import limit_extensions
from schema.mutations import Mutation
from schema.observability import OperationMetrics
from schema.queries import Query
from schema.rate_limits import OperationRateLimit
from schema.response_size import bounded_executor
from schema.scalars import SCALAR_MAP
from schema.subscriptions import Subscription
from schema.threaded_arguments import convert_large_arguments_in_threads
from schema.threaded_parsing import ThreadedParsing
from schema.validation_cache import cached_validation
from schema.variable_coercion import ThreadedVariableCoercion


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only what we did not expect; domain errors are answers, not incidents."""
        log_unexpected(errors)


# Fields whose list arguments run to thousands of input objects: converted in a worker
# thread when large (schema/threaded_arguments.py)
BULK_INPUT_FIELDS = (("Mutation", "logMetrics"), ("Mutation", "logMessages"))


def build_schema(settings: Settings | None = None, **extra: Any) -> Schema:
    settings = settings or Settings()
    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # validation in this order: tokens and shape (may refuse at once), graphql-core's
        # rules (cached per text), then the cost with the request's variables
        extensions=[
            *limit_extensions(settings),
            OperationRateLimit,  # once parsed: app/rate_limits.py
            *introspection_extensions(settings),  # before the cache: it adds a rule
            ThreadedParsing,
            cached_validation(),
            cost_extension(settings),
            ErrorCodes,
            OperationMetrics,
            ThreadedVariableCoercion,  # large variables coerced in a worker thread
        ],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        execution_context_class=bounded_executor(settings.max_response_bytes),
        **extra,
    )
    convert_large_arguments_in_threads(schema._schema, BULK_INPUT_FIELDS)
    return schema
