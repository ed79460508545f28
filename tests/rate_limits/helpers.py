"""An app on the test database with rate limits of a test's choosing, counted in memory on
a clock the test moves (nothing here depends on how fast the machine is)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.rate_limits import MemoryCounter, RateLimits
from app.services import Services

# Every limit off, so a test turns on only what it checks
OFF = {
    "rate_limit_reads_per_minute": 0,
    "rate_limit_mutations_per_minute": 0,
    "rate_limit_ingest_points_per_second": 0,
    "rate_limit_unauthenticated_per_minute": 0,
}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Limited:
    services: Services
    app: Any
    clock: Clock

    @asynccontextmanager
    async def client(self, address: str = "10.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(
            app=self.app, raise_app_exceptions=False, client=(address, 40000)
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@asynccontextmanager
async def limited_app(settings: Settings, **limits: int) -> AsyncIterator[Limited]:
    changed = settings.model_copy(update={**OFF, **limits})
    clock = Clock()
    services = Services(
        settings=changed,
        db=Database(changed.database_url),
        rate_limits=RateLimits(changed, MemoryCounter(clock)),
    )
    try:
        yield Limited(services, create_app(changed, services), clock)
    finally:
        await services.close()
