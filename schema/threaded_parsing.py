"""Parsing a long GraphQL text in a worker thread, so the event loop is not held by it.

graphql-core's parser takes ~10 µs a token, so a document near the token limit
(``EXPSVC_QUERY_MAX_TOKENS``) is tens of milliseconds of parsing; in a thread the loop
keeps serving other requests meanwhile (it gets the interpreter at least every switch
interval). A text up to ``INLINE_TEXT_CHARS`` — every document an app sends — parses
inline as before. A text that fails to parse is left to strawberry, which parses it
again on the loop and reports the error as usual (the token limit bounds that).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import suppress

from graphql import GraphQLError, parse
from strawberry.extensions import SchemaExtension

# Texts up to this long parse (and validate, ``schema/engine/validation_cache.py``) on the
# event loop: a few ms at most
INLINE_TEXT_CHARS = 4096


class ThreadedParsing(SchemaExtension):
    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        text = context.query
        if context.graphql_document is None and text is not None and len(text) > INLINE_TEXT_CHARS:
            with suppress(GraphQLError):  # strawberry's own parse reports it
                context.graphql_document = await asyncio.to_thread(
                    parse, text, **context.parse_options
                )
        yield
