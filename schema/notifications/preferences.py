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
    email: str | None = strawberry.field(
        description="Where EMAIL goes; null: your account's email."
    )
    effective_email: str = strawberry.field(description="The address EMAIL goes to now.")
    webhook_url: str | None = strawberry.field(
        description="Your webhook; null: the installation's (if any)."
    )
    webhook_secret: str | None = strawberry.field(
        description="Signs your webhook (Standard Webhooks, whsec_…); set with its URL, "
        "replaced by rotateWebhookSecret."
    )
    slack_webhook_url: str | None = strawberry.field(
        description="Your Slack-compatible webhook; null: the installation's."
    )
    kinds: list[NotificationKindChannels] = strawberry.field(
        description="The channels of every kind."
    )
    digest: bool = strawberry.field(
        description="Noisy kinds go out as one message per digestMinutes."
    )
    digest_minutes: float
    digest_kinds: list[str] = strawberry.field(
        description="The kinds a digest collects; the others go at once."
    )

    @classmethod
    def from_view(cls, view: PreferencesView) -> NotificationPreferences:
        return cls(
            email=view.email,
            effective_email=view.email or view.account_email,
            webhook_url=view.webhook_url,
            webhook_secret=view.webhook_secret,
            slack_webhook_url=view.slack_webhook_url,
            kinds=[
                NotificationKindChannels(kind=kind, channels=list(channels))
                for kind, channels in view.kinds.items()
            ],
            digest=view.digest,
            digest_minutes=view.digest_minutes,
            digest_kinds=list(view.noisy_kinds),
        )


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
    return NotificationPreferences.from_view(view)


async def update_notification_preferences(
    info: Info, input: UpdateNotificationPreferencesInput
) -> NotificationPreferences:
    actor = await info.context.actor()
    change = to_model(PreferencesUpdate, input)
    async with info.context.transaction() as session:
        view = await preferences.update_preferences(
            session, actor=actor, change=change, settings=info.context.settings, prefix="input."
        )
    return NotificationPreferences.from_view(view)
