"""Delivery of notifications beyond the console: each user's preferences, and
``notification_deliveries``, the durable queue a background job sends from.

A delivery row is written in the transaction that writes its notification, so a
notification and its email, webhook or Slack message exist together or not at all. Its
``id`` is the delivery id receivers de-duplicate on (the webhook's ``webhook-id``, the
email's ``Message-ID``); a retry sends the same id again.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONDocument, UUIDPrimaryKey, utcnow


class Channel(StrEnum):
    IN_APP = "IN_APP"
    EMAIL = "EMAIL"
    WEBHOOK = "WEBHOOK"
    SLACK = "SLACK"


class DeliveryStatus(StrEnum):
    HELD = "HELD"  # waiting for its digest
    PENDING = "PENDING"  # due at next_attempt_at
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"  # given up; last_error says why


class NotificationPreference(Base):
    """A user's channels per kind and the addresses they go to (absent: in-app only)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # Where EMAIL goes; None: the account's email
    email: Mapped[str | None] = mapped_column(String(320))
    # Where WEBHOOK and SLACK go; None: the installation's URL (EXPSVC_WEBHOOK_URL, …)
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    # Signs the user's own webhook; made with its first URL, readable by its owner
    webhook_secret: Mapped[str | None] = mapped_column(String(100))
    slack_webhook_url: Mapped[str | None] = mapped_column(String(2000))
    # kind → channel names (IN_APP, EMAIL, WEBHOOK, SLACK); a kind not listed: IN_APP
    kinds: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    # Noisy kinds go out as one message per EXPSVC_NOTIFICATION_DIGEST_MINUTES
    digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationDelivery(UUIDPrimaryKey, Base):
    """One notification on one channel. ``status``: HELD (waiting for its digest), PENDING
    (due at ``next_attempt_at``), DELIVERED, FAILED (gave up; ``last_error`` says why).
    Deliveries sent together as a digest share ``digest_id`` (the id of its first one)."""

    __tablename__ = "notification_deliveries"

    notification_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    digest_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        Index("ix_notification_deliveries_status_due", "status", "next_attempt_at"),
        Index("ix_notification_deliveries_user_channel_status", "user_id", "channel", "status"),
    )
