"""Delivery preferences: each user reads and changes only their own, over GraphQL and
REST; bad input is refused with VALIDATION_FAILED and changes nothing; a user's webhook
gets a signing secret its owner can read and rotate."""

from __future__ import annotations

import asyncio

import pytest

from app.models.enums import Role
from app.notifications.delivery import preferences
from app.notifications.delivery.preferences import PreferencesUpdate
from tests.graphql import error_codes, gql, ok

READ = """{ notificationPreferences { email effectiveEmail webhookUrl webhookSecret
  slackWebhookUrl digest digestMinutes digestKinds kinds { kind channels } } }"""
UPDATE = """mutation($input: UpdateNotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) {
    email effectiveEmail webhookUrl webhookSecret slackWebhookUrl digest kinds { kind channels }
  } }"""


def channels(preferences: dict, kind: str) -> list[str]:
    return next(entry["channels"] for entry in preferences["kinds"] if entry["kind"] == kind)


async def test_defaults_are_in_app_only(client, make_user):
    user, token = await make_user(Role.DS)
    mine = (await ok(client, READ, token=token))["notificationPreferences"]
    assert mine["email"] is None and mine["effectiveEmail"] == user.email
    assert mine["webhookUrl"] is None and mine["webhookSecret"] is None
    assert mine["digest"] is False and mine["digestMinutes"] == 60
    assert "EXPERIMENT_COMPLETED" in mine["digestKinds"]
    assert "EXPERIMENT_FAILED" not in mine["digestKinds"]
    assert {tuple(entry["channels"]) for entry in mine["kinds"]} == {("IN_APP",)}
    assert "RESERVATION_EXPIRING" in {entry["kind"] for entry in mine["kinds"]}


async def test_a_user_changes_their_own_and_nobody_elses(client, make_user):
    _, lead_token = await make_user(Role.TL)
    _, other_token = await make_user(Role.ADMIN)
    change = {
        "email": "lead.alerts@example.test",
        "webhookUrl": "https://hooks.example.com/expsvc",
        "slackWebhookUrl": "https://hooks.slack.com/services/T0/B0/x",
        "digest": True,
        "kinds": [
            {"kind": "RESERVATION_EXPIRING", "channels": ["EMAIL", "WEBHOOK", "IN_APP", "EMAIL"]}
        ],
    }
    mine = (await ok(client, UPDATE, {"input": change}, token=lead_token))[
        "updateNotificationPreferences"
    ]
    assert mine["effectiveEmail"] == "lead.alerts@example.test"
    assert mine["webhookUrl"] == "https://hooks.example.com/expsvc"
    assert mine["webhookSecret"].startswith("whsec_")
    assert mine["digest"] is True
    assert channels(mine, "RESERVATION_EXPIRING") == ["IN_APP", "EMAIL", "WEBHOOK"]
    assert channels(mine, "EXPERIMENT_FAILED") == ["IN_APP"]
    assert (await ok(client, READ, token=lead_token))["notificationPreferences"][
        "webhookSecret"
    ] == mine["webhookSecret"]

    # another user, even an ADMIN, reads and changes only their own
    theirs = (await ok(client, READ, token=other_token))["notificationPreferences"]
    assert theirs["webhookUrl"] is None and theirs["webhookSecret"] is None
    await ok(client, UPDATE, {"input": {"digest": False}}, token=other_token)
    again = (await ok(client, READ, token=lead_token))["notificationPreferences"]
    assert again["digest"] is True and again["email"] == "lead.alerts@example.test"

    # a field left out keeps its value; a null address clears it (and the secret with it)
    kept = (await ok(client, UPDATE, {"input": {"slackWebhookUrl": None}}, token=lead_token))[
        "updateNotificationPreferences"
    ]
    assert kept["slackWebhookUrl"] is None and kept["webhookSecret"] == mine["webhookSecret"]
    rotated = (
        await ok(client, UPDATE, {"input": {"rotateWebhookSecret": True}}, token=lead_token)
    )["updateNotificationPreferences"]
    assert rotated["webhookSecret"].startswith("whsec_")
    assert rotated["webhookSecret"] != mine["webhookSecret"]
    cleared = (await ok(client, UPDATE, {"input": {"webhookUrl": None}}, token=lead_token))[
        "updateNotificationPreferences"
    ]
    assert cleared["webhookUrl"] is None and cleared["webhookSecret"] is None


async def test_without_a_token_nothing_is_read_or_changed(client):
    assert error_codes(await gql(client, READ)) == ["UNAUTHENTICATED"]
    body = await gql(client, UPDATE, {"input": {"digest": True}})
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert (await client.get("/api/v1/notification-preferences")).status_code == 401
    response = await client.put("/api/v1/notification-preferences", json={"digest": True})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"webhookUrl": "ftp://files.example.com/x"}, "input.webhookUrl"),
        ({"webhookUrl": "javascript:alert(1)"}, "input.webhookUrl"),
        ({"webhookUrl": "http://127.0.0.1:5432/"}, "input.webhookUrl"),
        ({"webhookUrl": "http://localhost:8000/api/v1"}, "input.webhookUrl"),
        ({"webhookUrl": "http://169.254.169.254/latest/meta-data"}, "input.webhookUrl"),
        ({"webhookUrl": "http://10.0.0.7/hook"}, "input.webhookUrl"),
        ({"webhookUrl": "http://[::1]/hook"}, "input.webhookUrl"),
        ({"slackWebhookUrl": "https://"}, "input.slackWebhookUrl"),
        ({"email": "not an address"}, "input.email"),
        ({"kinds": [{"kind": "NO_SUCH_KIND", "channels": ["EMAIL"]}]}, "input.kinds.0.kind"),
    ],
)
async def test_bad_input_is_refused_and_changes_nothing(client, make_user, change, field):
    _, token = await make_user(Role.DS)
    await ok(client, UPDATE, {"input": {"digest": True}}, token=token)
    body = await gql(client, UPDATE, {"input": {**change, "digest": False}}, token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    assert field in body["errors"][0]["extensions"]["details"]["fields"]
    mine = (await ok(client, READ, token=token))["notificationPreferences"]
    assert mine["digest"] is True and mine["webhookUrl"] is None and mine["email"] is None


async def test_rest_reads_and_changes_the_callers_preferences(client, make_user):
    user, token = await make_user(Role.DS)
    _, other_token = await make_user(Role.DS)
    headers = {"Authorization": f"Bearer {token}"}
    response = await client.put(
        "/api/v1/notification-preferences",
        json={
            "webhook_url": "https://hooks.example.com/mine",
            "kinds": [{"kind": "EXPERIMENT_FAILED", "channels": ["WEBHOOK", "IN_APP"]}],
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["webhook_url"] == "https://hooks.example.com/mine"
    assert body["webhook_secret"].startswith("whsec_")
    assert body["effective_email"] == user.email
    failed = next(entry for entry in body["kinds"] if entry["kind"] == "EXPERIMENT_FAILED")
    assert failed["channels"] == ["IN_APP", "WEBHOOK"]
    assert (await client.get("/api/v1/notification-preferences", headers=headers)).json() == body

    other = await client.get(
        "/api/v1/notification-preferences", headers={"Authorization": f"Bearer {other_token}"}
    )
    assert other.json()["webhook_url"] is None

    refused = await client.put(
        "/api/v1/notification-preferences",
        json={"webhook_url": "gopher://example.com", "digest": True},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "VALIDATION_FAILED"
    unknown = await client.put(
        "/api/v1/notification-preferences", json={"colour": "red"}, headers=headers
    )
    assert unknown.json()["error"]["code"] == "VALIDATION_FAILED"
    after = (await client.get("/api/v1/notification-preferences", headers=headers)).json()
    assert after == body


async def test_concurrent_changes_take_turns_and_each_keeps_the_others(services, make_user):
    """Ten changes at once of one user's first preferences: none fails, none is lost."""
    user, _ = await make_user(Role.DS)
    kinds = list(preferences.known_kinds())

    async def choose(kind: str) -> None:
        change = PreferencesUpdate.model_validate(
            {"kinds": [{"kind": kind, "channels": ["EMAIL"]}]}
        )
        async with services.db.unit_of_work() as session:
            await preferences.update_preferences(
                session, actor=user, change=change, settings=services.settings
            )

    await asyncio.gather(*(choose(kind) for kind in kinds))
    async with services.db.reader() as session:
        view = await preferences.get_preferences(session, actor=user, settings=services.settings)
    assert {kind: list(channels) for kind, channels in view.kinds.items()} == {
        kind: ["EMAIL"] for kind in kinds
    }
