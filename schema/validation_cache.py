"""Validating a known-good document once, not on every request.

graphql-core's specified rules (and strawberry's two) look at the document and the
schema only, so a query text that passed them once passes them again: a single-page app
sends the same few documents over and over (the compare view's ~9 ms of validation was
~5 % of a request). Strawberry's own ``ValidationCache`` keys the whole rule set, which
here holds a new class per request (the cost rule carries the request's variables), so
it never hits.

``ValidDocuments`` remembers the texts whose validation found nothing wrong (an LRU,
bounded by ``max_documents``). For a remembered text only the rules added for this
request run (the query shape and cost limits, the cost with these variables); anything
else — a new text, or one that had errors — is validated in full as before, so errors,
their order and the cost rule's "only if nothing else is wrong" stay exactly as they were.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator

from graphql import GraphQLSchema, specified_rules, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

# The rules whose verdict depends on the document and the schema alone
_STATIC_RULES = frozenset(specified_rules)


class ValidDocuments:
    """The keys of documents that passed the static rules, least recently used dropped."""

    def __init__(self, max_documents: int) -> None:
        self.max_documents = max_documents
        self._known: OrderedDict[Hashable, None] = OrderedDict()

    def __contains__(self, key: Hashable) -> bool:
        if key in self._known:
            self._known.move_to_end(key)
            return True
        return False

    def add(self, key: Hashable) -> None:
        self._known[key] = None
        self._known.move_to_end(key)
        while len(self._known) > self.max_documents:
            self._known.popitem(last=False)

    def __len__(self) -> int:
        return len(self._known)


class CachedValidation(SchemaExtension):
    """Validation that skips the static rules for a document they passed before."""

    def __init__(self, known: ValidDocuments) -> None:
        self.known = known

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        rules = context.validation_rules
        if (
            document is None
            or context.query is None  # a document given parsed: no text to know it by
            or not rules
            or context.pre_execution_errors is not None
        ):
            yield  # strawberry validates (or not) as it would
            return
        schema: GraphQLSchema = context.schema._schema
        static = tuple(rule for rule in rules if rule in _STATIC_RULES)
        key = (id(schema), context.query, static)
        if key in self.known:
            extra = tuple(rule for rule in rules if rule not in _STATIC_RULES)
            context.pre_execution_errors = validate(schema, document, extra) if extra else []
        else:
            errors = validate_document(schema, document, rules)
            if not errors:
                self.known.add(key)
            context.pre_execution_errors = errors
        yield


def cached_validation(max_documents: int = 256) -> Callable[[], SchemaExtension]:
    """A factory (an extension instance per request) sharing one set of known documents."""
    known = ValidDocuments(max_documents)
    return lambda: CachedValidation(known)
