"""The issue's "done when": a team lead gets the "expires soon" mail and a signed webhook,
sent by the delivery job as the service runs it (a leader job), while the run's owner, who
chose nothing, gets it in the console only."""

from __future__ import annotations

from datetime import timedelta

import orjson

from app.models.enums import Role
from app.notifications.delivery.sender import DeliverySender, delivery_job
from app.resources import expiry
from tests.builders import create_hypothesis, start
from tests.notifications.channels.helpers import (
    deliveries,
    loopback_settings,
    prefer,
    secret_of,
    verify_standard_webhook,
)
from tests.notifications.channels.receivers import http_receiver, smtp_receiver
from tests.notifications.helpers import drain, stored
from tests.resources.helpers import gpu_experiment, reservation_of


async def test_the_team_lead_gets_the_expiry_warning_by_mail_and_webhook(
    services, settings, make_user, tmp_path
):
    owner, _ = await make_user(Role.DS)
    lead, _ = await make_user(Role.TL)
    async with smtp_receiver(tmp_path) as smtp, http_receiver() as hook:
        config = loopback_settings(settings, smtp_url=smtp.url(), smtp_from="gpu@lab.example")
        await prefer(
            services,
            lead,
            config,
            webhook_url=hook.url("/lead"),
            kinds=[{"kind": "RESERVATION_EXPIRING", "channels": ["IN_APP", "EMAIL", "WEBHOOK"]}],
        )
        hypothesis = await create_hypothesis(services, owner, team_lead=lead)
        experiment = await gpu_experiment(services, owner, hypothesis, 2, minutes=60)
        experiment = await start(services, owner, experiment)
        reservation = await reservation_of(services, experiment.id)
        assert reservation is not None
        warned = await expiry.warn_expiring(
            services.db,
            warning_minutes=10,
            now=reservation.expires_at - timedelta(minutes=10),
        )
        assert warned == [experiment.id]
        await drain(services)

        sender = DeliverySender(services.db, config, tls_context=smtp.client_context)
        job = delivery_job(sender)
        try:
            assert await job.tick() is True  # this process leads, and the round ran
            assert job.failures == 0
        finally:
            await job.stop()
            await sender.close()

        (mail,) = smtp.mailbox.messages
        assert smtp.mailbox.recipients == [[lead.email]]
        assert smtp.mailbox.secured == [True] and smtp.mailbox.logins == ["mailer"]
        expected = f"the reservation of {experiment.name} expires at"
        subject = "".join(mail["Subject"].splitlines()).strip()  # unfolded (RFC 5322)
        assert subject.startswith(f"[expsvc] {expected}")
        (request,) = hook.requests
        verify_standard_webhook(await secret_of(services, lead.id), request.headers, request.body)
        (item,) = orjson.loads(request.body)["data"]["notifications"]
        assert item["kind"] == "RESERVATION_EXPIRING"
        assert item["message"].startswith(expected)

    rows = await deliveries(services)
    assert {(row.user_id, row.channel, row.status) for row in rows} == {
        (lead.id, "EMAIL", "DELIVERED"),
        (lead.id, "WEBHOOK", "DELIVERED"),
    }
    warned_people = {row.user_id for row in await stored(services, kind="RESERVATION_EXPIRING")}
    assert warned_people == {owner.id, lead.id}
