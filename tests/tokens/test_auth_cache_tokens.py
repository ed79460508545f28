"""The auth cache and tokens: revocation on this replica and on another one, expiry inside
a cached entry, and ``lastUsedAt`` written at most once a minute, off the request's path.

"Another replica" is a second ``Services`` and app on the same database, each with its own
auth cache, as two server processes have. Cache clocks are replaced by a hand-moved clock
where the test is about time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from app.errors import Unauthenticated
from app.main import create_app
from app.models import ApiToken
from app.models.base import utcnow
from app.models.enums import Role
from app.services import Services
from app.users.api_tokens import touch_last_used
from app.users.auth_cache import AuthCache
from tests.graphql import error_codes, gql, ok
from tests.tokens.helpers import new_token, set_expiry, token_row

ME = "{ me { id } }"
REVOKE = "mutation($id: ID!) { revokeApiToken(id: $id) { id } }"


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
async def other_replica(services: Services) -> AsyncIterator[tuple[Services, httpx.AsyncClient]]:
    """A second app on the same database, with its own auth cache (TTL 60 s)."""
    settings = services.settings.model_copy(update={"auth_cache_ttl_seconds": 60.0})
    replica = Services.from_settings(settings)
    transport = httpx.ASGITransport(app=create_app(settings, replica))
    async with httpx.AsyncClient(transport=transport, base_url="http://replica") as client:
        yield replica, client
    await replica.close()


async def test_a_revocation_reaches_another_replica_within_its_cache_ttl(
    client: httpx.AsyncClient, make_user: Any, services: Services, other_replica: Any
) -> None:
    replica, replica_client = other_replica
    clock = Clock()
    replica.auth.clock = clock
    owner, owner_token = await make_user(Role.DS)
    target_id, target = await new_token(services, owner)
    for answering in (client, replica_client):  # both replicas have it cached
        assert (await ok(answering, ME, token=target))["me"]["id"] == str(owner.id)

    await ok(client, REVOKE, {"id": str(target_id)}, token=owner_token)
    assert error_codes(await gql(client, ME, token=target)) == ["UNAUTHENTICATED"]  # at once
    clock.advance(59)  # the other replica still trusts its lookup: the stated bound
    assert (await ok(replica_client, ME, token=target))["me"]["id"] == str(owner.id)
    clock.advance(1)  # its TTL is over: it looks again
    assert error_codes(await gql(replica_client, ME, token=target)) == ["UNAUTHENTICATED"]


async def test_with_no_cache_ttl_a_revocation_elsewhere_is_seen_at_once(
    services: Services, make_user: Any
) -> None:
    owner, _ = await make_user(Role.DS)
    target_id, target = await new_token(services, owner)
    elsewhere = AuthCache(services.db, ttl=0)
    assert (await elsewhere.user(target)).id == owner.id
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(ApiToken).where(ApiToken.id == target_id).values(revoked_at=utcnow())
        )
    with pytest.raises(Unauthenticated, match="revoked"):
        await elsewhere.user(target)
    await elsewhere.drain()


async def test_a_cached_token_stops_at_its_expiry(services: Services, make_user: Any) -> None:
    owner, _ = await make_user(Role.DS)
    token_id, token = await new_token(services, owner)
    clock = Clock()
    await set_expiry(services, token_id, clock.now + timedelta(seconds=30))
    cache = AuthCache(services.db, ttl=3600, clock=clock)
    assert (await cache.user(token)).id == owner.id
    clock.advance(29)
    assert (await cache.user(token)).id == owner.id
    clock.advance(1)
    with pytest.raises(Unauthenticated, match="expired"):
        await cache.user(token)
    await cache.drain()


async def test_last_use_is_written_at_most_once_a_minute(
    services: Services, make_user: Any
) -> None:
    owner, _ = await make_user(Role.DS)
    token_id, token = await new_token(services, owner)
    clock = Clock()
    start = clock.now
    cache = AuthCache(services.db, ttl=10, clock=clock)
    assert (await token_row(services, token_id)).last_used_at is None

    await cache.user(token)
    await cache.drain()
    assert (await token_row(services, token_id)).last_used_at == start

    for _ in range(5):  # within the minute: from memory (TTL over: from the database)
        clock.advance(11)
        await cache.user(token)
        assert not cache._writes  # no write even started
    assert (await token_row(services, token_id)).last_used_at == start

    clock.advance(5)  # 60 s after the recorded use
    await cache.user(token)
    await cache.drain()
    assert (await token_row(services, token_id)).last_used_at == start + timedelta(seconds=60)


async def test_replicas_do_not_rewrite_each_others_last_use(
    services: Services, make_user: Any
) -> None:
    owner, _ = await make_user(Role.DS)
    token_id, token = await new_token(services, owner)
    clock = Clock()
    first = AuthCache(services.db, clock=clock)
    await first.user(token)
    await first.drain()
    start = clock.now

    clock.advance(10)
    second = AuthCache(services.db, clock=clock)  # reads the recorded use with the token
    await second.user(token)
    assert not second._writes
    # and the UPDATE itself is conditional, for replicas that looked up before the write
    async with services.db.unit_of_work() as session:
        await touch_last_used(session, token_id=token_id, now=clock.now)
    assert (await token_row(services, token_id)).last_used_at == start


async def test_authentication_does_not_wait_for_the_last_use_write(
    services: Services, make_user: Any
) -> None:
    """The write is blocked (the token's row is locked by another transaction); the
    lookup answers anyway, and the write lands once the lock is gone."""
    owner, _ = await make_user(Role.DS)
    token_id, token = await new_token(services, owner)
    cache = AuthCache(services.db)
    async with services.db.unit_of_work() as session:
        await session.execute(update(ApiToken).where(ApiToken.id == token_id).values(name="locked"))
        user = await asyncio.wait_for(cache.user(token), timeout=20)  # a deadlock guard
        assert user.id == owner.id
        assert cache._writes  # the write is waiting for the lock
    await cache.drain()
    assert (await token_row(services, token_id)).last_used_at is not None


async def test_requests_record_the_last_use(
    client: httpx.AsyncClient, make_user: Any, services: Services
) -> None:
    owner, _ = await make_user(Role.DS)
    token_id, token = await new_token(services, owner)
    before = utcnow()
    await ok(client, ME, token=token)
    await services.auth.drain()
    used = (await token_row(services, token_id)).last_used_at
    assert used is not None and used >= before - timedelta(seconds=1)
    listed = await ok(client, "{ apiTokens { id lastUsedAt } }", token=token)
    mine = {t["id"]: t["lastUsedAt"] for t in listed["apiTokens"]}
    assert datetime.fromisoformat(mine[str(token_id)]) == used
