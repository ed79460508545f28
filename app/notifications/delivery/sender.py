"""The delivery job: sends due ``notification_deliveries`` and records what happened.

Each round (a leader job, every ``EXPSVC_NOTIFICATION_DELIVERY_INTERVAL_SECONDS``, on one
replica at a time): turn HELD deliveries whose oldest one has waited
``EXPSVC_NOTIFICATION_DIGEST_MINUTES`` into one PENDING digest per user and channel (they
share ``digest_id``, the id of the first, which is the digest's delivery id); then send
every PENDING delivery that is due, up to 8 at a time. A success marks it DELIVERED; a
failure counts the attempt, stores the error and makes it due again after 1, 2, 4, …
seconds (at most ``EXPSVC_NOTIFICATION_DELIVERY_MAX_BACKOFF_SECONDS``), and after
``EXPSVC_NOTIFICATION_DELIVERY_MAX_ATTEMPTS`` attempts — or a refusal no retry can fix —
it is FAILED. The state lives in the rows, so a restart or another replica taking over
carries on where it stopped; a send whose answer was lost (a crash before the commit) is
sent again with the same delivery id: at least once.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import func, select, update

from app.config import Settings
from app.db import Database
from app.leader import LeaderLock, PeriodicJob
from app.models import User
from app.models.base import utcnow
from app.models.notification import Notification
from app.models.notification_delivery import (
    Channel,
    DeliveryStatus,
    NotificationDelivery,
    NotificationPreference,
)
from app.notifications.delivery import gauges
from app.notifications.delivery.email import send_email
from app.notifications.delivery.message import DeliveryError, Item, Outgoing
from app.notifications.delivery.slack import send_slack
from app.notifications.delivery.webhook import send_webhook
from app.smtp_url import SmtpConfig, parse_smtp_url
from app.webhook_urls import unreachable_reason

log = logging.getLogger("expsvc.notifications.delivery")

JOB_NAME = "notification-delivery"
PER_ROUND = 100
CONCURRENCY = 8
MAX_ERROR_CHARS = 2000


@dataclass
class Pending:
    """One message to send: a delivery, or the deliveries of one digest."""

    delivery_id: uuid.UUID
    user_id: uuid.UUID
    channel: Channel
    attempts: int
    ids: list[uuid.UUID] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


class DeliverySender:
    def __init__(
        self, db: Database, settings: Settings, *, tls_context: ssl.SSLContext | None = None
    ) -> None:
        self.db = db
        self.settings = settings
        self.tls_context = tls_context  # for SMTP; None: the system's trust store
        self.client = httpx.AsyncClient(
            timeout=settings.notification_delivery_timeout_seconds, follow_redirects=False
        )
        self.smtp: SmtpConfig | None = None
        self.smtp_problem = "EXPSVC_SMTP_URL is not set"
        if url := settings.smtp_url.get_secret_value():
            try:
                self.smtp = parse_smtp_url(url)
            except ValueError as exc:
                self.smtp_problem = str(exc)
                log.error("email delivery is off: %s", exc)

    async def close(self) -> None:
        await self.client.aclose()

    # --- one round --------------------------------------------------------------------

    async def run_once(self, now: datetime | None = None) -> int:
        """Form due digests, send what is due at ``now`` (default: the clock's now);
        return how many messages were delivered."""
        now = now or utcnow()
        await self.form_digests(now)
        messages = await self.due(now)
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one(pending: Pending) -> bool:
            async with limit:
                return await self.deliver(pending, now)

        delivered = await asyncio.gather(*(one(pending) for pending in messages))
        await self.refresh_gauges(now)
        return sum(delivered)

    async def form_digests(self, now: datetime) -> None:
        cutoff = now - timedelta(minutes=self.settings.notification_digest_minutes)
        held = NotificationDelivery.status == DeliveryStatus.HELD.value
        async with self.db.reader() as session:
            groups = (
                await session.execute(
                    select(NotificationDelivery.user_id, NotificationDelivery.channel)
                    .where(held)
                    .group_by(NotificationDelivery.user_id, NotificationDelivery.channel)
                    .having(func.min(NotificationDelivery.created_at) <= cutoff)
                )
            ).all()
        for user_id, channel in groups:
            async with self.db.unit_of_work() as session:
                ids = list(
                    (
                        await session.scalars(
                            select(NotificationDelivery.id)
                            .where(
                                held,
                                NotificationDelivery.user_id == user_id,
                                NotificationDelivery.channel == channel,
                            )
                            .order_by(NotificationDelivery.created_at, NotificationDelivery.id)
                        )
                    ).all()
                )
                if ids:
                    await session.execute(
                        update(NotificationDelivery)
                        .where(NotificationDelivery.id.in_(ids), held)
                        .values(
                            status=DeliveryStatus.PENDING.value,
                            digest_id=ids[0],
                            next_attempt_at=now,
                        )
                    )

    async def due(self, now: datetime) -> list[Pending]:
        """The messages due at ``now``: a digest always whole, whatever the round's limit."""
        columns = (
            NotificationDelivery,
            Notification.kind,
            Notification.message,
            Notification.created_at,
            Notification.experiment_id,
        )
        pending = NotificationDelivery.status == DeliveryStatus.PENDING.value
        joined = select(*columns).join(
            Notification, Notification.id == NotificationDelivery.notification_id
        )
        async with self.db.reader() as session:
            rows = list(
                (
                    await session.execute(
                        joined.where(pending, NotificationDelivery.next_attempt_at <= now)
                        .order_by(NotificationDelivery.next_attempt_at, NotificationDelivery.id)
                        .limit(PER_ROUND)
                    )
                ).all()
            )
            digests = {row[0].digest_id for row in rows if row[0].digest_id is not None}
            if digests:
                seen = {row[0].id for row in rows}
                rest = await session.execute(
                    joined.where(pending, NotificationDelivery.digest_id.in_(digests))
                )
                rows += [row for row in rest.all() if row[0].id not in seen]
        messages: dict[uuid.UUID, Pending] = {}
        for delivery, kind, message, created_at, experiment_id in rows:
            key = delivery.digest_id or delivery.id
            entry = messages.setdefault(
                key,
                Pending(key, delivery.user_id, Channel(delivery.channel), delivery.attempts),
            )
            entry.attempts = max(entry.attempts, delivery.attempts)
            entry.ids.append(delivery.id)
            entry.items.append(
                Item(delivery.notification_id, kind, message, created_at, experiment_id)
            )
        for entry in messages.values():
            entry.items.sort(key=lambda item: (item.created_at, item.notification_id))
        return list(messages.values())

    # --- one message ------------------------------------------------------------------

    async def deliver(self, pending: Pending, now: datetime) -> bool:
        outgoing = Outgoing(pending.delivery_id, pending.user_id, tuple(pending.items))
        try:
            await self.send(pending.channel, outgoing)
        except DeliveryError as exc:
            log.warning("delivery %s (%s) failed: %s", pending.delivery_id, pending.channel, exc)
            await self._record_failure(pending, str(exc), exc.retryable, now)
            return False
        except Exception as exc:
            log.exception("delivery %s (%s) failed", pending.delivery_id, pending.channel)
            await self._record_failure(pending, f"{type(exc).__name__}: {exc}", True, now)
            return False
        async with self.db.unit_of_work() as session:
            await session.execute(
                update(NotificationDelivery)
                .where(NotificationDelivery.id.in_(pending.ids))
                .values(
                    status=DeliveryStatus.DELIVERED.value,
                    attempts=pending.attempts + 1,
                    delivered_at=utcnow(),
                    last_error=None,
                )
            )
        gauges.DELIVERIES.labels(pending.channel.value, "delivered").inc(len(pending.ids))
        return True

    async def send(self, channel: Channel, outgoing: Outgoing) -> None:
        """One message on its channel; ``DeliveryError`` says why it did not go."""
        async with self.db.reader() as session:
            user = await session.get(User, outgoing.user_id)
            preference = await session.get(NotificationPreference, outgoing.user_id)
        if user is None:
            raise DeliveryError("the user no longer exists", retryable=False)
        settings = self.settings
        if channel is Channel.EMAIL:
            if self.smtp is None:
                raise DeliveryError(self.smtp_problem, retryable=False)
            await send_email(
                self.smtp,
                outgoing,
                sender=settings.smtp_from or f"expsvc@{self.smtp.host}",
                recipient=(preference and preference.email) or user.email,
                seconds=settings.notification_delivery_timeout_seconds,
                tls_context=self.tls_context,
            )
        elif channel is Channel.WEBHOOK:
            if preference is not None and preference.webhook_url:
                await self._check_user_url(preference.webhook_url)
                secret = preference.webhook_secret or ""
                await send_webhook(self.client, preference.webhook_url, secret, outgoing, utcnow())
            elif settings.webhook_url:
                secret = settings.webhook_secret.get_secret_value()
                if not secret:
                    raise DeliveryError("EXPSVC_WEBHOOK_SECRET is not set", retryable=False)
                await send_webhook(self.client, settings.webhook_url, secret, outgoing, utcnow())
            else:
                raise DeliveryError("no webhook URL (yours or EXPSVC_WEBHOOK_URL)", retryable=False)
        elif channel is Channel.SLACK:
            if preference is not None and preference.slack_webhook_url:
                await self._check_user_url(preference.slack_webhook_url)
                await send_slack(self.client, preference.slack_webhook_url, outgoing)
            elif url := settings.slack_webhook_url.get_secret_value():
                await send_slack(self.client, url, outgoing)
            else:
                raise DeliveryError(
                    "no Slack webhook URL (yours or EXPSVC_SLACK_WEBHOOK_URL)", retryable=False
                )
        else:
            raise DeliveryError(f"no such channel {channel}", retryable=False)

    async def _check_user_url(self, url: str) -> None:
        allow = self.settings.notification_allow_private_urls
        if reason := await unreachable_reason(url, allow_private=allow):
            raise DeliveryError(f"refused: {reason}", retryable=False)

    async def _record_failure(
        self, pending: Pending, message: str, retryable: bool, now: datetime
    ) -> None:
        attempts = pending.attempts + 1
        give_up = not retryable or attempts >= self.settings.notification_delivery_max_attempts
        delay = min(self.settings.notification_delivery_max_backoff_seconds, 2.0 ** (attempts - 1))
        status = DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING
        try:
            async with self.db.unit_of_work() as session:
                await session.execute(
                    update(NotificationDelivery)
                    .where(NotificationDelivery.id.in_(pending.ids))
                    .values(
                        status=status.value,
                        attempts=attempts,
                        last_error=message[:MAX_ERROR_CHARS],
                        next_attempt_at=now + timedelta(seconds=delay),
                    )
                )
        except Exception:
            log.exception("recording the failure of delivery %s failed", pending.delivery_id)
        outcome = "failed" if give_up else "retry"
        gauges.DELIVERIES.labels(pending.channel.value, outcome).inc(len(pending.ids))

    async def refresh_gauges(self, now: datetime) -> None:
        waiting = NotificationDelivery.status.in_(
            [DeliveryStatus.PENDING.value, DeliveryStatus.HELD.value]
        )
        async with self.db.reader() as session:
            result = await session.execute(
                select(NotificationDelivery.channel, func.count())
                .where(waiting)
                .group_by(NotificationDelivery.channel)
            )
            counts: dict[str, int] = {channel: count for channel, count in result.all()}
            oldest = await session.scalar(
                select(func.min(NotificationDelivery.created_at)).where(
                    NotificationDelivery.status == DeliveryStatus.PENDING.value
                )
            )
        for channel in Channel:
            if channel is not Channel.IN_APP:
                gauges.PENDING.labels(channel.value).set(counts.get(channel.value, 0))
        gauges.LAG_SECONDS.set(max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)


def delivery_job(sender: DeliverySender) -> PeriodicJob:
    """The sender as a leader-elected periodic job."""
    return PeriodicJob(
        JOB_NAME,
        sender.settings.notification_delivery_interval_seconds,
        sender.run_once,
        LeaderLock(sender.db, JOB_NAME),
    )
