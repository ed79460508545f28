"""Each user's delivery preferences: which channels each kind goes to, the addresses they
go to, and the digest. A user reads and changes only their own (the caller's); without a
row every kind goes to IN_APP only.

IN_APP is the console's list and bell: a kind without it is still recorded (its
deliveries hang off the notification) but arrives read and is not pushed live.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.errors import ValidationFailed
from app.models import User
from app.models.base import utcnow
from app.models.notification_delivery import Channel, NotificationPreference
from app.notifications.delivery.webhook import new_secret
from app.notifications.kinds import KIND_FOR_EVENT
from app.users.service import EMAIL_RE
from app.validation import name_problem
from app.webhook_urls import url_problem

DEFAULT_CHANNELS: tuple[Channel, ...] = (Channel.IN_APP,)
# Kinds a digest collects (the rest, failures and warnings, always go at once)
NOISY_KINDS = frozenset(
    {"EXPERIMENT_STARTED", "EXPERIMENT_COMPLETED", "EXPERIMENT_STOPPED", "RESOURCES_UNAVAILABLE"}
)
CHANNEL_ORDER = list(Channel)


def _insert(session: AsyncSession) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(NotificationPreference)
    return sqlite.insert(NotificationPreference)


def known_kinds() -> list[str]:
    return list(dict.fromkeys(KIND_FOR_EVENT.values()))


class KindChannels(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    channels: list[Channel]


class PreferencesUpdate(BaseModel):
    """A change: fields left out keep their value; a null address clears it."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(default=None, description="Where EMAIL goes; null: your account's")
    webhook_url: str | None = Field(
        default=None, description="Your webhook (http/https); null: the installation's"
    )
    slack_webhook_url: str | None = Field(
        default=None, description="Your Slack-compatible webhook; null: the installation's"
    )
    kinds: list[KindChannels] | None = Field(
        default=None, description="The channels of each kind listed (others keep theirs)"
    )
    digest: bool | None = Field(
        default=None, description="Send the noisy kinds as one message per digest interval"
    )
    rotate_webhook_secret: bool | None = Field(
        default=None, description="Replace your webhook's signing secret with a new one"
    )


@dataclass(frozen=True)
class PreferencesView:
    email: str | None
    account_email: str
    webhook_url: str | None
    webhook_secret: str | None
    slack_webhook_url: str | None
    kinds: dict[str, tuple[Channel, ...]]  # every known kind
    digest: bool
    digest_minutes: float
    noisy_kinds: tuple[str, ...]


def channels_of(row: NotificationPreference | None, kind: str) -> tuple[Channel, ...]:
    if row is None or kind not in (row.kinds or {}):
        return DEFAULT_CHANNELS
    return tuple(Channel(name) for name in row.kinds[kind])


def view_of(row: NotificationPreference | None, user: User, settings: Settings) -> PreferencesView:
    return PreferencesView(
        email=None if row is None else row.email,
        account_email=user.email,
        webhook_url=None if row is None else row.webhook_url,
        webhook_secret=None if row is None else row.webhook_secret,
        slack_webhook_url=None if row is None else row.slack_webhook_url,
        kinds={kind: channels_of(row, kind) for kind in known_kinds()},
        digest=False if row is None else row.digest,
        digest_minutes=settings.notification_digest_minutes,
        noisy_kinds=tuple(kind for kind in known_kinds() if kind in NOISY_KINDS),
    )


async def preferences_by_users(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, NotificationPreference]:
    query = select(NotificationPreference).where(NotificationPreference.user_id.in_(set(user_ids)))
    return {row.user_id: row for row in (await session.scalars(query)).all()}


async def get_preferences(
    session: AsyncSession, *, actor: User, settings: Settings
) -> PreferencesView:
    """The caller's preferences (the defaults when never set)."""
    row = await session.get(NotificationPreference, actor.id)
    return view_of(row, actor, settings)


def _check(change: PreferencesUpdate, settings: Settings, prefix: str) -> None:
    errors: dict[str, str] = {}
    allow_private = settings.notification_allow_private_urls
    email = change.email
    if email and (len(email) > 320 or not EMAIL_RE.match(email) or name_problem(email)):
        errors[f"{prefix}email"] = "must be an email address"
    for field, value in (
        ("webhookUrl", change.webhook_url),
        ("slackWebhookUrl", change.slack_webhook_url),
    ):
        if value and (problem := url_problem(value, allow_private=allow_private)):
            errors[prefix + field] = problem
    kinds = known_kinds()
    seen: set[str] = set()
    for index, entry in enumerate(change.kinds or []):
        if entry.kind not in kinds:
            errors[f"{prefix}kinds.{index}.kind"] = "must be one of " + ", ".join(kinds)
        elif entry.kind in seen:
            errors[f"{prefix}kinds.{index}.kind"] = "listed twice"
        seen.add(entry.kind)
    if errors:
        raise ValidationFailed(errors)


async def update_preferences(
    session: AsyncSession,
    *,
    actor: User,
    change: PreferencesUpdate,
    settings: Settings,
    prefix: str = "",
) -> PreferencesView:
    """Change the caller's own preferences; bad input changes nothing."""
    _check(change, settings, prefix)
    given = change.model_fields_set
    # the row exists (a concurrent first change inserts nothing more), then is locked, so
    # concurrent changes take turns and each sees the one before
    await session.execute(
        _insert(session)
        .values(user_id=actor.id, kinds={}, digest=False, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    row = await session.get(
        NotificationPreference, actor.id, with_for_update=True, populate_existing=True
    )
    assert row is not None
    if "email" in given:
        row.email = change.email or None
    if "webhook_url" in given:
        row.webhook_url = change.webhook_url or None
    if "slack_webhook_url" in given:
        row.slack_webhook_url = change.slack_webhook_url or None
    if change.kinds is not None:
        kinds = dict(row.kinds or {})
        for entry in change.kinds:
            chosen = set(entry.channels)
            kinds[entry.kind] = [channel.value for channel in CHANNEL_ORDER if channel in chosen]
        row.kinds = kinds
    if change.digest is not None:
        row.digest = change.digest
    if row.webhook_url is None:
        row.webhook_secret = None
    elif row.webhook_secret is None or change.rotate_webhook_secret:
        row.webhook_secret = new_secret()
    row.updated_at = utcnow()
    await session.flush()
    return view_of(row, actor, settings)
