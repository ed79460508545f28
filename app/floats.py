"""The float rules, written once: which values are finite, how NaN and ±Infinity are
spelled where JSON cannot hold them, and how NaN is stored.

- JSON has no NaN or infinities. REST, the MLflow-compatible API and the mirrors spell
  them as the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"`` (``spelled``) and read
  those strings back (``SPELLED``); GraphQL's ``Float`` answers them as null
  (``finite_or_none``).
- SQLite cannot hold NaN, so every store keeps NaN as NULL and reads NULL back as NaN
  (``stored_value``, ``read_value``); infinities are kept as they are.
- Only finite values count in a minimum or a maximum (``is_finite``).
"""

from __future__ import annotations

import math

SPELLED: dict[str, float] = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def is_finite(value: float) -> bool:
    """Not NaN and not ±Infinity (one subtraction: cheaper than ``math.isfinite``)."""
    return value - value == 0


def all_finite(values: list[float]) -> bool:
    """No NaN or ±Infinity among ``values``, by one C-level sum: it is NaN or infinite if
    any value is. An overflowing sum of finite values also says no, so a caller must treat
    False as "check one by one", never as "there is one"."""
    total = sum(values)
    return bool(total - total == 0.0)


def spelled(value: float) -> float | str:
    """A value for JSON: finite ones as they are, the others as "NaN", "Infinity" or
    "-Infinity"."""
    if value - value == 0:
        return value
    if value != value:
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def finite_or_none(value: float | None) -> float | None:
    """A value for GraphQL's ``Float``, which has no NaN or infinities: those are null."""
    return value if value is not None and value - value == 0 else None


def stored_value(value: float) -> float | None:
    """NaN is kept as NULL (SQLite cannot hold NaN); infinities as they are."""
    return None if value != value else value


def read_value(stored: float | None) -> float:
    """A stored value as read back: NULL is NaN."""
    return math.nan if stored is None else float(stored)
