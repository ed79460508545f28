"""Alembic environment for the Experiment Service.

Migrations run over the service's async drivers (asyncpg, aiosqlite): an async engine is
created and the migration functions run inside ``connection.run_sync``. The URL comes, in
order, from ``config.attributes["url"]`` (set by :func:`app.migrate.alembic_config`), from
``alembic -x url=...`` or else from ``Settings().database_url``.

A caller that already holds a sync :class:`~sqlalchemy.engine.Connection` (for example
inside ``await async_conn.run_sync(...)``) can pass it as ``config.attributes["connection"]``;
migrations then run on it and no engine or event loop is created here.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import async_engine_from_config

import app.models
from app.config import Settings
from app.migrate import context_options, ensure_sqlite_folder

config = context.config

# The alembic command line configures logging from alembic.ini; app.migrate turns this off
# (configure_logger=False) so that running migrations from the app leaves its logging alone.
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = app.models.Base.metadata


def database_url() -> str:
    """The URL to migrate: attributes, then ``-x url=...``, then the settings."""
    url = config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("url")
    return str(url) if url else Settings().database_url


# A fixed key for the migration lock (any 64-bit number unique to this purpose)
LOCK_KEY = 0x657870737663_0001


def run_migrations_offline() -> None:
    """Emit the migration SQL to the script output instead of running it."""
    url = database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **context_options(make_url(url).get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    """Run the migrations on a sync connection (called through ``run_sync``)."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        **context_options(connection.dialect.name),
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # replicas starting together migrate one at a time; the others then find the
            # database at head (the lock ends with the migration's transaction)
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        context.run_migrations()


async def run_async_migrations(url: str) -> None:
    """Open an async engine on ``url`` and run the migrations on one connection.

    app.db.make_engine is deliberately not used: its SQLite ``PRAGMA foreign_keys=ON``
    would get in the way of batch (copy-and-move) table changes, and its pool settings
    clash with the NullPool a one-shot migration run wants.
    """
    ensure_sqlite_folder(url)
    connectable = async_engine_from_config(
        {"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    try:
        async with connectable.connect() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await connectable.dispose()


def run_migrations_online() -> None:
    """Run the migrations on a given sync connection, or on a fresh async engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
        return
    asyncio.run(run_async_migrations(database_url()))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
