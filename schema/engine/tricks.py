"""The mark a schema carries of whether it was built with the engine's speed tricks."""

from __future__ import annotations

_TRICKS = "_expsvc_engine_tricks"


def mark(schema: object, tricks: bool) -> None:
    setattr(schema, _TRICKS, tricks)


def tricks_on(schema: object) -> bool:
    """Whether ``schema`` was built with the tricks (a schema not built here: no)."""
    return bool(getattr(schema, _TRICKS, False))
