"""Query limits: depth, aliases and tokens. Each refusal is ``QUERY_TOO_COMPLEX``.

Depth and aliases are validation rules over the document (fragments followed, cycles are
already refused by GraphQL's own rules); the token limit is the parser's own ``max_tokens``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension

from app.config import Settings
from app.errors import QueryTooComplex

CODE = QueryTooComplex.code


def too_complex(message: str, node: Any = None) -> GraphQLError:
    return GraphQLError(message, nodes=node, extensions={"code": CODE})


def selection_depth(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> int:
    """The deepest chain of fields below ``selection_set`` (introspection not counted)."""
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue  # introspection (GraphiQL's schema query is deep, and cheap)
            depth = 1 + selection_depth(selection.selection_set, fragments, seen)
        elif isinstance(selection, InlineFragmentNode):
            depth = selection_depth(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in seen:
                continue
            depth = selection_depth(fragment.selection_set, fragments, seen | {name})
        else:
            continue
        deepest = max(deepest, depth)
    return deepest


def count_aliases(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += (selection.alias is not None) + count_aliases(
                selection.selection_set, fragments, seen
            )
        elif isinstance(selection, InlineFragmentNode):
            total += count_aliases(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                total += count_aliases(fragment.selection_set, fragments, seen | {name})
    return total


def shape_rule(max_depth: int, max_aliases: int) -> type[ValidationRule]:
    class QueryShape(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            definitions = context.document.definitions
            self.fragments = {
                d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)
            }

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            name = node.name.value if node.name else "anonymous"
            depth = selection_depth(node.selection_set, self.fragments)
            if depth > max_depth:
                self.report_error(
                    too_complex(
                        f"operation {name} is {depth} levels deep; the limit is {max_depth}",
                        node,
                    )
                )
            aliases = count_aliases(node.selection_set, self.fragments)
            if aliases > max_aliases:
                self.report_error(
                    too_complex(
                        f"operation {name} uses {aliases} aliases; the limit is {max_aliases}",
                        node,
                    )
                )

    return QueryShape


class QueryShapeLimiter(AddValidationRules):
    def __init__(self, max_depth: int, max_aliases: int) -> None:
        super().__init__([shape_rule(max_depth, max_aliases)])


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories, so each request gets fresh extension instances."""
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.query_max_tokens),
        lambda: QueryShapeLimiter(settings.query_max_depth, settings.query_max_aliases),
    ]


def is_token_limit(error: GraphQLError) -> bool:
    return "tokens" in error.message and "Parsing aborted" in error.message
