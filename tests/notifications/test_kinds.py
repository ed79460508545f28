"""Every kind of notification, each produced from its outbox event by the producer (never
inline in the mutation), with a message saying what happened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.experiments import watchdog
from app.models import OutboxEvent
from app.models.base import utcnow
from app.models.enums import FailureReason, Role
from app.resources import expiry
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.graphql import error_codes, gql
from tests.notifications.helpers import stored
from tests.resources.helpers import gpu_experiment, reservation_of
from tests.rest.helpers import API, bearer


@pytest.fixture
async def team(services, make_user):
    owner, token = await make_user(Role.DS)
    lead, _ = await make_user(Role.TL)
    observer, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner, team_lead=lead, observers=[observer])
    return {
        "owner": owner,
        "token": token,
        "hypothesis": hypothesis,
        "people": {owner.id, lead.id, observer.id},
    }


async def only(services, experiment_id, kind, people):
    """The one message every watcher got for ``kind`` (asserting each got exactly one)."""
    rows = await stored(services, experiment_id, kind)
    assert sorted(str(row.user_id) for row in rows) == sorted(str(p) for p in people)
    messages = {row.message for row in rows}
    assert len(messages) == 1
    assert all(row.read_at is None for row in rows)
    return messages.pop()


async def test_lifecycle_kinds(services, team):
    owner, hypothesis, people = team["owner"], team["hypothesis"], team["people"]
    done = await create_experiment(services, owner, hypothesis, name="bert-done")
    await move(services, owner, done, "start")
    await move(services, owner, done, "complete")
    crashed = await create_experiment(services, owner, hypothesis, name="bert-oom")
    await move(services, owner, crashed, "start")
    await move(
        services, owner, crashed, "fail", reason=FailureReason.OOM, message="CUDA out of memory"
    )
    halted = await create_experiment(services, owner, hypothesis, name="bert-halt")
    await move(services, owner, halted, "start")
    await move(services, owner, halted, "stop")

    assert await stored(services) == [], "nothing is produced inline"
    await services.notifier.run_until_empty()

    assert await only(services, done.id, "EXPERIMENT_STARTED", people) == "bert-done started"
    assert await only(services, done.id, "EXPERIMENT_COMPLETED", people) == "bert-done completed"
    failed = await only(services, crashed.id, "EXPERIMENT_FAILED", people)
    assert failed == "bert-oom failed: OOM (CUDA out of memory)"
    assert await only(services, halted.id, "EXPERIMENT_STOPPED", people) == "bert-halt was stopped"
    # created/updated events notify nobody
    kinds = {row.kind for row in await stored(services)}
    assert kinds == {
        "EXPERIMENT_STARTED",
        "EXPERIMENT_COMPLETED",
        "EXPERIMENT_FAILED",
        "EXPERIMENT_STOPPED",
    }


async def test_a_timeout_failure_names_its_reason(services, team):
    owner, hypothesis, people = team["owner"], team["hypothesis"], team["people"]
    running = await start(services, owner, await create_experiment(services, owner, hypothesis))
    await watchdog.fail_inactive(
        services.db, timeout_seconds=900, now=utcnow() + timedelta(hours=1)
    )
    await services.notifier.run_until_empty()
    message = await only(services, running.id, "EXPERIMENT_FAILED", people)
    assert message.startswith("exp failed: LOGGING_TIMEOUT")


async def test_resources_unavailable(client, services, team):
    owner, token, hypothesis = team["owner"], team["token"], team["hypothesis"]
    big = await gpu_experiment(services, owner, hypothesis, 8, gpu_type="H100", name="big")
    await start(services, owner, big)
    blocked = await gpu_experiment(services, owner, hypothesis, 3, gpu_type="H100", name="blocked")
    body = await gql(
        client,
        "mutation($id: ID!) { startExperiment(id: $id, wait: false) { id } }",
        {"id": str(blocked.id)},
        token=token,
    )
    assert error_codes(body) == ["RESOURCES_UNAVAILABLE"]
    assert await stored(services, blocked.id) == []
    await services.notifier.run_until_empty()
    message = await only(services, blocked.id, "RESOURCES_UNAVAILABLE", team["people"])
    assert message == "blocked could not start: 3 x H100 requested, 0 available"


async def test_reservation_expiring(services, team):
    owner, hypothesis = team["owner"], team["hypothesis"]
    running = await start(
        services, owner, await gpu_experiment(services, owner, hypothesis, 1, name="long")
    )
    reservation = await reservation_of(services, running.id)
    assert reservation is not None
    await expiry.warn_expiring(
        services.db, warning_minutes=10, now=reservation.expires_at - timedelta(minutes=9)
    )
    await services.notifier.run_until_empty()
    message = await only(services, running.id, "RESERVATION_EXPIRING", team["people"])
    assert message == f"the reservation of long expires at {reservation.expires_at.isoformat()}"

    await expiry.expire(services.db, now=reservation.expires_at)
    await services.notifier.run_until_empty()
    failed = await only(services, running.id, "EXPERIMENT_FAILED", team["people"])
    assert failed.startswith("long failed: RESERVATION_EXPIRED")


async def test_storage_limit_exceeded(client, services, team, monkeypatch):
    monkeypatch.setattr(
        services,
        "settings",
        services.settings.model_copy(update={"artifact_quota_per_experiment_bytes": 1000}),
    )
    owner, token, hypothesis = team["owner"], team["token"], team["hypothesis"]
    running = await start(
        services, owner, await create_experiment(services, owner, hypothesis, name="ckpt")
    )
    refused = await client.post(
        f"{API}/experiments/{running.id}/artifacts",
        data={"kind": "CHECKPOINT"},
        files={"file": ("big.bin", b"x" * 5000, "application/octet-stream")},
        headers=bearer(token),
    )
    assert refused.status_code == 507
    assert refused.json()["error"]["code"] == "STORAGE_LIMIT_EXCEEDED"
    async with services.db.reader() as session:
        (event,) = (
            await session.scalars(
                select(OutboxEvent).where(
                    OutboxEvent.aggregate_id == running.id,
                    OutboxEvent.event_type == "StorageLimitExceeded",
                )
            )
        ).all()
    assert event.payload["experiment"]["id"] == str(running.id)
    assert "quota" in event.payload["details"]["message"]
    await services.notifier.run_until_empty()
    message = await only(services, running.id, "STORAGE_LIMIT_EXCEEDED", team["people"])
    assert message.startswith("an upload to ckpt was refused: ")
    assert "quota of 1000 bytes" in message


async def test_a_file_over_the_per_file_limit_is_not_a_storage_notification(
    client, services, team, monkeypatch
):
    monkeypatch.setattr(
        services, "settings", services.settings.model_copy(update={"artifact_max_bytes": 100})
    )
    owner, token, hypothesis = team["owner"], team["token"], team["hypothesis"]
    running = await start(services, owner, await create_experiment(services, owner, hypothesis))
    refused = await client.post(
        f"{API}/experiments/{running.id}/artifacts",
        data={"kind": "MODEL"},
        files={"file": ("m.bin", b"x" * 500, "application/octet-stream")},
        headers=bearer(token),
    )
    assert refused.status_code == 413
    await services.notifier.run_until_empty()
    assert await stored(services, running.id, "STORAGE_LIMIT_EXCEEDED") == []
