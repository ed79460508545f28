"""Tokens are looked up once per TTL; bad tokens are never remembered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from app.errors import Unauthenticated
from app.models import ApiToken
from app.models.base import utcnow
from app.models.enums import Role
from app.users.auth_cache import AuthCache


async def test_a_known_token_is_remembered_for_its_ttl(services, make_user):
    user, token = await make_user(Role.MLE)
    now = utcnow()
    cache = AuthCache(services.db, ttl=60, clock=lambda: now)
    assert (await cache.user(token)).id == user.id
    await cache.drain()
    async with services.db.unit_of_work() as session:
        await session.execute(delete(ApiToken))
    now += timedelta(seconds=59)
    assert (await cache.user(token)).id == user.id  # served from memory
    now += timedelta(seconds=1)
    with pytest.raises(Unauthenticated):
        await cache.user(token)


async def test_bad_tokens_are_refused_every_time(services):
    cache = AuthCache(services.db, size=2)
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            await cache.user("esk_nope")
    with pytest.raises(Unauthenticated):
        await cache.user(None)


async def test_the_cache_stays_bounded(services, make_user):
    cache = AuthCache(services.db, size=2)
    tokens = [(await make_user(Role.DS))[1] for _ in range(3)]
    for token in tokens:
        await cache.user(token)
    assert len(cache._entries) == 2
