"""Process-wide settings of the server process (``expsvc serve``)."""

from __future__ import annotations

import gc

# Young-generation threshold: CPython's default (700 allocations) makes a downsampled read,
# which creates tens of thousands of small objects at once, trigger full collections
GC_THRESHOLDS = (10_000, 10, 10)


def tune_garbage_collector() -> None:
    """Freeze what start-up created (modules, the schema, the app: never garbage) so full
    collections stop walking it, and collect the young generation less often. On
    ``bench/compare.py``'s cold reads, full collections cost 200-350 ms a request with
    CPython's defaults and ~75 ms with this (docs/performance.md, "Compare")."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
