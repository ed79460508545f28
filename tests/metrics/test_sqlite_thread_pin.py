"""The pinned boundary around aiosqlite's internals (app/sqlite_thread.py): the installed
aiosqlite passes; another minor, a missing aiosqlite or a missing internal is named, and
`expsvc serve` says so on SQLite only."""

from __future__ import annotations

import aiosqlite
import pytest

from app import sqlite_thread
from app.startup_checks import backing_service_warnings


def test_the_installed_aiosqlite_passes() -> None:
    assert sqlite_thread.problem() is None
    assert sqlite_thread.usable()


@pytest.mark.parametrize("version", ["0.20.0", "0.23.0", "1.0.0"])
def test_another_minor_is_named(version: str) -> None:
    found = sqlite_thread.problem(version)
    assert found is not None and found.startswith(f"aiosqlite {version} is not one")


def test_a_missing_aiosqlite_is_named(monkeypatch) -> None:
    monkeypatch.setattr(sqlite_thread, "installed", lambda name: None)
    assert sqlite_thread.problem() == "aiosqlite is not installed"


def test_a_missing_internal_is_named(monkeypatch) -> None:
    monkeypatch.delattr(aiosqlite.Connection, "_execute")
    found = sqlite_thread.problem()
    assert found is not None and found.endswith("has no Connection._execute")


async def test_the_function_runs_in_the_drivers_thread_on_its_connection(services) -> None:
    if services.db.dialect != "sqlite":
        pytest.skip("SQLite's driver")
    import sqlite3
    import threading

    def inside(connection: sqlite3.Connection, number: int) -> tuple[int, str]:
        (value,) = connection.execute("SELECT ? + 1", (number,)).fetchone()
        return value, threading.current_thread().name

    async with services.db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        value, thread = await sqlite_thread.in_driver_thread(raw.driver_connection, inside, 41)
    assert value == 42 and thread != threading.current_thread().name


async def test_serve_warns_on_sqlite_only(settings, monkeypatch) -> None:
    monkeypatch.setattr(sqlite_thread, "installed", lambda name: "0.30.0")
    on_sqlite = settings.model_copy(update={"database_url": "sqlite+aiosqlite:///x.db"})
    (line,) = await backing_service_warnings(on_sqlite)
    assert line.startswith("aiosqlite 0.30.0 is not one")
    assert line.endswith("written through a session instead (slower)")
    on_pg = settings.model_copy(update={"database_url": "postgresql+asyncpg://h/db"})
    assert await backing_service_warnings(on_pg) == []
