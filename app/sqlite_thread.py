"""One hand-off to aiosqlite's thread for a whole SQLite transaction.

aiosqlite runs every call (cursor, execute, fetch, commit) as a hand-off to the thread that
owns the ``sqlite3`` connection and back; a metric batch through a session is ~30 of them.
``in_driver_thread`` hands that thread one function instead, which gets the ``sqlite3``
connection itself. aiosqlite has no public call for this, so this module is the one place
that uses its internals (``Connection._execute`` and ``Connection._conn``), pinned to the
versions it was written for (``WRITTEN_FOR``) and checked when the service starts
(``app/startup_checks.py``). Where ``problem()`` names a reason, callers take their
session path instead (``usable()``).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from app.pins import installed, minor

T = TypeVar("T")

# aiosqlite minors whose ``Connection._execute(fn, *args)`` runs ``fn`` in the connection's
# thread and whose ``Connection._conn`` is the ``sqlite3.Connection``
WRITTEN_FOR = ((0, 21), (0, 22))


def problem(version: str | None = None) -> str | None:
    """Why ``in_driver_thread`` cannot be used with this aiosqlite (or ``version``), or
    None."""
    found = installed("aiosqlite") if version is None else version
    if found is None:
        return "aiosqlite is not installed"
    if minor(found) not in WRITTEN_FOR:
        bounds = ", ".join(f"{a}.{b}" for a, b in WRITTEN_FOR)
        return f"aiosqlite {found} is not one this service was written for ({bounds})"
    from aiosqlite import Connection

    missing = [name for name in ("_execute", "_conn") if not hasattr(Connection, name)]
    if missing:
        return f"aiosqlite {found} has no Connection.{', Connection.'.join(missing)}"
    return None


@functools.cache
def usable() -> bool:
    """Whether this process's aiosqlite passes ``problem()`` (read once)."""
    return problem() is None


async def in_driver_thread(driver_connection: Any, fn: Callable[..., T], *args: Any) -> T:
    """``fn(connection, *args)`` run by the thread of ``driver_connection`` (aiosqlite's
    ``Connection``, as SQLAlchemy's ``driver_connection``), with its ``sqlite3.Connection``;
    what ``fn`` returns or raises. Only where ``usable()``."""

    def call() -> T:
        connection: sqlite3.Connection = driver_connection._conn
        return fn(connection, *args)

    result: T = await driver_connection._execute(call)
    return result
