"""Rate limits counted in Redis: shared by replicas, atomic, keys that expire; and a Redis
that cannot be reached lets requests through.

The tests on a real Redis are defined only where one is given (``EXPSVC_TEST_REDIS_URL``;
CI sets it); each uses a key prefix of its own, removed afterwards."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import redis.asyncio as redis

from app.config import Settings
from app.main import create_app
from app.models.enums import Role
from app.rate_limits import Allowance, RedisCounter
from app.services import Services
from tests.pg import TEST_REDIS_ENV
from tests.rate_limits.helpers import OFF
from tests.rest.helpers import API, bearer

REDIS_URL = os.environ.get(TEST_REDIS_ENV)


async def test_an_unreachable_redis_lets_requests_through():
    client = redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    try:
        counter = RedisCounter(client, "expsvc-test:")
        assert await counter.take("reads:t:x", 1, Allowance(1, 60.0)) == 0.0
        assert await counter.take("reads:t:x", 1, Allowance(1, 60.0)) == 0.0
    finally:
        await client.aclose()


if REDIS_URL:

    @pytest.fixture
    async def prefix() -> AsyncIterator[str]:
        value = f"expsvc-test-{uuid.uuid4().hex[:8]}:"
        yield value
        client = redis.from_url(REDIS_URL)
        keys = [key async for key in client.scan_iter(f"{value}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()

    @pytest.fixture
    async def client() -> AsyncIterator[redis.Redis]:
        connection = redis.from_url(REDIS_URL)
        yield connection
        await connection.aclose()

    @asynccontextmanager
    async def replica(settings: Settings, **changes: object) -> AsyncIterator[httpx.AsyncClient]:
        """An app as ``expsvc serve`` builds it on Redis: its own Services, shared Redis."""
        changed = settings.model_copy(update={"redis_url": REDIS_URL, **OFF, **changes})
        services = Services.from_settings(changed)
        try:
            transport = httpx.ASGITransport(
                app=create_app(changed, services), raise_app_exceptions=False
            )
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                yield http
        finally:
            await services.close()

    async def test_two_replicas_share_a_tokens_allowance(settings, make_user, prefix):
        _, token = await make_user(Role.DS)
        _, other = await make_user(Role.DS)
        limits = {"redis_key_prefix": prefix, "rate_limit_reads_per_minute": 3}
        async with replica(settings, **limits) as first, replica(settings, **limits) as second:
            assert (await first.get(f"{API}/experiments", headers=bearer(token))).is_success
            assert (await second.get(f"{API}/experiments", headers=bearer(token))).is_success
            assert (await first.get(f"{API}/experiments", headers=bearer(token))).is_success
            refused = await second.get(f"{API}/experiments", headers=bearer(token))
            assert refused.status_code == 429
            assert refused.json()["error"]["code"] == "RATE_LIMITED"
            assert 1 <= int(refused.headers["Retry-After"]) <= 20
            assert (await first.get(f"{API}/experiments", headers=bearer(other))).is_success

    async def test_concurrent_takes_never_exceed_the_allowance(client, prefix):
        counters = [RedisCounter(client, prefix) for _ in range(2)]
        allowance = Allowance(50, 60.0)
        waits = await asyncio.gather(
            *(counters[i % 2].take("reads:t:x", 1, allowance) for i in range(80))
        )
        assert sum(1 for wait in waits if wait == 0.0) == 50

    async def test_a_refused_take_takes_nothing_and_says_how_long(client, prefix):
        counter = RedisCounter(client, prefix)
        points = Allowance(1000, 1.0)
        assert await counter.take("ingest:t:x", 800, points) == 0.0
        wait = await counter.take("ingest:t:x", 500, points)
        assert 0.0 < wait <= 0.3
        assert await counter.take("ingest:t:x", 150, points) == 0.0  # the 500 took nothing

    async def test_keys_live_under_the_prefix_and_expire_once_refilled(client, prefix):
        counter = RedisCounter(client, prefix)
        await counter.take("reads:t:x", 1, Allowance(600, 60.0))  # full again in 100 ms
        await counter.take("mutations:t:x", 60, Allowance(60, 60.0))  # full again in 60 s
        await counter.take("unauthenticated:a:10.0.0.1", 0, Allowance(10, 60.0))  # asks only
        keys = sorted([key.decode() async for key in client.scan_iter(f"{prefix}*")])
        assert keys == [f"{prefix}ratelimit:mutations:t:x", f"{prefix}ratelimit:reads:t:x"]
        assert 0 < await client.pttl(f"{prefix}ratelimit:reads:t:x") <= 1100
        assert 60_000 < await client.pttl(f"{prefix}ratelimit:mutations:t:x") <= 61_000
        ingest = Allowance(1_000_000, 1.0)
        await counter.take("ingest:t:x", 10, ingest)  # full again in 10 µs: lives ~1 s
        for _ in range(60):  # Redis removes it once its TTL has passed
            if not await client.exists(f"{prefix}ratelimit:ingest:t:x"):
                break
            await asyncio.sleep(0.05)
        assert not await client.exists(f"{prefix}ratelimit:ingest:t:x")
