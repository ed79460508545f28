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
    id: strawberry.ID = strawberry.field(
        description="The delivery id (the webhook-id; receivers de-duplicate)."
    )
    channel: Channel
    status: DeliveryStatus
    attempts: int = strawberry.field(description="Sends tried so far.")
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed (null after a success)."
    )
    next_attempt_at: datetime | None = strawberry.field(
        description="When a PENDING delivery is tried (again)."
    )
    delivered_at: datetime | None
    digest: bool = strawberry.field(
        description="True when it went (or goes) out as part of a digest."
    )

    @classmethod
    def from_row(cls, row: DeliveryRow) -> NotificationDelivery:
        status = DeliveryStatus(row.status)
        return cls(
            id=strawberry.ID(str(row.digest_id or row.id)),
            channel=Channel(row.channel),
            status=status,
            attempts=row.attempts,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at if status == DeliveryStatus.PENDING else None,
            delivered_at=row.delivered_at,
            digest=row.digest_id is not None or status == DeliveryStatus.HELD,
        )


@strawberry.type
class Notification:
    row: strawberry.Private[NotificationRow]
    id: strawberry.ID
    kind: str
    message: str
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def from_row(cls, row: NotificationRow) -> Notification:
        return cls(
            row=row,
            id=strawberry.ID(str(row.id)),
            kind=row.kind,
            message=row.message,
            created_at=row.created_at,
            read_at=row.read_at,
        )

    @strawberry.field(
        description="Its deliveries beyond the console, one per channel the recipient chose."
    )
    async def deliveries(self, info: Info) -> list[NotificationDelivery]:
        rows = await info.context.loaders.deliveries.load(self.row.id)
        return [NotificationDelivery.from_row(row) for row in rows or []]

    @strawberry.field
    async def experiment(self, info: Info) -> Experiment | None:
        """The experiment it is about (its recipients are the people who may read it)."""
        if self.row.experiment_id is None:
            return None
        row = await info.context.loaders.experiments.load(self.row.experiment_id)
        return None if row is None else Experiment.from_row(row)
