"""The database as the command line meets it: where it is, creating it, and saying in one
line why it cannot be reached (instead of a driver's traceback)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

E = TypeVar("E", bound=BaseException)


class DatabaseProblem(Exception):
    """The database cannot be used as configured; the message is the one line to print."""


def migrate(url: str, *, may_create: bool) -> None:
    """Bring the database to the latest revision. A SQLite file that does not exist yet is
    created (and said so) only when ``may_create``; otherwise it is refused."""
    from app.migrate import upgrade  # Alembic, only for the commands that migrate

    path = sqlite_file(url)
    new = path is not None and not path.exists()
    if new and not may_create:
        require_existing(url)
    upgrade(url)
    if new:
        print(f"Created a new database at {path}")


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (absolute), or None (not SQLite, in memory, a URI name)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    name = parsed.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name).absolute()


def describe(url: str) -> str:
    """The database for people: a file path, or ``PostgreSQL "db" at host:port``."""
    path = sqlite_file(url)
    if path is not None:
        return str(path)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return url
    return f'PostgreSQL database "{parsed.database}" at {_address(parsed)}'


def _address(parsed: URL) -> str:
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


def require_existing(url: str) -> None:
    """Refuse a SQLite file that does not exist yet: a command that only uses the database
    must not quietly start a new, empty one somewhere else than the server's."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise DatabaseProblem(
            f"no database at {path}. Run this where `expsvc serve` runs (or set EXPSVC_HOME "
            "to its home folder, or EXPSVC_DATABASE_URL); `expsvc db upgrade` creates a new one"
        )


async def create_database(url: str) -> bool:
    """Create the database named in ``url``; False if it exists already.

    PostgreSQL: ``CREATE DATABASE`` through the server's ``postgres`` maintenance database
    (as the URL's user, who needs the CREATEDB privilege). SQLite: the folder and the file.
    """
    path = sqlite_file(url)
    if path is not None:
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        sqlite3.connect(path).close()
        return True
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        raise DatabaseProblem(f"cannot create {describe(url)}: not a PostgreSQL or SQLite file")
    import asyncpg

    engine = create_async_engine(
        parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", pool_size=1
    )
    quoted = '"' + parsed.database.replace('"', '""') + '"'
    try:
        async with engine.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            )
            if exists:
                return False
            await connection.execute(text(f"CREATE DATABASE {quoted}"))
            return True
    except Exception as error:
        if _find(error, asyncpg.DuplicateDatabaseError) is not None:
            return False  # created meanwhile
        raise
    finally:
        await engine.dispose()


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _find(error: BaseException, kind: type[E]) -> E | None:
    for one in _chain(error):
        if isinstance(one, kind):
            return one
    return None


def connection_problem(error: BaseException, url: str) -> str | None:
    """One line saying why the database at ``url`` could not be reached, or None when
    ``error`` is not about reaching it."""
    path = sqlite_file(url)
    if path is not None:
        opened = _find(error, sqlite3.OperationalError)
        if opened is not None and "unable to open" in str(opened):
            return f"cannot open the SQLite database {path}: {opened}"
        return None
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    import asyncpg

    where = _address(parsed)
    if _find(error, asyncpg.InvalidCatalogNameError) is not None:
        return (
            f'the database "{parsed.database}" does not exist on PostgreSQL at {where}; '
            "create it with `expsvc db create` (or createdb), then start again"
        )
    refused = _find(error, asyncpg.InvalidAuthorizationSpecificationError) or _find(
        error, asyncpg.InvalidPasswordError
    )
    if refused is not None:
        return f"PostgreSQL at {where} refused the login: {refused} (see EXPSVC_DATABASE_URL)"
    unreachable = _find(error, OSError)
    if unreachable is not None:
        reason = unreachable.strerror or str(unreachable) or type(unreachable).__name__
        return (
            f"cannot reach PostgreSQL at {where} ({reason}); is it running, and is "
            "EXPSVC_DATABASE_URL right?"
        )
    return None
