"""Types built with ``from_row`` answer their plain fields from attributes: no resolver, so
lists of them take the engine's fast path (``schema/engine/fast_lists.py``)."""

from __future__ import annotations

import pytest

from app.config import Settings
from schema.build import build_schema
from schema.engine import fast_lists, graphql_schema

PLAIN_FIELDS = {
    "User": ["id", "name", "email", "role", "mayRaisePriority"],
    "Hypothesis": ["id", "title"],
    "Experiment": [
        "id",
        "name",
        "description",
        "status",
        "type",
        "model",
        "approach",
        "framework",
        "hyperparams",
        "config",
        "tags",
        "statusMessage",
        "priority",
        "createdAt",
        "startedAt",
        "finishedAt",
        "lastActivityAt",
        "lastLogSeq",
    ],
    "ApiCost": ["id", "amount", "description", "createdAt"],
    "ApiToken": [
        "id",
        "name",
        "last4",
        "createdAt",
        "expiresAt",
        "lastUsedAt",
        "revokedAt",
        "active",
    ],
    "Artifact": ["id", "name", "kind", "sizeBytes", "sha256", "contentType", "createdAt"],
    "Notification": ["id", "kind", "message", "createdAt", "readAt"],
    "NotificationDelivery": [
        "id",
        "channel",
        "status",
        "attempts",
        "lastError",
        "nextAttemptAt",
        "deliveredAt",
        "digest",
    ],
    "Preset": ["type", "description", "hyperparamSchema", "defaults"],
}


@pytest.mark.parametrize("type_name", sorted(PLAIN_FIELDS))
def test_plain_fields_are_attributes(type_name: str) -> None:
    object_type = graphql_schema(build_schema(Settings())).type_map[type_name]
    fields = object_type.fields  # type: ignore[attr-defined]
    resolved = [
        name for name in PLAIN_FIELDS[type_name] if not fast_lists._plain_attribute(fields[name])
    ]
    assert resolved == []


def test_relations_keep_their_resolvers() -> None:
    fields = graphql_schema(build_schema(Settings())).type_map["Experiment"].fields  # type: ignore[attr-defined]
    assert fast_lists._plain_attribute(fields["owner"]) is None
    assert fast_lists._plain_attribute(fields["progress"]) is None
