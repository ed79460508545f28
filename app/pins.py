"""Code that reaches into a library's internals is pinned to the versions it was written
for and checked when the service starts (``schema/engine/versions.py``, the W&B mirror's
``app/integrations/wandb/console.py``, SQLite's one-call write ``app/sqlite_thread.py``);
these are the two facts every such check reads."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def installed(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def minor(text: str) -> tuple[int, int]:
    """``"3.3.2"`` -> ``(3, 3)``; ``"0.341.2.dev1"`` -> ``(0, 341)``; ``"3.3"`` -> ``(3, 3)``."""
    major, minor_part = text.split(".")[:2]
    return int(major), int("".join(c for c in minor_part if c.isdigit()) or 0)
