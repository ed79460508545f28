"""Assembling the executable schema with its extensions and limits."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.config import Settings
from schema.cost import cost_extension
from schema.engine import Engine
from schema.errors import ErrorCodes, log_unexpected
from schema.introspection import introspection_extensions
from schema.limits import limit_extensions
from schema.observability import OperationMetrics
from schema.rate_limits import OperationRateLimit
from schema.roots import Mutation, Query, Subscription
from schema.scalars import SCALAR_MAP
from schema.threaded_parsing import ThreadedParsing


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only what we did not expect; domain errors are answers, not incidents."""
        log_unexpected(errors)


def build_schema(settings: Settings | None = None, **extra: Any) -> Schema:
    settings = settings or Settings()
    engine = Engine.for_settings(settings)
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
            *engine.validation(),
            cost_extension(settings),
            ErrorCodes,
            OperationMetrics,
            *engine.execution(),  # large variables coerced in a worker thread
        ],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        execution_context_class=engine.executor(),  # with the response size cap
        **extra,
    )
    engine.finish(schema)
    return schema
