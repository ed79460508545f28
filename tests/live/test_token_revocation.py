"""A websocket connection opened with a token that is then revoked starts no new
subscription (the connection's context asks the auth cache again for each operation)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.models.enums import Role
from app.services import Services
from app.users.api_tokens import revoke_api_token
from tests.builders import create_hypothesis, create_running
from tests.live.client import Collector, ws_session
from tests.tokens.helpers import new_token

METRICS = """subscription($id: ID!) {
  metricPoints(experimentId: $id, sinceStep: -1) { points { step } } }"""


async def test_a_revoked_token_starts_no_more_subscriptions(
    services: Services, make_user: Any, live_server: str
) -> None:
    user, _ = await make_user(Role.DS)
    experiment = await create_running(services, user, await create_hypothesis(services, user))
    token_id, token = await new_token(services, user)
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
        url = f"http://{live_server}/api/v1/experiments/{experiment.id}/metrics/batch"
        body = {"key": "loss", "steps": [1, 2], "values": [1.0, 0.5]}
        assert (await http.post(url, json=body)).status_code == 202
    async with ws_session(live_server, token) as session:
        first = Collector(session, METRICS, {"id": str(experiment.id)})
        await first.wait_for(lambda items: len(items) > 0)  # the replay: it was accepted
        await revoke_api_token(services.db, services.auth, actor=user, token_id=token_id)
        second = Collector(session, METRICS, {"id": str(experiment.id)})
        with pytest.raises(Exception, match="token revoked"):
            await second.wait_for(lambda items: False, seconds=10)
        await first.stop()
