"""Parsing a GraphQL text once, and a long one in a worker thread.

A single-page app sends the same few documents over and over; graphql-core's parser takes
~10 µs a token (the compare view's text, ~0.75 ms a request), so a text up to
``INLINE_TEXT_CHARS`` — every document an app sends — is parsed on the event loop once and
its document kept (``parsed``: an LRU by the text and the parse options, such as the token
limit). graphql-core treats a document as immutable, so requests share it.

A longer text (near the token limit, ``EXPSVC_QUERY_MAX_TOKENS``: tens of milliseconds of
parsing) is parsed in a worker thread each time, so the loop keeps serving other requests
meanwhile (it gets the interpreter at least every switch interval), and is not kept. A
text that fails to parse is left to strawberry, which parses it again on the loop and
reports the error as usual (the token limit bounds that); a failure is never kept.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Mapping
from contextlib import suppress
from typing import Any

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

# Texts up to this long parse (and validate, ``schema/engine/validation_cache.py``) on the
# event loop: a few ms at most
INLINE_TEXT_CHARS = 4096

# Documents kept: an app's few texts, with room for GraphiQL users' own
KEPT_DOCUMENTS = 256


@functools.lru_cache(maxsize=KEPT_DOCUMENTS)
def parsed(text: str, options: tuple[tuple[str, Any], ...]) -> DocumentNode:
    """The document of ``text`` parsed with ``options`` (``parse``'s keyword arguments as
    sorted pairs); raises ``GraphQLError`` as ``parse`` does, and then keeps nothing."""
    return parse(text, **dict(options))


def _options(parse_options: Mapping[str, object]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(parse_options.items()))


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
                    context.graphql_document = parsed(text, _options(context.parse_options))
        yield
