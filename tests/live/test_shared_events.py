"""A live batch is executed once for all its subscribers, not once each."""

from __future__ import annotations

import asyncio

import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.models.enums import Role
from schema.metrics.events import MetricsEvent
from tests.builders import create_hypothesis, create_running
from tests.live.client import Collector, ws_session
from tests.live.test_subscriptions import post_points, steps_of

QUERY = """subscription($id: ID!) { metricPoints(experimentId: $id) {
    experimentId points { key step value } } }"""


@pytest.mark.engine_tricks
async def test_subscribers_of_one_batch_share_one_execution(
    live_server, services, make_user, monkeypatch
):
    user, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    executed: list[object] = []
    original = StrawberryGraphQLCoreExecutionContext.execute_operation

    def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(self.root_value, MetricsEvent):
            executed.append(self.root_value)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_operation", counting)
    import httpx

    run = {"base": f"http://{live_server}/api/v1/experiments/{experiment.id}"}
    async with (
        httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http,
        ws_session(live_server, token) as first,
        ws_session(live_server, token) as second,
    ):
        run["http"] = http
        subs = [Collector(s, QUERY, {"id": str(experiment.id)}) for s in (first, second)]
        subs.append(Collector(first, QUERY, {"id": str(experiment.id)}))
        await asyncio.sleep(0.5)
        await post_points(run, "loss", list(range(500)))
        for sub in subs:
            await sub.wait_for(lambda items: len(steps_of(items)) >= 500)
            await sub.stop()
    assert all(steps_of(sub.items) == list(range(500)) for sub in subs)
    assert len(executed) == 1  # three subscribers, one execution
