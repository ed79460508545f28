"""A slow subscriber is told where it stopped; memory stays bounded; limits hold."""

from __future__ import annotations

import asyncio
import dataclasses

import orjson
import pytest

from app.errors import SubscriptionLagged
from app.events.names import experiment_channel
from app.live.logs import log_feed
from app.live.metrics import metric_feed
from app.logs import service as logs
from app.logs.events import publish_logs
from app.logs.schemas import parse_lines
from app.metrics import service as metrics
from app.metrics.events import publish_metrics
from app.models.base import utcnow
from app.models.enums import Role
from app.users.service import create_api_token
from tests.builders import create_hypothesis, create_running
from tests.live.client import Collector, ws_session
from tests.metrics.test_history import make_batch


@pytest.fixture
async def slow(services, make_user):
    """Services whose subscriptions hold at most 3 events, and a running experiment."""
    small = dataclasses.replace(
        services, settings=services.settings.model_copy(update={"subscription_queue_size": 3})
    )
    user, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    return small, user, experiment.id


async def log_metrics(services, user, experiment_id, step: int) -> None:
    batch = make_batch("loss", [step], [float(step)])
    async with services.db.unit_of_work() as session:
        result = await metrics.ingest_metrics(
            session, actor=user, experiment_id=experiment_id, batch=batch
        )
    publish_metrics(services.live, experiment_id, batch, result.seq)
    await services.live.flush()


async def test_a_lagging_metric_subscriber_gets_its_last_steps(slow):
    services, user, experiment_id = slow
    await log_metrics(services, user, experiment_id, 0)
    feed = metric_feed(services, actor=user, experiment_id=experiment_id, since_step=-1)
    assert [p.step for p in await anext(feed)] == [0]  # the replay
    first_live = asyncio.ensure_future(anext(feed))
    await log_metrics(services, user, experiment_id, 1)
    assert [p.step for p in await asyncio.wait_for(first_live, 5)] == [1]
    for step in range(2, 12):  # nobody reads: the queue of 3 overflows
        await log_metrics(services, user, experiment_id, step)
    delivered = []
    with pytest.raises(SubscriptionLagged) as lagged:
        while True:
            delivered += [p.step for p in await asyncio.wait_for(anext(feed), 5)]
    assert delivered == [2, 3, 4]  # what fitted in the queue came first
    assert lagged.value.details == {"lastSteps": {"loss": 4}}
    await feed.aclose()


async def test_a_lagging_log_subscriber_gets_its_last_seq(slow):
    services, user, experiment_id = slow
    feed = log_feed(services, actor=user, experiment_id=experiment_id, after=0)
    pending = asyncio.ensure_future(anext(feed))

    async def write(index: int) -> None:
        lines = parse_lines([{"message": f"m{index}"}], now=utcnow(), limit=10)
        async with services.db.unit_of_work() as session:
            result = await logs.append_lines(
                session, actor=user, experiment_id=experiment_id, lines=lines
            )
        publish_logs(services.live, experiment_id, result.rows)
        await services.live.flush()

    await write(0)
    # the first line has arrived, so the channel is open (on a loaded machine it may open
    # only after several writes, and then the queue would never overflow)
    got = [row.seq for row in await asyncio.wait_for(pending, 5)]
    for index in range(1, 8):  # nobody reads: the queue of 3 overflows
        await write(index)
    with pytest.raises(SubscriptionLagged) as lagged:
        while True:
            got += [row.seq for row in await asyncio.wait_for(anext(feed), 5)]
    assert got == list(range(1, len(got) + 1))  # in order, no gap
    assert lagged.value.details == {"lastSeq": got[-1]}
    await feed.aclose()


async def test_lag_reaches_a_websocket_client_as_a_coded_error(live_server, slow, services):
    _, user, experiment_id = slow
    previous = services.settings.subscription_queue_size
    services.settings.subscription_queue_size = 1
    try:
        async with services.db.unit_of_work() as session:
            token = await create_api_token(session, actor=user, name="ws")
        query = """subscription($id: ID!) { metricPoints(experimentId: $id) {
            points { step } } }"""
        async with ws_session(live_server, token) as session:
            sub = Collector(session, query, {"id": str(experiment_id)})
            await asyncio.sleep(0.3)
            # flood the channel without yielding: a 1-event queue cannot keep up
            channel = experiment_channel(experiment_id)
            for step in range(200):
                event = {
                    "type": "metrics",
                    "seq": 10_000 + step,
                    "keys": ["loss"],
                    "steps": [step],
                    "values": [1.0],
                    "timestamps": [utcnow().isoformat()],
                }
                await services.broker.publish(channel, orjson.dumps(event))
            with pytest.raises(Exception, match="fell behind"):
                await sub.wait_for(lambda items: len(items) >= 200, seconds=10)
    finally:
        services.settings.subscription_queue_size = previous


async def test_subscriptions_per_connection_are_capped(live_server, services, make_user):
    user, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    limit = services.settings.max_subscriptions_per_connection
    query = "subscription($id: ID!) { experimentUpdated(id: $id) { id } }"
    async with ws_session(live_server, token) as session:
        subs = [Collector(session, query, {"id": str(experiment.id)}) for _ in range(limit + 1)]
        for _ in range(100):
            failed = [s for s in subs if s.error is not None]
            if failed:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # no second refusal follows
        failed = [s for s in subs if s.error is not None]
        assert len(failed) == 1 and "limit" in str(failed[0].error).lower()
        for sub in subs:
            await sub.stop()
