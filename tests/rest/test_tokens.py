"""``/api/v1/tokens``: list, create, revoke; the same rules and codes as GraphQL, with
every kind of caller."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.models.base import utcnow
from app.models.enums import Role
from app.rest.tokens import CreatedTokenOut, TokenListOut, TokenOut
from app.services import Services
from tests.rest.helpers import API, bearer
from tests.tokens.helpers import expired_token, new_token, revoked_token, token_ids, token_row

TOKENS = f"{API}/tokens"


def headers(token: str | None) -> dict[str, str]:
    return bearer(token) if token else {}


async def caller_token(services: Services, make_user: Any, caller: str, owner: Any) -> str | None:
    if caller == "anonymous":
        return None
    if caller == "revoked":
        return await revoked_token(services, owner)
    if caller == "expired":
        return await expired_token(services, owner)
    _, token = await make_user(Role.ADMIN if caller == "admin" else Role.DS)
    return str(token)


async def test_create_list_revoke(
    client: httpx.AsyncClient, make_user: Any, services: Services
) -> None:
    user, token = await make_user(Role.DS)
    at = (utcnow() + timedelta(days=7)).astimezone(UTC).isoformat()
    created = await client.post(
        TOKENS, json={"name": "ci", "expires_at": at}, headers=bearer(token)
    )
    assert created.status_code == 201, created.text
    body = CreatedTokenOut.model_validate(created.json())
    secret, made = body.token, body.api_token
    assert made.name == "ci" and made.last4 == secret[-4:] and made.active
    assert made.expires_at == datetime.fromisoformat(at)
    assert (await client.get(TOKENS, headers=bearer(secret))).status_code == 200

    listed = await client.get(TOKENS, headers=bearer(token))
    assert listed.status_code == 200
    tokens = TokenListOut.model_validate(listed.json()).tokens
    assert [t.name for t in tokens] == ["ci", "initial"]
    assert secret not in listed.text

    revoked = await client.delete(f"{TOKENS}/{made.id}", headers=bearer(token))
    assert revoked.status_code == 200
    answer = TokenOut.model_validate(revoked.json())
    assert answer.revoked_at is not None and not answer.active
    refused = await client.get(TOKENS, headers=bearer(secret))
    assert refused.status_code == 401
    assert refused.json()["error"] == {
        "code": "UNAUTHENTICATED",
        "message": "token revoked",
        "details": {},
    }
    assert user.id  # the listing above was the user's own


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x", "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        ({"name": "x", "expires_at": "2999-01-01T00:00:00"}, "expires_at"),  # no zone
        ({"name": "x", "secret": "mine"}, "secret"),
    ],
)
async def test_bad_bodies_are_refused(
    client: httpx.AsyncClient, make_user: Any, services: Services, body: Any, field: str
) -> None:
    user, token = await make_user(Role.DS)
    response = await client.post(TOKENS, json=body, headers=bearer(token))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_FAILED" and field in error["details"]["fields"]
    assert len(await token_ids(services, user)) == 1


LIST_RULES = {
    "owner": 200,
    "other": 403,
    "admin": 200,
    "anonymous": 401,
    "revoked": 401,
    "expired": 401,
}


@pytest.mark.parametrize(("caller", "status"), LIST_RULES.items())
async def test_who_may_list_a_users_tokens(
    client: httpx.AsyncClient, make_user: Any, services: Services, caller: str, status: int
) -> None:
    owner, owner_token = await make_user(Role.DS)
    token = (
        owner_token if caller == "owner" else await caller_token(services, make_user, caller, owner)
    )
    response = await client.get(TOKENS, params={"user_id": str(owner.id)}, headers=headers(token))
    assert response.status_code == status, response.text
    if status == 200:
        assert {t["user_id"] for t in response.json()["tokens"]} == {str(owner.id)}


async def test_an_admin_naming_no_such_user_gets_not_found(
    client: httpx.AsyncClient, make_user: Any
) -> None:
    _, admin = await make_user(Role.ADMIN)
    response = await client.get(
        TOKENS, params={"user_id": str(uuid.uuid4())}, headers=bearer(admin)
    )
    assert response.status_code == 404
    bad = await client.get(TOKENS, params={"first": 501}, headers=bearer(admin))
    assert bad.status_code == 422


REVOKE_RULES = {
    "owner": 200,
    "other": 404,
    "admin": 200,
    "anonymous": 401,
    "revoked": 401,
    "expired": 401,
}


@pytest.mark.parametrize(("caller", "status"), REVOKE_RULES.items())
async def test_who_may_revoke(
    client: httpx.AsyncClient, make_user: Any, services: Services, caller: str, status: int
) -> None:
    owner, owner_token = await make_user(Role.MLE)
    target_id, target = await new_token(services, owner)
    assert (await client.get(TOKENS, headers=bearer(target))).status_code == 200  # cached
    token = (
        owner_token if caller == "owner" else await caller_token(services, make_user, caller, owner)
    )
    response = await client.delete(f"{TOKENS}/{target_id}", headers=headers(token))
    assert response.status_code == status, response.text
    still = (await client.get(TOKENS, headers=bearer(target))).status_code
    if status == 200:
        assert still == 401  # at once on this replica
    else:
        assert still == 200
        assert (await token_row(services, target_id)).revoked_at is None


async def test_revoking_an_unknown_or_malformed_id_is_not_found(
    client: httpx.AsyncClient, make_user: Any
) -> None:
    _, admin = await make_user(Role.ADMIN)
    for ident in (str(uuid.uuid4()), "nope"):
        response = await client.delete(f"{TOKENS}/{ident}", headers=bearer(admin))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_the_routes_are_documented(client: httpx.AsyncClient) -> None:
    document = (await client.get(f"{API}/openapi.json")).json()
    paths = document["paths"]
    assert set(paths["/tokens"]) == {"get", "post"}
    assert set(paths["/tokens/{id}"]) == {"delete"}
    assert "EXPSVC_AUTH_CACHE_TTL_SECONDS" in paths["/tokens/{id}"]["delete"]["description"]


@pytest.mark.parametrize("caller", ["anonymous", "revoked", "expired"])
async def test_who_may_not_create(
    client: httpx.AsyncClient, make_user: Any, services: Services, caller: str
) -> None:
    owner, _ = await make_user(Role.DS)
    token = await caller_token(services, make_user, caller, owner)
    response = await client.post(TOKENS, json={"name": "x"}, headers=headers(token))
    assert response.status_code == 401
    assert len(await token_ids(services, owner)) == (1 if caller == "anonymous" else 2)
