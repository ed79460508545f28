"""A heartbeat (a progress report with no field) keeps a run alive and moves nothing else.

Over REST (``POST /experiments/{id}/progress`` with no body or ``{}``) and GraphQL
(``reportProgress`` with an empty ``ProgressInput``), on each backend.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import update

from app.events.names import experiment_channel
from app.models import Experiment, User
from app.models.base import utcnow
from app.models.enums import Role
from app.services import Services
from tests.builders import create_hypothesis, create_running, move
from tests.graphql import error_codes, gql
from tests.rest.helpers import API, bearer, error_of

REPORT = """mutation($id: ID!, $progress: ProgressInput!) {
  reportProgress(experimentId: $id, progress: $progress) {
    lastActivityAt progress { step totalSteps etaSeconds } } }"""


@dataclass
class Run:
    user: User
    token: str
    experiment: Experiment

    @property
    def id(self) -> uuid.UUID:
        return self.experiment.id


@pytest.fixture
async def run(services: Services, make_user: Any) -> Run:
    user, token = await make_user(Role.DS)
    experiment = await create_running(services, user, await create_hypothesis(services, user))
    return Run(user, token, experiment)


async def rest_report(client: Any, run: Run, body: Any, token: str | None = None) -> Any:
    """POST the progress route; ``body`` None sends no body at all."""
    url = f"{API}/experiments/{run.id}/progress"
    headers = bearer(token or run.token)
    if body is None:
        return await client.post(url, headers=headers)
    return await client.post(url, json=body, headers=headers)


async def graphql_report(client: Any, run: Run, progress: dict[str, Any]) -> Any:
    return await gql(client, REPORT, {"id": str(run.id), "progress": progress}, token=run.token)


async def load(services: Services, run: Run) -> Experiment:
    async with services.db.reader() as session:
        return await session.get_one(Experiment, run.id)


async def at_one_step_a_second(services: Services, client: Any, run: Run) -> Experiment:
    """Step 100 of 1,000 reported 100 s after the start (1 step/s: an ETA of 900 s), and
    the last activity pushed an hour back; returns the row as it is then."""
    async with services.db.unit_of_work() as session:
        row = await session.get_one(Experiment, run.id)
        await session.execute(
            update(Experiment)
            .where(Experiment.id == run.id)
            .values(started_at=row.started_at - timedelta(seconds=100))
        )
    response = await rest_report(client, run, {"step": 100, "total_steps": 1000})
    assert response.status_code == 200, response.text
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(Experiment)
            .where(Experiment.id == run.id)
            .values(last_activity_at=utcnow() - timedelta(hours=1))
        )
    return await load(services, run)


def assert_only_activity_moved(before: Experiment, after: Experiment) -> None:
    assert after.last_activity_at > before.last_activity_at + timedelta(minutes=59)
    assert after.progress_rate == pytest.approx(1.0, rel=0.05)
    assert after.progress_rate == before.progress_rate
    assert after.progress_reported_at == before.progress_reported_at
    assert (after.progress_step, after.progress_total_steps) == (100, 1000)


@pytest.mark.parametrize("body", [None, {}], ids=["no body", "empty object"])
async def test_rest_a_heartbeat_keeps_the_run_alive_and_the_eta_steady(client, services, run, body):
    before = await at_one_step_a_second(services, client, run)
    response = await rest_report(client, run, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["progress"]["step"] == 100
    assert answer["progress"]["eta_seconds"] == pytest.approx(900, rel=0.05)
    assert datetime.fromisoformat(answer["last_activity_at"]) > before.last_activity_at
    assert_only_activity_moved(before, await load(services, run))


async def test_graphql_a_heartbeat_keeps_the_run_alive_and_the_eta_steady(client, services, run):
    before = await at_one_step_a_second(services, client, run)
    body = await graphql_report(client, run, {})
    assert not body.get("errors"), body
    answer = body["data"]["reportProgress"]
    assert answer["progress"]["step"] == 100
    assert answer["progress"]["etaSeconds"] == pytest.approx(900, rel=0.05)
    assert datetime.fromisoformat(answer["lastActivityAt"]) > before.last_activity_at
    assert_only_activity_moved(before, await load(services, run))


async def test_a_report_of_the_same_step_is_still_a_report(client, services, run):
    """Only a report with no field is a heartbeat: the same step again is a stall."""
    before = await at_one_step_a_second(services, client, run)
    response = await rest_report(client, run, {"step": 100})
    assert response.status_code == 200
    after = await load(services, run)
    assert after.progress_reported_at > before.progress_reported_at
    assert after.progress_rate < before.progress_rate


async def next_event(subscription: Any, *types: str) -> dict[str, Any]:
    """The next event of one of ``types`` (the channel also carries lifecycle events)."""
    while True:
        _, message = await asyncio.wait_for(subscription.get(), 5)
        event: dict[str, Any] = orjson.loads(message)
        if event.get("type") in types:
            return event


async def test_a_heartbeat_publishes_no_live_event(client, services, run):
    subscription = await services.broker.open(experiment_channel(run.id))
    try:
        assert (await rest_report(client, run, None)).status_code == 200
        assert (await rest_report(client, run, {})).status_code == 200
        assert not (await graphql_report(client, run, {})).get("errors")
        logs = {"lines": [{"message": "after the heartbeats"}]}
        await client.post(f"{API}/experiments/{run.id}/logs", json=logs, headers=bearer(run.token))
        assert (await rest_report(client, run, {"step": 1})).status_code == 200
        # events go out in the order of the requests: a heartbeat's would come first
        assert (await next_event(subscription, "progress", "logs"))["type"] == "logs"
        assert (await next_event(subscription, "progress", "logs"))["type"] == "progress"
    finally:
        await subscription.close()


async def test_a_heartbeat_on_a_stopped_run_says_it_was_stopped(client, services, run):
    await move(services, run.user, run.experiment, "stop")
    stopped = await load(services, run)
    for body in (None, {}):
        response = await rest_report(client, run, body)
        assert response.status_code == 409
        error = error_of(response)
        assert (error["code"], error["details"]["status"]) == ("INVALID_TRANSITION", "STOPPED")
    answer = await graphql_report(client, run, {})
    assert error_codes(answer) == ["INVALID_TRANSITION"]
    assert answer["errors"][0]["extensions"]["details"]["status"] == "STOPPED"
    assert (await load(services, run)).last_activity_at == stopped.last_activity_at


async def test_only_who_may_act_sends_a_heartbeat(client, services, make_user, run):
    observer, observer_token = await make_user(Role.DS)
    _, stranger_token = await make_user(Role.MLE)
    _, curator_token = await make_user(Role.CURATOR)
    hypothesis = await create_hypothesis(services, run.user, observers=[observer])
    watched = Run(run.user, run.token, await create_running(services, run.user, hypothesis))
    forbidden = await rest_report(client, watched, None, token=observer_token)
    assert (forbidden.status_code, error_of(forbidden)["code"]) == (403, "FORBIDDEN")
    unseen = await rest_report(client, watched, None, token=stranger_token)
    assert (unseen.status_code, error_of(unseen)["code"]) == (404, "NOT_FOUND")
    assert (await rest_report(client, watched, None, token=curator_token)).status_code == 200
