"""Over a real websocket: a subscription's start is one read, its events cost nothing."""

from __future__ import annotations

import httpx
import pytest
from gql.transport.exceptions import TransportQueryError

from app.models.enums import Role
from tests.builders import create_hypothesis, create_running
from tests.live.client import Collector, ws_session
from tests.live.test_subscriptions import post_points

MONITOR = """subscription($id: ID!) { runMonitor(experimentId: $id) { __typename
    ... on MetricsEvent { points { step } } } }"""


def steps(items: list[dict[str, object]]) -> int:
    events = [i["runMonitor"] for i in items]
    return sum(len(e.get("points", [])) for e in events if isinstance(e, dict))


async def test_a_subscription_start_is_one_read_and_its_events_are_free(
    start_server, services, make_user
):
    user, token = await make_user(Role.DS)
    experiment = await create_running(services, user, await create_hypothesis(services, user))
    address = await start_server(rate_limit_reads_per_minute=2)
    ident = {"id": str(experiment.id)}
    run = {"base": f"http://{address}/api/v1/experiments/{experiment.id}"}
    async with (
        httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http,
        ws_session(address, token) as session,
    ):
        run["http"] = http
        first = Collector(session, MONITOR, ident)  # read 1
        await first.wait_for(lambda items: len(items) >= 1)
        for chunk in range(5):  # five live events: no reads
            await post_points(run, "loss", list(range(chunk * 10, chunk * 10 + 10)))
        await first.wait_for(lambda items: steps(items) >= 50)
        second = Collector(session, MONITOR, ident)  # read 2
        await second.wait_for(lambda items: len(items) >= 1)
        third = Collector(session, MONITOR, ident)  # over
        with pytest.raises(TransportQueryError) as refused:
            await third.wait_for(lambda items: False)
        [error] = refused.value.errors or []
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["extensions"]["details"]["limit"] == "reads"
        for collector in (first, second, third):
            await collector.stop()
