"""What a delivery says: one notification, or a digest of several, as each channel
writes it (a JSON document for webhooks, a subject and text for email, a Slack text)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Item:
    """One notification in a message."""

    notification_id: uuid.UUID
    kind: str
    message: str
    created_at: datetime
    experiment_id: uuid.UUID | None


@dataclass(frozen=True)
class Outgoing:
    """A message to one user on one channel. ``delivery_id`` is what receivers
    de-duplicate on: the same on every retry."""

    delivery_id: uuid.UUID
    user_id: uuid.UUID
    items: tuple[Item, ...]

    @property
    def is_digest(self) -> bool:
        return len(self.items) > 1

    @property
    def subject(self) -> str:
        if self.is_digest:
            return f"[expsvc] {len(self.items)} notifications"
        return f"[expsvc] {self.items[0].message}"

    @property
    def text(self) -> str:
        """Plain text: one line per notification."""
        return "\n".join(
            f"{item.created_at:%Y-%m-%d %H:%M} UTC  {item.message}" for item in self.items
        )

    def document(self, timestamp: datetime) -> dict[str, Any]:
        """The webhook's JSON body (the Standard Webhooks shape: type, timestamp, data)."""
        return {
            "type": "notification.digest" if self.is_digest else "notification.created",
            "timestamp": timestamp.isoformat(),
            "data": {
                "deliveryId": str(self.delivery_id),
                "userId": str(self.user_id),
                "notifications": [
                    {
                        "id": str(item.notification_id),
                        "kind": item.kind,
                        "message": item.message,
                        "createdAt": item.created_at.isoformat(),
                        "experimentId": (
                            None if item.experiment_id is None else str(item.experiment_id)
                        ),
                    }
                    for item in self.items
                ],
            },
        }


class DeliveryError(Exception):
    """A send that failed; ``retryable`` False gives up at once (a refusal no retry fixes)."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable
