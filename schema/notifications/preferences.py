"""The caller's delivery preferences (``notificationPreferences``,
``updateNotificationPreferences``); the rules are in ``app/notifications/delivery``."""

from __future__ import annotations

import strawberry

from app.models.notification_delivery import Channel
from app.notifications.delivery import preferences
from app.notifications.delivery.preferences import PreferencesUpdate, PreferencesView
from schema.context import Info
from schema.inputs import to_model
from schema.notifications.types import ChannelEnum

__all__ = ["ChannelEnum"]  # registered there; the kinds' channels below take it


@strawberry.type
class NotificationKindChannels:
    kind: str
    channels: list[Channel]


@strawberry.type(description="The caller's delivery preferences; only they read them.")
class NotificationPreferences:
    view: strawberry.Private[PreferencesView]

    @strawberry.field(description="Where EMAIL goes; null: your account's email.")
    def email(self) -> str | None:
        return self.view.email

    @strawberry.field(description="The address EMAIL goes to now.")
    def effective_email(self) -> str:
        return self.view.email or self.view.account_email

    @strawberry.field(description="Your webhook; null: the installation's (if any).")
    def webhook_url(self) -> str | None:
        return self.view.webhook_url

    @strawberry.field(
        description="Signs your webhook (Standard Webhooks, whsec_…); set with its URL, "
        "replaced by rotateWebhookSecret."
    )
    def webhook_secret(self) -> str | None:
        return self.view.webhook_secret

    @strawberry.field(description="Your Slack-compatible webhook; null: the installation's.")
    def slack_webhook_url(self) -> str | None:
        return self.view.slack_webhook_url

    @strawberry.field(description="The channels of every kind.")
    def kinds(self) -> list[NotificationKindChannels]:
        return [
            NotificationKindChannels(kind=kind, channels=list(channels))
            for kind, channels in self.view.kinds.items()
        ]

    @strawberry.field(description="Noisy kinds go out as one message per digestMinutes.")
    def digest(self) -> bool:
        return self.view.digest

    @strawberry.field
    def digest_minutes(self) -> float:
        return self.view.digest_minutes

    @strawberry.field(description="The kinds a digest collects; the others go at once.")
    def digest_kinds(self) -> list[str]:
        return list(self.view.noisy_kinds)


@strawberry.input
class NotificationKindChannelsInput:
    kind: str
    channels: list[Channel]


@strawberry.input(description="Fields left out keep their value; a null address clears it.")
class UpdateNotificationPreferencesInput:
    email: str | None = strawberry.UNSET
    webhook_url: str | None = strawberry.UNSET
    slack_webhook_url: str | None = strawberry.UNSET
    kinds: list[NotificationKindChannelsInput] | None = strawberry.UNSET
    digest: bool | None = strawberry.UNSET
    rotate_webhook_secret: bool | None = strawberry.UNSET


NOTIFICATION_PREFERENCES_DESCRIPTION = "The caller's notification delivery preferences."


UPDATE_NOTIFICATION_PREFERENCES_DESCRIPTION = (
    "Change the caller's own delivery preferences: channels per kind, addresses (http/https "
    "URLs; not loopback or private addresses), digest. VALIDATION_FAILED changes nothing."
)


async def notification_preferences(info: Info) -> NotificationPreferences:
    actor = await info.context.actor()
    async with info.context.reader() as session:
        view = await preferences.get_preferences(
            session, actor=actor, settings=info.context.settings
        )
    return NotificationPreferences(view=view)


async def update_notification_preferences(
    info: Info, input: UpdateNotificationPreferencesInput
) -> NotificationPreferences:
    actor = await info.context.actor()
    change = to_model(PreferencesUpdate, input)
    async with info.context.transaction() as session:
        view = await preferences.update_preferences(
            session, actor=actor, change=change, settings=info.context.settings, prefix="input."
        )
    return NotificationPreferences(view=view)
