"""Query limits: tokens, then the document's shape. Each refusal is ``QUERY_TOO_COMPLEX``.

The token limit is the parser's own ``max_tokens``. The shape — depth, aliases, and the
number of field selections once every fragment is written out — is measured in one pass
that is linear in the document's size: each fragment is measured once, in dependency
order and without recursing through spreads, and a spread adds its fragment's measures
(so ``fragment F1 on User { ...F0 ...F0 }`` counts F0's fields twice, as execution would
see them, without walking F0 twice). A fragment bomb — 40 levels of fragments each
spreading the one below twice, 2^40 fields from 1.4 KB — is measured in well under a
millisecond and refused.

The shape is checked **before** any other validation (``QueryShapeLimiter.on_validate``
runs ahead of graphql-core's rules and the cost rule, ``schema/build.py``): a refused
document is answered with ``QUERY_TOO_COMPLEX`` alone, and no rule ever walks a document
whose written-out size is past ``query_max_fields``. A spread closing a fragment cycle or
naming an unknown fragment adds nothing here; graphql-core's rules report those.

Why not strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` (the token limit is
strawberry's ``MaxTokensLimiter``): both are validation rules, so they run with
graphql-core's other rules instead of before them; their errors carry no ``code`` or
``details`` (``"'anonymous' exceeds maximum operation depth of 3"``, ``"8 aliases found.
Allowed: 5"``), where the contract wants ``QUERY_TOO_COMPLEX`` with ``details``; and they
walk every fragment spread again, so a fragment bomb costs them time exponential in its
levels (22 levels, 2^22 aliases: 4.9 s in ``MaxAliasesLimiter`` with strawberry 0.341;
40 levels would not finish), where ``DocumentShapes`` measures each fragment once. Neither
has the written-out field count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import MaxTokensLimiter, SchemaExtension

from app.config import Settings
from app.errors import QueryTooComplex

CODE = QueryTooComplex.code


def too_complex(
    message: str, node: Any = None, details: dict[str, Any] | None = None
) -> GraphQLError:
    extensions: dict[str, Any] = {"code": CODE}
    if details:
        extensions["details"] = details
    return GraphQLError(message, nodes=node, extensions=extensions)


@dataclass(frozen=True)
class Shape:
    """What a selection set amounts to with its fragments written out."""

    depth: int = 0  # the deepest chain of fields (introspection fields not counted)
    aliases: int = 0  # aliased fields
    fields: int = 0  # field selections

    def __add__(self, other: Shape) -> Shape:
        return Shape(
            max(self.depth, other.depth), self.aliases + other.aliases, self.fields + other.fields
        )


EMPTY = Shape()


@dataclass(frozen=True)
class ShapeLimits:
    max_depth: int
    max_aliases: int
    max_fields: int


def _spreads(selection_set: SelectionSetNode) -> Iterator[str]:
    """The names of the fragments spread anywhere in ``selection_set``."""
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                yield selection.name.value
            elif selection.selection_set is not None:  # type: ignore[attr-defined]
                stack.append(selection.selection_set)  # type: ignore[attr-defined]


class DocumentShapes:
    """The shape of each fragment, each measured once; then of any selection set."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                self.fragments.setdefault(definition.name.value, definition)
        self.shapes: dict[str, Shape] = {}
        self._measure_fragments()

    def _measure_fragments(self) -> None:
        """Post-order over the spreads with an explicit stack, so a long chain of
        fragments cannot exhaust the interpreter's recursion limit; a spread back onto
        the path (a cycle) is skipped and so counts as empty."""
        uses = {
            name: [n for n in _spreads(f.selection_set) if n in self.fragments]
            for name, f in self.fragments.items()
        }
        for root in self.fragments:
            if root in self.shapes:
                continue
            path = [(root, iter(uses[root]))]
            on_path = {root}
            while path:
                name, pending = path[-1]
                for used in pending:
                    if used not in self.shapes and used not in on_path:
                        path.append((used, iter(uses[used])))
                        on_path.add(used)
                        break
                else:
                    path.pop()
                    on_path.discard(name)
                    self.shapes[name] = self.of(self.fragments[name].selection_set)

    def of(self, selection_set: SelectionSetNode | None) -> Shape:
        """The shape below ``selection_set``: recursion only along the document's own
        nesting (which the parser bounds), fragments taken from ``self.shapes``."""
        if selection_set is None:
            return EMPTY
        shape = EMPTY
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                below = self.of(selection.selection_set)
                introspection = selection.name.value.startswith("__")
                shape += Shape(
                    # GraphiQL's schema query is deep, and cheap
                    depth=0 if introspection else 1 + below.depth,
                    aliases=below.aliases + (selection.alias is not None),
                    fields=below.fields + 1,
                )
            elif isinstance(selection, InlineFragmentNode):
                shape += self.of(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                shape += self.shapes.get(selection.name.value, EMPTY)
        return shape


def shape_errors(document: DocumentNode, limits: ShapeLimits) -> list[GraphQLError]:
    """``QUERY_TOO_COMPLEX`` for each operation past a limit, in linear time."""
    shapes = DocumentShapes(document)
    errors = []
    for node in document.definitions:
        if not isinstance(node, OperationDefinitionNode):
            continue
        name = node.name.value if node.name else "anonymous"
        shape = shapes.of(node.selection_set)
        for measure, value, limit, says in (
            ("depth", shape.depth, limits.max_depth, "is {:,} levels deep"),
            ("aliases", shape.aliases, limits.max_aliases, "uses {:,} aliases"),
            (
                "fields",
                shape.fields,
                limits.max_fields,
                "selects {:,} fields once its fragments are written out",
            ),
        ):
            if value > limit:
                message = f"operation {name} {says.format(value)}; the limit is {limit:,}"
                errors.append(too_complex(message, node, {measure: value, "limit": limit}))
    return errors


class QueryShapeLimiter(SchemaExtension):
    """Refuses a document past the shape limits before anything else validates it."""

    def __init__(self, limits: ShapeLimits) -> None:
        self.limits = limits

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            errors = shape_errors(document, self.limits)
            if errors:
                context.pre_execution_errors = errors  # strawberry then validates no further
        yield


def shape_limits(settings: Settings) -> ShapeLimits:
    return ShapeLimits(
        max_depth=settings.query_max_depth,
        max_aliases=settings.query_max_aliases,
        max_fields=settings.query_max_fields,
    )


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories, so each request gets fresh extension instances; in this order, and
    ahead of the cost and validation extensions."""
    limits = shape_limits(settings)
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.query_max_tokens),
        lambda: QueryShapeLimiter(limits),
    ]


def is_token_limit(error: GraphQLError) -> bool:
    return "tokens" in error.message and "Parsing aborted" in error.message
