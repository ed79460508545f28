"""Parsing a GraphQL text once, and a long one in a worker thread.

A single-page app sends the same few documents over and over; graphql-core's parser takes
~10 µs a token (the compare view's text, ~0.75 ms a request), so a text up to
``INLINE_TEXT_CHARS`` — every document an app sends — is parsed on the event loop once and
its document kept (``DOCUMENTS``: an LRU by the text and the parse options, such as the
token limit, bounded by the length of the texts). graphql-core treats a document as
immutable, so requests share it.

A longer text (near the token limit, ``EXPSVC_QUERY_MAX_TOKENS``: tens of milliseconds of
parsing) is parsed in a worker thread each time, so the loop keeps serving other requests
meanwhile (it gets the interpreter at least every switch interval), and is not kept. A
text that fails to parse is left to strawberry, which parses it again on the loop and
reports the error as usual (the token limit bounds that); a failure is never kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable, Mapping
from contextlib import suppress
from operator import itemgetter
from typing import Any

from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

# Texts up to this long parse (and validate, ``schema/engine/validation_cache.py``) on the
# event loop: a few ms at most
INLINE_TEXT_CHARS = 4096

# Text kept, in characters: a document is ~70 bytes a character of its text (tokens and
# locations included), so at most ~18 MB; an app's texts take a few tens of thousands
KEPT_CHARS = 256 * 1024


class KeptDocuments:
    """Parsed documents by their text and parse options, the least recently used dropped
    once the texts kept pass ``max_chars``. Used on the event loop only."""

    def __init__(self, max_chars: int) -> None:
        self._kept: LRUCache[Hashable, tuple[int, DocumentNode]] = LRUCache(
            max_chars, getsizeof=itemgetter(0)
        )

    def parsed(self, text: str, options: Mapping[str, Any]) -> DocumentNode:
        """The document of ``text`` parsed with ``options`` (``parse``'s keyword
        arguments), kept; raises ``GraphQLError`` as ``parse`` does, and keeps nothing."""
        key = (text, tuple(sorted(options.items())))
        kept = self._kept.get(key)  # a hit is the most recently used
        if kept is None:
            kept = (len(text), parse(text, **options))
            self._kept[key] = kept
        return kept[1]

    def clear(self) -> None:
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


DOCUMENTS = KeptDocuments(KEPT_CHARS)


class ThreadedParsing(SchemaExtension):
    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        text = context.query
        if context.graphql_document is None and text is not None:
            with suppress(GraphQLError):  # strawberry's own parse reports it
                if len(text) > INLINE_TEXT_CHARS:
                    context.graphql_document = await asyncio.to_thread(
                        parse, text, **context.parse_options
                    )
                else:
                    context.graphql_document = DOCUMENTS.parsed(text, context.parse_options)
        yield
