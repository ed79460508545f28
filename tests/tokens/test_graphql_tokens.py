"""API tokens through GraphQL: create with an expiry, list, revoke; who may do what.

Every rule is tried with the callers it allows and those it refuses: the owner, another
user, an ADMIN, no token, a revoked token and an expired token.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.models import User
from app.models.base import utcnow
from app.models.enums import Role
from app.services import Services
from tests.graphql import error_codes, gql, ok
from tests.tokens.helpers import (
    expired_token,
    new_token,
    revoked_token,
    set_expiry,
    token_ids,
    token_row,
)

FIELDS = "id name last4 createdAt expiresAt lastUsedAt revokedAt active user { id }"
LIST = f"query($userId: ID) {{ apiTokens(userId: $userId) {{ {FIELDS} }} }}"
REVOKE = f"mutation($id: ID!) {{ revokeApiToken(id: $id) {{ {FIELDS} }} }}"
CREATE = "mutation($name: String!, $at: DateTime) { createApiToken(name: $name, expiresAt: $at) }"
ME = "{ me { id } }"


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


async def caller_token(services: Services, make_user: Any, caller: str, owner: User) -> str | None:
    """The token ``caller`` sends, acting on ``owner``'s tokens."""
    if caller == "anonymous":
        return None
    if caller == "revoked":
        return await revoked_token(services, owner)
    if caller == "expired":
        return await expired_token(services, owner)
    role = Role.ADMIN if caller == "admin" else Role.DS
    _, token = await make_user(role)
    return str(token)


async def test_create_with_an_expiry_then_list_shows_it_without_the_secret(
    client: httpx.AsyncClient, make_user: Any
) -> None:
    user, token = await make_user(Role.DS)
    at = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    secret = (await ok(client, CREATE, {"name": " laptop ", "at": iso(at)}, token=token))[
        "createApiToken"
    ]
    assert (await ok(client, ME, token=secret))["me"]["id"] == str(user.id)
    body = await gql(client, LIST, token=token)
    tokens = body["data"]["apiTokens"]
    assert [t["name"] for t in tokens] == ["laptop", "initial"]  # newest first
    laptop = tokens[0]
    assert laptop["last4"] == secret[-4:]
    assert datetime.fromisoformat(laptop["expiresAt"]) == at
    assert laptop["revokedAt"] is None and laptop["active"] is True
    assert laptop["user"] == {"id": str(user.id)}
    assert secret not in str(body) and secret[:-4] not in str(body)


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (timedelta(seconds=-5), "must be in the future"),
        (timedelta(0), "must be in the future"),
    ],
)
async def test_an_expiry_not_in_the_future_is_refused(
    client: httpx.AsyncClient, make_user: Any, services: Services, at: timedelta, message: str
) -> None:
    user, token = await make_user(Role.DS)
    body = await gql(client, CREATE, {"name": "x", "at": iso(utcnow() + at)}, token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    assert body["errors"][0]["extensions"]["details"]["fields"] == {"expiresAt": message}
    assert len(await token_ids(services, user)) == 1  # nothing written


async def test_the_cap_on_live_tokens(
    client: httpx.AsyncClient, make_user: Any, services: Services
) -> None:
    """20 live tokens (the default) including the initial one; revoked and expired ones
    do not count."""
    user, token = await make_user(Role.DS)
    assert services.settings.max_tokens_per_user == 20
    for n in range(18):
        await ok(client, CREATE, {"name": f"t{n}"}, token=token)
    last = await gql(client, CREATE, {"name": "t18"}, token=token)
    assert not last.get("errors")
    over = await gql(client, CREATE, {"name": "one too many"}, token=token)
    assert error_codes(over) == ["VALIDATION_FAILED"]
    assert "tokens" in over["errors"][0]["extensions"]["details"]["fields"]
    assert len(await token_ids(services, user)) == 20
    # an expired one frees a place, and so does a revoked one
    await expired_token_in_place(services, user)
    assert not (await gql(client, CREATE, {"name": "after expiry"}, token=token)).get("errors")
    newest = (await ok(client, LIST, token=token))["apiTokens"][0]
    await ok(client, REVOKE, {"id": newest["id"]}, token=token)
    assert not (await gql(client, CREATE, {"name": "after revoke"}, token=token)).get("errors")


async def expired_token_in_place(services: Services, user: User) -> None:
    """Make one of ``user``'s live tokens (not the initial one) expired."""
    for token_id in await token_ids(services, user):
        row = await token_row(services, token_id)
        if row.name != "initial":
            await set_expiry(services, token_id, utcnow() - timedelta(seconds=1))
            return


# --- who may list ---------------------------------------------------------------------

LIST_OWN = {
    "owner": "OK",
    "anonymous": "UNAUTHENTICATED",
    "revoked": "UNAUTHENTICATED",
    "expired": "UNAUTHENTICATED",
}


@pytest.mark.parametrize(("caller", "expected"), LIST_OWN.items())
async def test_who_may_list_their_own(
    client: httpx.AsyncClient, make_user: Any, services: Services, caller: str, expected: str
) -> None:
    owner, owner_token = await make_user(Role.DS)
    token = (
        owner_token if caller == "owner" else await caller_token(services, make_user, caller, owner)
    )
    body = await gql(client, LIST, token=token)
    if expected == "OK":
        assert [t["user"]["id"] for t in body["data"]["apiTokens"]] == [str(owner.id)]
    else:
        assert error_codes(body) == [expected]


LIST_OTHERS = {
    "owner": "OK",  # naming oneself
    "other": "FORBIDDEN",
    "admin": "OK",
    "anonymous": "UNAUTHENTICATED",
    "revoked": "UNAUTHENTICATED",
    "expired": "UNAUTHENTICATED",
}


@pytest.mark.parametrize(("caller", "expected"), LIST_OTHERS.items())
async def test_who_may_list_a_named_users_tokens(
    client: httpx.AsyncClient, make_user: Any, services: Services, caller: str, expected: str
) -> None:
    owner, owner_token = await make_user(Role.DS)
    await new_token(services, owner, "second")
    token = (
        owner_token if caller == "owner" else await caller_token(services, make_user, caller, owner)
    )
    body = await gql(client, LIST, {"userId": str(owner.id)}, token=token)
    if expected == "OK":
        names = {t["name"] for t in body["data"]["apiTokens"]}
        assert {"initial", "second"} <= names
    else:
        assert error_codes(body) == [expected]
        assert body["data"] is None


async def test_an_admin_naming_no_such_user_gets_not_found(
    client: httpx.AsyncClient, make_user: Any
) -> None:
    _, admin = await make_user(Role.ADMIN)
    for user_id in (str(uuid.uuid4()), "not-a-uuid"):
        body = await gql(client, LIST, {"userId": user_id}, token=admin)
        assert error_codes(body) == ["NOT_FOUND"]


# --- who may revoke -------------------------------------------------------------------

REVOKE_RULES = {
    "owner": "OK",
    "other": "NOT_FOUND",
    "admin": "OK",
    "anonymous": "UNAUTHENTICATED",
    "revoked": "UNAUTHENTICATED",
    "expired": "UNAUTHENTICATED",
}


@pytest.mark.parametrize(("caller", "expected"), REVOKE_RULES.items())
async def test_who_may_revoke(
    client: httpx.AsyncClient, make_user: Any, services: Services, caller: str, expected: str
) -> None:
    owner, owner_token = await make_user(Role.MLE)
    target_id, target = await new_token(services, owner, "target")
    assert (await ok(client, ME, token=target))["me"]["id"] == str(owner.id)  # cached now
    token = (
        owner_token if caller == "owner" else await caller_token(services, make_user, caller, owner)
    )
    body = await gql(client, REVOKE, {"id": str(target_id)}, token=token)
    if expected == "OK":
        answer = body["data"]["revokeApiToken"]
        assert answer["id"] == str(target_id) and answer["active"] is False
        assert answer["revokedAt"] is not None
        # at once on this replica, although the token was in its auth cache
        assert error_codes(await gql(client, ME, token=target)) == ["UNAUTHENTICATED"]
    else:
        assert error_codes(body) == [expected]
        assert (await token_row(services, target_id)).revoked_at is None
        assert (await ok(client, ME, token=target))["me"]["id"] == str(owner.id)


async def test_revoking_again_or_a_missing_token(
    client: httpx.AsyncClient, make_user: Any, services: Services
) -> None:
    owner, token = await make_user(Role.DS)
    target_id, _ = await new_token(services, owner)
    first = (await ok(client, REVOKE, {"id": str(target_id)}, token=token))["revokeApiToken"]
    again = (await ok(client, REVOKE, {"id": str(target_id)}, token=token))["revokeApiToken"]
    assert again["revokedAt"] == first["revokedAt"]
    for missing in (str(uuid.uuid4()), "nope"):
        body = await gql(client, REVOKE, {"id": missing}, token=token)
        assert error_codes(body) == ["NOT_FOUND"]


async def test_a_user_may_revoke_the_token_they_call_with(
    client: httpx.AsyncClient, make_user: Any, services: Services
) -> None:
    _, token = await make_user(Role.DS)
    initial = (await ok(client, LIST, token=token))["apiTokens"][0]
    await ok(client, REVOKE, {"id": initial["id"]}, token=token)
    assert error_codes(await gql(client, ME, token=token)) == ["UNAUTHENTICATED"]


async def test_expired_and_revoked_tokens_say_why(
    client: httpx.AsyncClient, make_user: Any, services: Services
) -> None:
    owner, _ = await make_user(Role.DS)
    for make, why in ((expired_token, "token expired"), (revoked_token, "token revoked")):
        body = await gql(client, ME, token=await make(services, owner))
        assert error_codes(body) == ["UNAUTHENTICATED"]
        assert body["errors"][0]["message"] == why


async def test_a_page_too_large_is_a_validation_error(
    client: httpx.AsyncClient, make_user: Any
) -> None:
    """Not a cost refusal: the estimate counts ``first`` at most at what the resolver takes."""
    _, token = await make_user(Role.DS)
    body = await gql(client, "{ apiTokens(first: 100000) { id user { id } } }", token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    assert (await ok(client, "{ apiTokens(first: 500) { id } }", token=token))["apiTokens"]


@pytest.mark.parametrize("caller", ["anonymous", "revoked", "expired"])
async def test_who_may_not_create(
    client: httpx.AsyncClient, make_user: Any, services: Services, caller: str
) -> None:
    owner, _ = await make_user(Role.DS)
    token = await caller_token(services, make_user, caller, owner)
    body = await gql(client, CREATE, {"name": "x"}, token=token)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert len(await token_ids(services, owner)) == (1 if caller == "anonymous" else 2)
