"""Schema migrations: sync helpers around Alembic for the CLI and the tests.

Every helper here runs its own event loop (``migrations/env.py`` and
:func:`pending_model_changes` call :func:`asyncio.run`), so they must be called from
synchronous code. An async caller runs them in a worker thread::

    await asyncio.to_thread(upgrade, url)

The migration scripts live in ``migrations/`` and ``alembic.ini`` next to the ``app``
package (the project root); they are found from there, whatever the working directory.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import pool
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def context_options(dialect_name: str) -> dict[str, Any]:
    """Options for ``context.configure`` / ``MigrationContext`` shared with ``env.py``.

    Types are compared during autogenerate, and SQLite gets batch (copy-and-move) mode
    because it cannot alter most things in place.
    """
    return {"compare_type": True, "render_as_batch": dialect_name == "sqlite"}


def ensure_sqlite_folder(url: str) -> None:
    """For a SQLite file URL, create the folder that will hold the database file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if parsed.database.startswith("file:"):  # URI filenames are left to the driver
            return
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def alembic_config(url: str) -> Config:
    """An Alembic config for the project's migrations, targeting ``url``.

    The URL travels in ``config.attributes["url"]`` (not in the ini options, where ``%``
    would be read as interpolation). Logging is not reconfigured from ``alembic.ini``
    (``attributes["configure_logger"] = False``); set it to True to get the ini's loggers.
    """
    config = Config(str(ALEMBIC_INI)) if ALEMBIC_INI.is_file() else Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    return config


def _require_sync_caller(name: str) -> None:
    """Fail clearly when called on a running event loop (asyncio.run would fail later)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(
        f"app.migrate.{name}() runs its own event loop; from async code call it as "
        f"`await asyncio.to_thread({name}, url, ...)`"
    )


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision`` (default: the latest)."""
    _require_sync_caller("upgrade")
    ensure_sqlite_folder(url)
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Migrate the database at ``url`` down to ``revision`` (default: an empty schema)."""
    _require_sync_caller("downgrade")
    ensure_sqlite_folder(url)
    command.downgrade(alembic_config(url), revision)


def _compare(connection: Connection) -> list[Any]:
    # Imported here so that importing this module (as env.py does) stays light.
    from app.models import Base

    context = MigrationContext.configure(
        connection,
        opts={"target_metadata": Base.metadata, **context_options(connection.dialect.name)},
    )
    return list(compare_metadata(context, Base.metadata))


async def _pending_model_changes(url: str) -> list[Any]:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_compare)
    finally:
        await engine.dispose()


def pending_model_changes(url: str) -> list[Any]:
    """The differences between the database at ``url`` and the models, as Alembic diffs.

    Empty when the migrations applied to the database produce exactly the models' schema
    (tables, columns, types, indexes, constraints); anything else means a migration is
    missing. The entries are Alembic's autogenerate diff tuples (or lists of them).
    """
    _require_sync_caller("pending_model_changes")
    ensure_sqlite_folder(url)
    return asyncio.run(_pending_model_changes(url))
