"""Validating a known-good document once, not on every request, and never on the loop.

graphql-core's specified rules (and strawberry's two) look at the document and the
schema only, so a query text that passed them once passes them again: a single-page app
sends the same few documents over and over (the compare view's ~9 ms of validation was
~5 % of a request).

``ValidDocuments`` remembers the texts whose validation found nothing wrong (an LRU,
bounded by ``max_documents``). A remembered text is not validated again; anything else —
a new text, or one that had errors — is validated in full. The per-request checks sit
around this one: the shape limits (``schema/limits.py``) run before it and may refuse
the document outright, the cost with this request's variables (``schema/cost.py``) runs
after it on a document it found valid.

Validation of a text longer than ``INLINE_TEXT_CHARS`` runs in a worker thread: the
rules are linear in the document, but at ~20 µs a node per rule a document near the
token limit takes a second, and graphql-core's ``OverlappingFieldsCanBeMergedRule`` is
quadratic in the repeats of one field (``{me{id id id …}}``). In a thread the event loop
keeps running (it gets the interpreter at least every switch interval, 5 ms), so other
requests and ``/healthz`` are not held up behind it. Short texts — every document an
app sends — validate inline, without the thread's hand-over.

Why not strawberry's ``ValidationCache``: it overwrites ``pre_execution_errors``, so a
document the shape limits already refused (``schema/limits.py``) would be validated
after all and answered with graphql-core's errors instead of ``QUERY_TOO_COMPLEX`` alone
(and a fragment bomb walked by every rule); it validates on the event loop whatever the
length; and it keys its LRU by the parsed ``DocumentNode``, whose hash and equality walk
the whole tree on every request, where a key of the text costs one string hash. With the
tricks off, ``PlainValidation`` validates every document as strawberry itself would —
only as an extension, so that the cost (``schema/cost.py``) after it sees its result
(strawberry's own step runs after every extension's ``on_validate`` has started).

Relies on strawberry 0.341's ``validate_document`` (``strawberry.schema.schema``) and its
private ``Schema._schema`` (the graphql-core schema), read through
``schema.engine.graphql_schema``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Hashable, Iterator

from cachetools import LRUCache
from graphql import GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from schema.threaded_parsing import INLINE_TEXT_CHARS


class ValidDocuments:
    """The keys of documents that passed validation, least recently used dropped."""

    def __init__(self, max_documents: int) -> None:
        self.max_documents = max_documents
        self._known: LRUCache[Hashable, bool] = LRUCache(max_documents)

    def __contains__(self, key: Hashable) -> bool:
        return self._known.get(key, False)  # a hit is the most recently used

    def add(self, key: Hashable) -> None:
        self._known[key] = True

    def __len__(self) -> int:
        return len(self._known)


class CachedValidation(SchemaExtension):
    """Validation that skips a document that passed before, and leaves the loop free
    while it validates a long one."""

    def __init__(self, known: ValidDocuments) -> None:
        self.known = known

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        rules = tuple(context.validation_rules)
        if document is None or not rules or context.pre_execution_errors is not None:
            yield  # refused already (the limits), or validation turned off
            return
        schema: GraphQLSchema = context.schema._schema  # strawberry's own
        text = context.query
        key = None if text is None else (id(schema), text, rules)  # None: given parsed
        if key is not None and key in self.known:
            context.pre_execution_errors = []
        else:
            if text is None or len(text) <= INLINE_TEXT_CHARS:
                errors = validate_document(schema, document, rules)
            else:
                errors = await asyncio.to_thread(validate_document, schema, document, rules)
            if not errors and key is not None:
                self.known.add(key)
            context.pre_execution_errors = errors
        yield


class PlainValidation(SchemaExtension):
    """Strawberry's validation step, as an extension: every document, inline."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        rules = tuple(context.validation_rules)
        if document is not None and rules and context.pre_execution_errors is None:
            schema: GraphQLSchema = context.schema._schema  # strawberry's own
            context.pre_execution_errors = validate_document(schema, document, rules)
        yield


def cached_validation(max_documents: int = 256) -> Callable[[], SchemaExtension]:
    """A factory (an extension instance per request) sharing one set of known documents."""
    known = ValidDocuments(max_documents)
    return lambda: CachedValidation(known)
