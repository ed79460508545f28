"""Introspection for callers without a valid token, as ``EXPSVC_GRAPHQL_ANONYMOUS_INTROSPECTION``
says. Off, a document asking for ``__schema`` or ``__type`` without a valid token fails
validation with ``UNAUTHENTICATED`` (``__typename`` stays allowed); with a token it runs.

The rule is added per request, so the validation cache (``schema/engine/validation_cache.py``),
which skips only graphql-core's static rules for a known text, always runs it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from typing import Any

from graphql import FieldNode, GraphQLError, ValidationRule
from strawberry.extensions import SchemaExtension

from app.config import Settings
from app.errors import Unauthenticated
from schema.context import Context

_MENTIONS_INTROSPECTION = re.compile(r"__schema|__type\b")
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


class IntrospectionNeedsToken(ValidationRule):
    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.report_error(
                GraphQLError(
                    f"{node.name.value}: introspection needs a valid token",
                    nodes=node,
                    extensions={"code": Unauthenticated.code},
                )
            )


class AnonymousIntrospectionOff(SchemaExtension):
    async def on_validate(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            isinstance(context, Context)
            and _MENTIONS_INTROSPECTION.search(execution.query or "")
            and not await _authenticated(context)
        ):
            execution.validation_rules = (*execution.validation_rules, IntrospectionNeedsToken)
        yield


async def _authenticated(context: Context) -> bool:
    try:
        await context.actor()
    except Unauthenticated:
        return False
    return True


def introspection_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Nothing when anonymous introspection is allowed (the default)."""
    return [] if settings.graphql_anonymous_introspection else [AnonymousIntrospectionOff]
