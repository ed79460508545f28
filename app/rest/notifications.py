"""``/notification-preferences``: the caller's delivery preferences (the rules:
``app/notifications/delivery/preferences.py``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from app.models.notification_delivery import Channel
from app.notifications.delivery import preferences
from app.notifications.delivery.preferences import PreferencesUpdate, PreferencesView
from app.rest.endpoints import Call, Endpoint
from app.rest.schemas import Out

TAGS = ("notifications",)


class KindChannelsOut(Out):
    kind: str
    channels: list[Channel]


class PreferencesOut(Out):
    email: str | None = Field(description="Where EMAIL goes; null: your account's email")
    effective_email: str = Field(description="The address EMAIL goes to now")
    webhook_url: str | None
    webhook_secret: str | None = Field(
        description="Signs your webhook (Standard Webhooks, `whsec_…`); made with its URL"
    )
    slack_webhook_url: str | None
    kinds: list[KindChannelsOut]
    digest: bool
    digest_minutes: float
    digest_kinds: list[str] = Field(description="The kinds a digest collects")


def preferences_json(view: PreferencesView) -> dict[str, Any]:
    return {
        "email": view.email,
        "effective_email": view.email or view.account_email,
        "webhook_url": view.webhook_url,
        "webhook_secret": view.webhook_secret,
        "slack_webhook_url": view.slack_webhook_url,
        "kinds": [
            {"kind": kind, "channels": [channel.value for channel in channels]}
            for kind, channels in view.kinds.items()
        ],
        "digest": view.digest,
        "digest_minutes": view.digest_minutes,
        "digest_kinds": list(view.noisy_kinds),
    }


async def get_notification_preferences(call: Call) -> Any:
    async with call.services.db.reader() as session:
        view = await preferences.get_preferences(session, actor=call.actor, settings=call.settings)
    return preferences_json(view)


async def put_notification_preferences(call: Call) -> Any:
    change = call.body_as(PreferencesUpdate)
    async with call.services.db.unit_of_work() as session:
        view = await preferences.update_preferences(
            session, actor=call.actor, change=change, settings=call.settings
        )
    return preferences_json(view)


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        "/notification-preferences",
        get_notification_preferences,
        "Your notification delivery preferences",
        response_model=PreferencesOut,
        tags=TAGS,
    ),
    Endpoint(
        "PUT",
        "/notification-preferences",
        put_notification_preferences,
        "Change your notification delivery preferences",
        request_model=PreferencesUpdate,
        response_model=PreferencesOut,
        tags=TAGS,
        description="Fields left out keep their value; a null address clears it; `kinds` "
        "sets the channels of the kinds it lists. URLs must be http or https and not point "
        "at loopback or private addresses (VALIDATION_FAILED, nothing changed).",
    ),
]
