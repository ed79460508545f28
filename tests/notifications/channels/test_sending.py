"""Deliveries reach real receivers on loopback: mail through an SMTP server that requires
STARTTLS and AUTH, webhooks signed as Standard Webhooks says, Slack-compatible messages;
retried with backoff under the same delivery id, given up after the last attempt, digests
sent as one message."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest
from prometheus_client import REGISTRY

from app.models.base import utcnow
from app.models.enums import Role
from app.notifications import producer as producer_module
from app.notifications.delivery.sender import DeliverySender
from tests.builders import create_experiment, create_hypothesis, move
from tests.graphql import ok
from tests.notifications.channels.helpers import (
    completed_experiment,
    deliveries,
    loopback_settings,
    prefer,
    secret_of,
    verify_standard_webhook,
)
from tests.notifications.channels.receivers import http_receiver, smtp_receiver
from tests.notifications.helpers import drain, stored, unnotified

ALL = ["IN_APP", "EMAIL", "WEBHOOK", "SLACK"]
NOTIFICATIONS = """{ notifications { kind readAt
  deliveries { id channel status attempts lastError deliveredAt nextAttemptAt digest } } }"""


def counted(channel: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "expsvc_notification_deliveries_total", {"channel": channel, "outcome": outcome}
    )
    return value or 0.0


async def test_mail_webhook_and_slack_reach_their_receivers(
    client, services, settings, make_user, tmp_path
):
    owner, token = await make_user(Role.DS)
    async with (
        smtp_receiver(tmp_path) as smtp,
        http_receiver() as hook,
        http_receiver() as slack,
    ):
        config = loopback_settings(
            settings, smtp_url=smtp.url(starttls=True), smtp_from="expsvc@example.test"
        )
        await prefer(
            services,
            owner,
            config,
            webhook_url=hook.url("/hook"),
            slack_webhook_url=slack.url("/slack"),
            kinds=[{"kind": "EXPERIMENT_COMPLETED", "channels": ALL}],
        )
        await completed_experiment(services, owner, name="resnet")
        queued = await deliveries(services)
        assert sorted(row.channel for row in queued) == ["EMAIL", "SLACK", "WEBHOOK"]
        assert {row.status for row in queued} == {"PENDING"}

        sender = DeliverySender(services.db, config, tls_context=smtp.client_context)
        try:
            assert await sender.run_once() == 3
            assert await sender.run_once() == 0  # nothing twice
        finally:
            await sender.close()

        ids = {row.channel: str(row.id) for row in queued}
        (mail,) = smtp.mailbox.messages
        assert smtp.mailbox.secured == [True], "STARTTLS before the mail"
        assert smtp.mailbox.logins == ["mailer"]
        assert smtp.mailbox.recipients == [[owner.email]]
        assert mail["Subject"] == "[expsvc] resnet completed"
        assert mail["From"] == "expsvc@example.test"
        assert mail["Message-ID"] == f"<{ids['EMAIL']}@expsvc>"
        assert "resnet completed" in mail.get_payload(decode=True).decode()

        (request,) = hook.requests
        secret = await secret_of(services, owner.id)
        assert secret.startswith("whsec_")
        verify_standard_webhook(secret, request.headers, request.body)
        assert request.headers["webhook-id"] == ids["WEBHOOK"]
        document = orjson.loads(request.body)
        assert document["type"] == "notification.created"
        assert document["data"]["deliveryId"] == ids["WEBHOOK"]
        (item,) = document["data"]["notifications"]
        assert (item["kind"], item["message"]) == ("EXPERIMENT_COMPLETED", "resnet completed")

        (posted,) = slack.requests
        assert orjson.loads(posted.body) == {"text": "resnet completed"}

    body = await ok(client, NOTIFICATIONS, token=token)
    completed = next(n for n in body["notifications"] if n["kind"] == "EXPERIMENT_COMPLETED")
    assert completed["readAt"] is None  # IN_APP was chosen too
    shown = {d["channel"]: d for d in completed["deliveries"]}
    assert set(shown) == {"EMAIL", "WEBHOOK", "SLACK"}
    for channel, delivery in shown.items():
        assert delivery["status"] == "DELIVERED"
        assert (delivery["attempts"], delivery["lastError"]) == (1, None)
        assert delivery["deliveredAt"] is not None
        assert delivery["id"] == ids[channel]
    started = next(n for n in body["notifications"] if n["kind"] == "EXPERIMENT_STARTED")
    assert started["deliveries"] == []  # a kind left at its default: in-app only


async def test_the_installation_webhook_is_signed_with_its_secret(services, settings, make_user):
    owner, _ = await make_user(Role.DS)
    async with http_receiver() as hook:
        config = loopback_settings(
            settings, webhook_url=hook.url(), webhook_secret="installation-secret"
        )
        await prefer(
            services,
            owner,
            config,
            kinds=[{"kind": "EXPERIMENT_COMPLETED", "channels": ["WEBHOOK"]}],
        )
        await completed_experiment(services, owner)
        sender = DeliverySender(services.db, config)
        try:
            assert await sender.run_once() == 1
        finally:
            await sender.close()
        (request,) = hook.requests
        verify_standard_webhook("installation-secret", request.headers, request.body)
        with pytest.raises(AssertionError, match="bad signature"):
            verify_standard_webhook("another-secret", request.headers, request.body)


async def test_a_failing_receiver_gets_the_same_delivery_id_until_it_accepts(
    client, services, settings, make_user
):
    owner, token = await make_user(Role.DS)
    async with http_receiver(failures=2) as hook:
        config = loopback_settings(settings)
        await prefer(
            services,
            owner,
            config,
            webhook_url=hook.url(),
            kinds=[{"kind": "EXPERIMENT_COMPLETED", "channels": ["IN_APP", "WEBHOOK"]}],
        )
        await completed_experiment(services, owner)
        delivered, retried = counted("WEBHOOK", "delivered"), counted("WEBHOOK", "retry")
        sender = DeliverySender(services.db, config)
        start = utcnow()
        try:
            assert await sender.run_once(start) == 0
            (row,) = await deliveries(services)
            assert (row.status, row.attempts) == ("PENDING", 1)
            assert row.last_error is not None and "HTTP 503" in row.last_error
            assert row.next_attempt_at == start + timedelta(seconds=1)
            assert await sender.run_once(start) == 0  # not due yet: nothing sent
            assert len(hook.requests) == 1
            assert await sender.run_once(start + timedelta(seconds=1)) == 0
            (row,) = await deliveries(services)
            assert row.next_attempt_at == start + timedelta(seconds=3)  # 1 s, then 2 s
            assert await sender.run_once(start + timedelta(seconds=3)) == 1
            assert await sender.run_once(start + timedelta(hours=1)) == 0
        finally:
            await sender.close()
        assert len(hook.requests) == 3 and len(hook.accepted) == 1
        assert {request.headers["webhook-id"] for request in hook.requests} == {str(row.id)}
        secret = await secret_of(services, owner.id)
        for request in hook.requests:
            verify_standard_webhook(secret, request.headers, request.body)
    assert counted("WEBHOOK", "delivered") - delivered == 1
    assert counted("WEBHOOK", "retry") - retried == 2

    body = await ok(client, NOTIFICATIONS, token=token)
    completed = next(n for n in body["notifications"] if n["kind"] == "EXPERIMENT_COMPLETED")
    (shown,) = completed["deliveries"]
    assert (shown["status"], shown["attempts"], shown["lastError"]) == ("DELIVERED", 3, None)


async def test_a_delivery_is_given_up_after_its_last_attempt(client, services, settings, make_user):
    owner, token = await make_user(Role.DS)
    async with http_receiver(failures=100) as slack:
        config = loopback_settings(settings, notification_delivery_max_attempts=2)
        await prefer(
            services,
            owner,
            config,
            slack_webhook_url=slack.url(),
            kinds=[{"kind": "EXPERIMENT_COMPLETED", "channels": ["SLACK"]}],
        )
        await completed_experiment(services, owner)
        failed = counted("SLACK", "failed")
        sender = DeliverySender(services.db, config)
        start = utcnow()
        try:
            await sender.run_once(start)
            await sender.run_once(start + timedelta(seconds=1))
            await sender.run_once(start + timedelta(days=1))
        finally:
            await sender.close()
        assert len(slack.requests) == 2
    assert counted("SLACK", "failed") - failed == 1
    body = await ok(client, NOTIFICATIONS, token=token)
    completed = next(n for n in body["notifications"] if n["kind"] == "EXPERIMENT_COMPLETED")
    assert completed["readAt"] is not None, "IN_APP left out: stored read"
    (shown,) = completed["deliveries"]
    assert (shown["channel"], shown["status"], shown["attempts"]) == ("SLACK", "FAILED", 2)
    assert "HTTP 503" in shown["lastError"]
    assert shown["nextAttemptAt"] is None


async def test_email_without_an_smtp_server_fails_at_once_and_says_why(
    services, settings, make_user
):
    owner, _ = await make_user(Role.DS)
    await prefer(
        services,
        owner,
        settings,
        kinds=[{"kind": "EXPERIMENT_COMPLETED", "channels": ["IN_APP", "EMAIL"]}],
    )
    await completed_experiment(services, owner)
    sender = DeliverySender(services.db, settings)
    try:
        assert await sender.run_once() == 0
    finally:
        await sender.close()
    (row,) = await deliveries(services)
    assert (row.status, row.attempts, row.last_error) == (
        "FAILED",
        1,
        "EXPSVC_SMTP_URL is not set",
    )


async def test_a_users_webhook_may_not_reach_private_addresses_when_sent(
    services, settings, make_user
):
    """A URL saved while private addresses were allowed is refused at send time once they
    are not, and nothing reaches the receiver."""
    owner, _ = await make_user(Role.DS)
    async with http_receiver() as hook:
        await prefer(
            services,
            owner,
            loopback_settings(settings),
            webhook_url=hook.url(),
            kinds=[{"kind": "EXPERIMENT_COMPLETED", "channels": ["WEBHOOK"]}],
        )
        await completed_experiment(services, owner)
        sender = DeliverySender(services.db, settings)  # private addresses not allowed
        try:
            assert await sender.run_once() == 0
        finally:
            await sender.close()
        assert hook.requests == []
    (row,) = await deliveries(services)
    assert row.status == "FAILED"
    assert row.last_error == "refused: must not point at a loopback, private or reserved address"


async def test_a_digest_sends_the_noisy_kinds_as_one_message(services, settings, make_user):
    owner, _ = await make_user(Role.DS)
    async with http_receiver() as hook:
        config = loopback_settings(settings, notification_digest_minutes=30)
        await prefer(
            services,
            owner,
            config,
            webhook_url=hook.url(),
            digest=True,
            kinds=[
                {"kind": "EXPERIMENT_STARTED", "channels": ["WEBHOOK"]},
                {"kind": "EXPERIMENT_FAILED", "channels": ["WEBHOOK"]},
            ],
        )
        hypothesis = await create_hypothesis(services, owner)
        first = await create_experiment(services, owner, hypothesis, name="first")
        second = await create_experiment(services, owner, hypothesis, name="second")
        await move(services, owner, first, "start")
        await move(services, owner, second, "start")
        await move(services, owner, second, "fail")
        await drain(services)
        rows = await deliveries(services)
        assert sorted(row.status for row in rows) == ["HELD", "HELD", "PENDING"]

        sender = DeliverySender(services.db, config)
        start = utcnow()
        try:
            assert await sender.run_once(start) == 1  # the failure goes at once
            assert await sender.run_once(start + timedelta(minutes=29)) == 0
            assert await sender.run_once(start + timedelta(minutes=31)) == 1
            assert await sender.run_once(start + timedelta(hours=2)) == 0
        finally:
            await sender.close()
        failure, digest = (orjson.loads(request.body) for request in hook.requests)
    assert failure["type"] == "notification.created"
    assert [n["kind"] for n in failure["data"]["notifications"]] == ["EXPERIMENT_FAILED"]
    assert digest["type"] == "notification.digest"
    assert [n["message"] for n in digest["data"]["notifications"]] == [
        "first started",
        "second started",
    ]
    started = [row for row in await deliveries(services) if row.digest_id is not None]
    assert len(started) == 2 and {row.status for row in started} == {"DELIVERED"}
    assert {row.digest_id for row in started} == {started[0].id}
    assert digest["data"]["deliveryId"] == str(started[0].id)
    assert hook.requests[1].headers["webhook-id"] == str(started[0].id)


async def test_deliveries_are_written_in_the_notifications_transaction(
    services, settings, make_user, monkeypatch
):
    owner, _ = await make_user(Role.DS)
    await prefer(
        services,
        owner,
        settings,
        kinds=[{"kind": "EXPERIMENT_STARTED", "channels": ["IN_APP", "EMAIL"]}],
    )
    hypothesis = await create_hypothesis(services, owner)
    experiment = await create_experiment(services, owner, hypothesis)
    await move(services, owner, experiment, "start")

    async def dies(*args, **kwargs):
        raise ConnectionError("the process died")

    monkeypatch.setattr(producer_module, "enqueue", dies)
    with pytest.raises(ConnectionError):
        await services.notifier.run_once()
    assert await stored(services) == [] and await deliveries(services) == []
    assert await unnotified(services) > 0
    monkeypatch.undo()
    await drain(services)
    (notification,) = await stored(services, kind="EXPERIMENT_STARTED")
    (row,) = await deliveries(services)
    assert (row.notification_id, row.channel, row.status) == (notification.id, "EMAIL", "PENDING")


async def test_metrics_show_pending_deliveries_and_lag(client, services, settings, make_user):
    owner, _ = await make_user(Role.DS)
    await prefer(
        services,
        owner,
        settings,
        kinds=[{"kind": "EXPERIMENT_COMPLETED", "channels": ["SLACK"]}],
    )
    await completed_experiment(services, owner)
    (row,) = await deliveries(services)
    sender = DeliverySender(services.db, settings)
    try:
        await sender.refresh_gauges(row.created_at + timedelta(seconds=42))
    finally:
        await sender.close()
    text = (await client.get("/metrics")).text
    assert 'expsvc_notification_deliveries_pending{channel="SLACK"} 1.0' in text
    assert "expsvc_notification_delivery_lag_seconds 42.0" in text
