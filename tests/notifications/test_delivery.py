"""Notifications come from the durable outbox: none inline, each exactly once however the
producer is interrupted or replicated; listed, marked read and scoped to their user."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import update

from app.models import OutboxEvent
from app.models.enums import Role
from app.notifications import producer as producer_module
from app.notifications.producer import NotificationProducer
from tests.builders import create_experiment, create_hypothesis, move
from tests.graphql import error_codes, gql, ok
from tests.notifications.helpers import stored, unnotified

LIST = """query($unread: Boolean, $first: Int) { notifications(unreadOnly: $unread, first: $first) {
  id kind message createdAt readAt experiment { id name } } }"""
MARK = "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }"
COMPLETE = "mutation($id: ID!) { completeExperiment(id: $id) { status } }"


@pytest.fixture
async def team(services, make_user):
    owner, owner_token = await make_user(Role.DS)
    observer, observer_token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner, observers=[observer])
    return owner, owner_token, observer, observer_token, hypothesis


async def test_a_mutation_only_writes_the_event(client, services, team):
    owner, token, _, _, hypothesis = team
    experiment = await create_experiment(services, owner, hypothesis)
    await move(services, owner, experiment, "start")
    await services.notifier.run_until_empty()
    body = await ok(client, COMPLETE, {"id": str(experiment.id)}, token=token)
    assert body["completeExperiment"]["status"] == "COMPLETED"
    assert await stored(services, experiment.id, "EXPERIMENT_COMPLETED") == []
    assert await unnotified(services) == 1
    await services.notifier.run_until_empty()
    assert len(await stored(services, experiment.id, "EXPERIMENT_COMPLETED")) == 2


async def test_events_committed_before_a_crash_are_notified_after_it(services, team):
    """The process died after the moves committed and before any notification: a new
    producer (as after a restart) makes them, once; running again makes nothing more."""
    owner, _, _, _, hypothesis = team
    experiment = await create_experiment(services, owner, hypothesis)
    await move(services, owner, experiment, "start")
    await move(services, owner, experiment, "complete")
    assert await stored(services) == []

    restarted = NotificationProducer(services.db, services.live)
    assert await restarted.run_until_empty() >= 2
    assert len(await stored(services)) == 4  # two events, two watchers
    assert await restarted.run_until_empty() == 0
    assert await services.notifier.run_until_empty() == 0
    assert len(await stored(services)) == 4
    assert await unnotified(services) == 0


async def test_a_crash_while_producing_leaves_nothing_half_done(services, team, monkeypatch):
    owner, _, _, _, hypothesis = team
    first = await create_experiment(services, owner, hypothesis, name="first")
    second = await create_experiment(services, owner, hypothesis, name="second")
    await move(services, owner, first, "start")
    await move(services, owner, second, "start")
    real = producer_module.recipients
    calls = 0

    async def dies_on_the_second(session, experiment_id):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("the process died")
        return await real(session, experiment_id)

    monkeypatch.setattr(producer_module, "recipients", dies_on_the_second)
    with pytest.raises(ConnectionError):
        await services.notifier.run_once()
    assert await stored(services) == [], "the first event's notifications rolled back too"
    assert await unnotified(services) == 4  # two created, two started

    monkeypatch.setattr(producer_module, "recipients", real)
    await services.notifier.run_until_empty()
    assert len(await stored(services, kind="EXPERIMENT_STARTED")) == 4
    assert await services.notifier.run_until_empty() == 0
    assert len(await stored(services)) == 4


async def test_replicas_producing_at_once_notify_each_person_once(services, make_user):
    owner, _ = await make_user(Role.DS)
    watchers = [(await make_user(Role.DS))[0] for _ in range(3)]
    hypothesis = await create_hypothesis(services, owner, observers=watchers)
    for index in range(12):
        experiment = await create_experiment(services, owner, hypothesis, name=f"run-{index}")
        await move(services, owner, experiment, "start")
    replicas = [NotificationProducer(services.db, services.live, batch_size=5) for _ in range(3)]
    await asyncio.gather(*(replica.run_until_empty() for replica in replicas))
    rows = await stored(services, kind="EXPERIMENT_STARTED")
    assert len(rows) == 12 * 4
    assert len({(row.user_id, row.source_event_id) for row in rows}) == 12 * 4
    assert await unnotified(services) == 0


async def test_list_newest_first_unread_only_and_first(client, services, team):
    owner, token, _, _, hypothesis = team
    experiment = await create_experiment(services, owner, hypothesis, name="listed")
    await move(services, owner, experiment, "start")
    await move(services, owner, experiment, "complete")
    await services.notifier.run_until_empty()

    listed = (await ok(client, LIST, {}, token=token))["notifications"]
    assert [n["kind"] for n in listed] == ["EXPERIMENT_COMPLETED", "EXPERIMENT_STARTED"]
    assert listed[0]["experiment"] == {"id": str(experiment.id), "name": "listed"}
    assert listed[0]["message"] == "listed completed"
    assert all(n["readAt"] is None for n in listed)
    assert len((await ok(client, LIST, {"first": 1}, token=token))["notifications"]) == 1
    bad = await gql(client, LIST, {"first": 501}, token=token)
    assert error_codes(bad) == ["VALIDATION_FAILED"]

    marked = await ok(client, MARK, {"ids": [listed[1]["id"]]}, token=token)
    assert marked["markNotificationsRead"] == 1
    unread = (await ok(client, LIST, {"unread": True}, token=token))["notifications"]
    assert [n["id"] for n in unread] == [listed[0]["id"]]
    everything = (await ok(client, LIST, {"unread": False}, token=token))["notifications"]
    assert everything[1]["readAt"] is not None


async def test_mark_read_only_marks_the_callers_own(client, services, team):
    owner, owner_token, _, observer_token, hypothesis = team
    experiment = await create_experiment(services, owner, hypothesis)
    await move(services, owner, experiment, "start")
    await services.notifier.run_until_empty()
    (mine,) = (await ok(client, LIST, {}, token=owner_token))["notifications"]
    (theirs,) = (await ok(client, LIST, {}, token=observer_token))["notifications"]
    assert mine["id"] != theirs["id"]

    stolen = await ok(client, MARK, {"ids": [theirs["id"]]}, token=owner_token)
    assert stolen["markNotificationsRead"] == 0
    still = (await ok(client, LIST, {"unread": True}, token=observer_token))["notifications"]
    assert [n["id"] for n in still] == [theirs["id"]]

    both = await ok(client, MARK, {"ids": [mine["id"], theirs["id"]]}, token=owner_token)
    assert both["markNotificationsRead"] == 1
    again = await ok(client, MARK, {"ids": [mine["id"]]}, token=owner_token)
    assert again["markNotificationsRead"] == 0, "already read"
    assert (await ok(client, LIST, {"unread": True}, token=owner_token))["notifications"] == []
    bad = await gql(client, MARK, {"ids": ["not-a-uuid"]}, token=owner_token)
    assert error_codes(bad) == ["NOT_FOUND"]


async def test_notifications_need_a_token(client, services):
    assert error_codes(await gql(client, LIST, {})) == ["UNAUTHENTICATED"]
    assert error_codes(await gql(client, MARK, {"ids": []})) == ["UNAUTHENTICATED"]


async def test_an_event_of_a_deleted_experiment_notifies_nobody(services, team):
    """An event whose experiment is gone is marked handled and notifies no one."""
    owner, _, _, _, hypothesis = team
    experiment = await create_experiment(services, owner, hypothesis)
    await move(services, owner, experiment, "start")
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.aggregate_id == experiment.id)
            .values(aggregate_id=owner.id)  # an id that is no experiment
        )
    await services.notifier.run_until_empty()
    assert await stored(services) == []
    assert await unnotified(services) == 0
