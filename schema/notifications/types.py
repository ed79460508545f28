"""GraphQL types of notifications and their deliveries per channel."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.models.notification import Notification as NotificationRow
from app.models.notification_delivery import Channel, DeliveryStatus
from app.models.notification_delivery import NotificationDelivery as DeliveryRow
from schema.context import Info
from schema.experiments.types import Experiment

ChannelEnum = strawberry.enum(
    Channel,
    name="NotificationChannel",
    description="Where a notification goes: the console (IN_APP), email, the signed "
    "webhook, a Slack-compatible webhook.",
)


DeliveryStatusEnum = strawberry.enum(
    DeliveryStatus,
    name="DeliveryStatus",
    description="HELD waits for its digest, PENDING for its (next) attempt; DELIVERED; "
    "FAILED gave up (lastError says why).",
)


@strawberry.type(description="A notification on one channel besides the console.")
class NotificationDelivery:
    row: strawberry.Private[DeliveryRow]

    @strawberry.field(description="The delivery id (the webhook-id; receivers de-duplicate).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.digest_id or self.row.id))

    @strawberry.field
    def channel(self) -> Channel:
        return Channel(self.row.channel)

    @strawberry.field
    def status(self) -> DeliveryStatus:
        return DeliveryStatus(self.row.status)

    @strawberry.field(description="Sends tried so far.")
    def attempts(self) -> int:
        return self.row.attempts

    @strawberry.field(description="Why the last attempt failed (null after a success).")
    def last_error(self) -> str | None:
        return self.row.last_error

    @strawberry.field(description="When a PENDING delivery is tried (again).")
    def next_attempt_at(self) -> datetime | None:
        return self.row.next_attempt_at if self.row.status == DeliveryStatus.PENDING else None

    @strawberry.field
    def delivered_at(self) -> datetime | None:
        return self.row.delivered_at

    @strawberry.field(description="True when it went (or goes) out as part of a digest.")
    def digest(self) -> bool:
        return self.row.digest_id is not None or self.row.status == DeliveryStatus.HELD


@strawberry.type
class Notification:
    row: strawberry.Private[NotificationRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field
    def message(self) -> str:
        return self.row.message

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    def read_at(self) -> datetime | None:
        return self.row.read_at

    @strawberry.field(
        description="Its deliveries beyond the console, one per channel the recipient chose."
    )
    async def deliveries(self, info: Info) -> list[NotificationDelivery]:
        rows = await info.context.loaders.deliveries.load(self.row.id)
        return [NotificationDelivery(row=row) for row in rows or []]

    @strawberry.field
    async def experiment(self, info: Info) -> Experiment | None:
        """The experiment it is about (its recipients are the people who may read it)."""
        if self.row.experiment_id is None:
            return None
        row = await info.context.loaders.experiments.load(self.row.experiment_id)
        return None if row is None else Experiment(row=row)
