"""PostgreSQL's JIT is off on every connection of the service (``app.db.make_engine``): the
metric reads' plans would otherwise be JIT-compiled for far longer than they run. A caller's
own ``jit`` server setting wins."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db import make_engine
from app.services import Services


def _postgresql_only(services: Services) -> None:
    if services.db.dialect != "postgresql":
        pytest.skip("PostgreSQL's setting")  # SQLite has no JIT


async def test_jit_is_off_in_units_of_work_readers_and_the_raw_driver(services: Services) -> None:
    _postgresql_only(services)
    async with services.db.unit_of_work() as session:
        assert await session.scalar(text("SHOW jit")) == "off"
    async with services.db.reader() as session:
        assert await session.scalar(text("SHOW jit")) == "off"
    async with services.db.autocommit_driver() as driver:
        assert await driver.fetchval("SHOW jit") == "off"


async def test_a_callers_own_jit_setting_wins(services: Services) -> None:
    _postgresql_only(services)
    engine = make_engine(
        services.settings.database_url,
        connect_args={"server_settings": {"jit": "on", "application_name": "jit-test"}},
    )
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SHOW jit")) == "on"
            assert await connection.scalar(text("SHOW application_name")) == "jit-test"
    finally:
        await engine.dispose()
