"""Backend fixtures: every database test runs on SQLite, and on PostgreSQL when
``EXPSVC_TEST_DATABASE_URL`` is set (a fresh database per run, dropped afterwards).
Each test starts from empty tables."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete

from app.config import Settings
from app.main import create_app
from app.migrate import upgrade
from app.models import Base, User
from app.models.enums import Role
from app.resources.service import seed_pools
from app.services import Services
from app.users.service import create_user
from tests.pg import TEST_DATABASE_ENV, TEST_REDIS_ENV, create_database, drop_database


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "engine_tricks: a test of one of the GraphQL engine's speed tricks over the app this "
        "run builds, so not run when the run has them off (EXPSVC_GRAPHQL_ENGINE_TRICKS=false)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Settings().graphql_engine_tricks:
        return
    off = pytest.mark.skip(reason="this run has the GraphQL engine tricks off")
    for item in items:
        if "engine_tricks" in item.keywords:
            item.add_marker(off)


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(TEST_DATABASE_ENV) else [])


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database for this run."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "expsvc.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        yield url
        return
    server = os.environ[TEST_DATABASE_ENV]
    url = create_database(server)
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(server, url)


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir: Path = tmp_path_factory.mktemp("data")
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        artifact_store_url=f"file://{data_dir / 'artifacts'}",
        redis_url="",
    )


@pytest.fixture(scope="session")
async def services(settings: Settings) -> AsyncIterator[Services]:
    services = Services.from_settings(settings)
    async with services.db.unit_of_work() as session:
        await seed_pools(session, settings)
    yield services
    await services.close()


@pytest.fixture(autouse=True)
async def _empty_tables(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """After each database test, delete every row so the next one starts clean."""
    yield
    if "services" not in request.fixturenames:
        return
    services: Services = request.getfixturevalue("services")
    async with services.db.unit_of_work() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))
        await seed_pools(session, services.settings)  # the configured pools, as at start


@pytest.fixture(scope="session")
def app(services: Services) -> Any:
    return create_app(services.settings, services)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


MakeUser = Callable[..., Awaitable[tuple[User, str]]]


@pytest.fixture
def make_user(services: Services) -> MakeUser:
    """``await make_user(Role.DS)`` → (user, token)."""
    counter = 0

    async def make(role: Role = Role.DS, name: str | None = None) -> tuple[User, str]:
        nonlocal counter
        counter += 1
        label = name or f"{role.value.lower()}-{counter}"
        async with services.db.unit_of_work() as session:
            return await create_user(
                session, actor=None, name=label, email=f"{label}@example.test", role=role
            )

    return make


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    return os.environ.get(TEST_REDIS_ENV)
