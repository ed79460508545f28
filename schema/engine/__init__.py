"""Everything in ``schema/`` that relies on graphql-core's or strawberry's internals.

The rest of ``schema/`` calls what this module exports and nothing below it. The modules
here were written for graphql-core 3.3 and strawberry 0.341 (``versions.py``; pinned in
``pyproject.toml``), and each says which internals it relies on. Two kinds:

* **Speed tricks**, switchable: ``EXPSVC_GRAPHQL_ENGINE_TRICKS`` (default on) and turned
  off anyway, with a warning, when the installed versions are not the ones written for.
  Off, the answers are the same, only slower:

  - ``fast_lists``: lists of plain objects (and ``Columns``: the points of a series)
    completed in one loop instead of graphql-core's per field;
  - ``shared_events`` and ``live_delivery``: a live event executed once per subscription
    shape and written straight to the subscribers' sockets;
  - ``validation_cache``: a valid text validated once, a long one in a worker thread
    (off: ``PlainValidation``, strawberry's own step);
  - ``variable_coercion`` and ``threaded_arguments``: large variables and arguments
    coerced and converted in a worker thread;
  - ``plain_inputs``: input objects of plain values built in one call.

* **Features** that need the internals, on either way: the response size cap
  (``response_size``: an executor that counts what it completes), the websocket
  handlers' admission, idle limits and pings (``websockets``), and the ASGI app itself
  (``asgi``: request size limit, streamed uploads; ``app/main.py`` mounts
  ``schema.engine.asgi.GraphQLApp`` with the schema ``schema/build.py`` builds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLSchema
from strawberry.extensions import SchemaExtension

from app.config import Settings
from schema.engine.fast_lists import Columns
from schema.engine.live_delivery import DirectDelivery, direct_delivery
from schema.engine.plain_inputs import plain_input, use_plain_inputs
from schema.engine.response_size import ResponseSizeExecutor
from schema.engine.shared_events import SharedEventExecutor, encoded_payload, shared
from schema.engine.threaded_arguments import convert_large_arguments_in_threads
from schema.engine.tricks import mark, tricks_on
from schema.engine.validation_cache import PlainValidation, cached_validation
from schema.engine.variable_coercion import ThreadedCoercionExecutor, ThreadedVariableCoercion
from schema.engine.versions import installed_match

__all__ = [
    "Columns",
    "DirectDelivery",
    "Engine",
    "direct_delivery",
    "encoded_payload",
    "graphql_schema",
    "plain_input",
    "shared",
    "tricks_on",
]

Factory = Callable[[], SchemaExtension]

# Fields whose list arguments run to thousands of input objects: converted in a worker
# thread when large (``threaded_arguments``)
BULK_INPUT_FIELDS = (("Mutation", "logMetrics"), ("Mutation", "logMessages"))


class TrickExecutor(ThreadedCoercionExecutor, SharedEventExecutor):
    """The executor with every trick: variables coerced in a thread, shared live events,
    fast lists, under the response size cap."""


@dataclass(frozen=True)
class Engine:
    """What a schema built with ``settings`` gets from the engine."""

    tricks: bool
    max_response_bytes: int

    @classmethod
    def for_settings(cls, settings: Settings) -> Engine:
        """Tricks as the setting says, and only on the versions written for (checked,
        and warned about, once per process)."""
        tricks = settings.graphql_engine_tricks and installed_match()
        return cls(tricks=tricks, max_response_bytes=settings.max_response_bytes)

    def validation(self) -> list[Factory]:
        """Validation, in its place among the extensions (before the cost)."""
        return [cached_validation()] if self.tricks else [PlainValidation]

    def execution(self) -> list[Any]:
        """Extensions to add last, around execution."""
        return [ThreadedVariableCoercion] if self.tricks else []

    def executor(self) -> type[ResponseSizeExecutor]:
        base = TrickExecutor if self.tricks else ResponseSizeExecutor
        return type("BoundedResponseExecutor", (base,), {"max_bytes": self.max_response_bytes})

    def finish(self, schema: strawberry.Schema) -> None:
        """The tricks that change the built schema, and the mark ``tricks_on`` reads."""
        if self.tricks:
            convert_large_arguments_in_threads(graphql_schema(schema), BULK_INPUT_FIELDS)
        use_plain_inputs(self.tricks)
        mark(schema, self.tricks)


def graphql_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema behind a strawberry one (strawberry's private
    ``_schema``; ``as_str`` and the like are its only public views)."""
    found: GraphQLSchema = schema._schema
    return found
