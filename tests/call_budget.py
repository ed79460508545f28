"""Bounding the work a step does by counting calls, so a super-linear walk fails fast.

``call_budget(limit)`` counts the Python calls made in the query-validation code (our
limits, cost and validation cache, and graphql-core's validation) while its block runs,
through ``sys.settrace``; past ``limit`` the call being made raises ``CallBudgetExceeded``
instead of running. A walker that expands fragments again for every spread (2^40 calls
for a 40-level fragment bomb) then fails within ``limit`` calls rather than hanging the
test run, and a linear one stays far below it. It traces the current thread only: run the
server in the test's own event loop (httpx's ASGI transport, ``tests/live``'s uvicorn).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import graphql

ROOT = Path(__file__).resolve().parents[1]
WATCHED = (
    str(ROOT / "schema" / "limits.py"),
    str(ROOT / "schema" / "cost.py"),
    str(ROOT / "schema" / "validation_cache.py"),
    str(Path(graphql.__file__).parent / "validation"),
)


class CallBudgetExceeded(Exception):
    pass


@dataclass
class Calls:
    limit: int
    count: int = 0


@contextmanager
def call_budget(limit: int, watched: tuple[str, ...] = WATCHED) -> Iterator[Calls]:
    calls = Calls(limit)

    def trace(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename.startswith(watched):
            calls.count += 1
            if calls.count > limit:
                raise CallBudgetExceeded(f"more than {limit} calls in {watched}")

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        yield calls
    finally:
        sys.settrace(previous)
