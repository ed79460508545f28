"""CPU work that grows with a batch: inline when small, in a worker thread when large.

Validating 10,000 log lines (pydantic) or turning 10,000 metric points into a columnar
batch takes tens to hundreds of milliseconds of CPU; on the event loop that holds every
other request for as long. ``sized`` runs such a pure function in a worker thread once
its input has more than ``INLINE_ITEMS`` items (the loop keeps running meanwhile: a
thread gets the interpreter back at least every switch interval), and inline otherwise,
without the thread's hand-over. Exceptions come back as raised.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

# Up to this many items a batch is converted on the event loop (a few ms at most)
INLINE_ITEMS = 1000

P = ParamSpec("P")
R = TypeVar("R")


def more_values_than(value: object, limit: int) -> bool:
    """Whether ``value`` (JSON-like: dicts, lists, tuples, scalars) holds more than
    ``limit`` values, counted through every level; stops counting past it, so this costs
    at most ``limit`` steps whatever the size."""
    pending = [value]
    count = 0
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            count += len(item)
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            count += len(item)
            pending.extend(item)
        if count > limit:
            return True
    return False


async def sized(items: int, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``fn(*args, **kwargs)``, in a worker thread when ``items`` > ``INLINE_ITEMS``."""
    if items <= INLINE_ITEMS:
        return fn(*args, **kwargs)
    return await asyncio.to_thread(fn, *args, **kwargs)


async def sized_by(value: object, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``fn(*args, **kwargs)``, in a worker thread when ``value`` (the raw input ``fn``
    works through) holds more than ``INLINE_ITEMS`` values."""
    if not more_values_than(value, INLINE_ITEMS):
        return fn(*args, **kwargs)
    return await asyncio.to_thread(fn, *args, **kwargs)
