"""The Redis broker, the event stream and recovery from a Redis outage.

Defined only where a Redis is given (``EXPSVC_TEST_REDIS_URL``; CI sets it). Keys and
channels use a prefix of their own per run, removed afterwards.
"""

from __future__ import annotations

import asyncio
import os
import uuid

import orjson
import pytest
import redis.asyncio as redis

from app.events.broker import GAP
from app.events.redis_broker import RedisBroker, RedisEventStream
from app.events.relay import OutboxRelay
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running, move
from tests.pg import TEST_REDIS_ENV
from tests.redis_server import PrivateRedis

REDIS_URL = os.environ.get(TEST_REDIS_ENV)

if REDIS_URL:

    @pytest.fixture
    async def prefix():
        value = f"expsvc-test-{uuid.uuid4().hex[:8]}:"
        yield value
        client = redis.from_url(REDIS_URL)
        keys = [key async for key in client.scan_iter(f"{value}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()

    async def numsub(channel: str) -> int:
        client = redis.from_url(REDIS_URL)
        try:
            ((_, count),) = await client.pubsub_numsub(channel)
            return int(count)
        finally:
            await client.aclose()

    async def test_subscriptions_are_released_in_redis(prefix):
        broker = RedisBroker(REDIS_URL, prefix=prefix)
        try:
            first = await broker.open("experiment:x")
            second = await broker.open("experiment:x")
            assert await numsub(f"{prefix}experiment:x") == 1  # one per process, shared
            await broker.publish("experiment:x", b"hello")
            assert await asyncio.wait_for(first.get(), 5) == ("experiment:x", b"hello")
            assert await asyncio.wait_for(second.get(), 5) == ("experiment:x", b"hello")
            await first.close()
            assert await numsub(f"{prefix}experiment:x") == 1
            await second.close()
            for _ in range(50):
                if await numsub(f"{prefix}experiment:x") == 0:
                    break
                await asyncio.sleep(0.05)
            assert await numsub(f"{prefix}experiment:x") == 0
        finally:
            await broker.close()

    @pytest.fixture
    async def own_relay(services):
        """Pause the session's relay (if a live server started it): this test relays."""
        running = services.relay.running
        await services.relay.stop()
        yield
        if running:
            services.relay.start()

    async def test_lifecycle_events_reach_the_stream(prefix, services, make_user, own_relay):
        broker = RedisBroker(REDIS_URL, prefix=prefix)
        stream = RedisEventStream(broker.client, f"{prefix}events")
        relay = OutboxRelay(services.db, broker, stream=stream)
        try:
            user, _ = await make_user(Role.DS)
            hypothesis = await create_hypothesis(services, user)
            experiment = await create_running(services, user, hypothesis)
            await move(services, user, experiment, "complete")
            assert await relay.run_until_empty() >= 3
            entries = await broker.client.xrange(f"{prefix}events")
            mine = [
                orjson.loads(fields[b"data"])
                for _, fields in entries
                if orjson.loads(fields[b"data"])["aggregate_id"] == str(experiment.id)
            ]
            assert [e["event_type"] for e in mine] == [
                "ExperimentCreated",
                "ExperimentStarted",
                "ExperimentCompleted",
            ]
            assert len({e["event_id"] for e in mine}) == 3
            assert mine[-1]["experiment"]["status"] == "COMPLETED"
            assert await relay.run_once() == 0  # marked published: nothing twice
        finally:
            await broker.close()

    async def test_a_redis_outage_is_a_gap_then_delivery_resumes(tmp_path):
        server = PrivateRedis(tmp_path)
        server.start()
        broker = RedisBroker(server.url, prefix="gap:")
        try:
            subscription = await broker.open("c")
            await broker.publish("c", b"before")
            assert await asyncio.wait_for(subscription.get(), 5) == ("c", b"before")
            server.stop()
            with pytest.raises(Exception):  # noqa: B017 - any connection error
                await broker.publish("c", b"lost")
            server.start()  # same port
            assert await asyncio.wait_for(subscription.get(), 15) == GAP
            await asyncio.wait_for(broker.connected.wait(), 5)
            await broker.publish("c", b"after")
            assert await asyncio.wait_for(subscription.get(), 5) == ("c", b"after")
            await subscription.close()
        finally:
            await broker.close()
            server.stop()
