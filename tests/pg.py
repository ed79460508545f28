"""Throw-away PostgreSQL databases for a test run (created, then dropped)."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
from sqlalchemy.engine import make_url

TEST_DATABASE_ENV = "EXPSVC_TEST_DATABASE_URL"
TEST_REDIS_ENV = "EXPSVC_TEST_REDIS_URL"


def _dsn(url: str, database: str) -> str:
    parsed = make_url(url).set(drivername="postgresql", database=database)
    return parsed.render_as_string(hide_password=False)


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(_dsn(url, make_url(url).database or "postgres"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def create_database(server_url: str, prefix: str = "expsvc_test") -> str:
    """Create a fresh database next to ``server_url``'s; return its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, url: str) -> None:
    name = make_url(url).database
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
