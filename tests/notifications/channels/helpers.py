"""Shared steps of the delivery tests: settings for loopback receivers, a user's
preferences, a notified experiment, the stored deliveries and the Standard Webhooks check."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select

from app.config import Settings
from app.models import User
from app.models.notification_delivery import NotificationDelivery, NotificationPreference
from app.notifications.delivery.preferences import PreferencesUpdate, update_preferences
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, move
from tests.notifications.helpers import drain


def loopback_settings(settings: Settings, **changes: Any) -> Settings:
    """The test settings with loopback receivers allowed (and any ``changes``)."""
    for name in ("smtp_url", "webhook_secret", "slack_webhook_url"):
        if isinstance(changes.get(name), str):
            changes[name] = SecretStr(changes[name])
    return settings.model_copy(update={"notification_allow_private_urls": True, **changes})


async def prefer(services: Services, user: User, settings: Settings, **fields: Any) -> None:
    change = PreferencesUpdate.model_validate(fields)
    async with services.db.unit_of_work() as session:
        await update_preferences(session, actor=user, change=change, settings=settings)


async def completed_experiment(services: Services, owner: User, name: str = "resnet") -> uuid.UUID:
    """An experiment of ``owner``'s own hypothesis, started and completed, notified."""
    hypothesis = await create_hypothesis(services, owner)
    experiment = await create_experiment(services, owner, hypothesis, name=name)
    await move(services, owner, experiment, "start")
    await move(services, owner, experiment, "complete")
    await drain(services)
    return experiment.id


async def deliveries(services: Services, channel: str | None = None) -> list[NotificationDelivery]:
    query = select(NotificationDelivery).order_by(NotificationDelivery.created_at)
    if channel is not None:
        query = query.where(NotificationDelivery.channel == channel)
    async with services.db.reader() as session:
        return list((await session.scalars(query)).all())


def verify_standard_webhook(secret: str, headers: dict[str, str], body: bytes) -> None:
    """The receiver's side of Standard Webhooks, written from the spec."""
    lowered = {key.lower(): value for key, value in headers.items()}
    message_id, timestamp = lowered["webhook-id"], lowered["webhook-timestamp"]
    key = (
        base64.b64decode(secret.removeprefix("whsec_"))
        if secret.startswith("whsec_")
        else secret.encode()
    )
    signed = f"{message_id}.{timestamp}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert expected in lowered["webhook-signature"].split(" "), "bad signature"


async def secret_of(services: Services, user_id: uuid.UUID) -> str:
    """The signing secret of a user's own webhook."""
    async with services.db.reader() as session:
        row = await session.get(NotificationPreference, user_id)
    assert row is not None and row.webhook_secret is not None
    return row.webhook_secret
