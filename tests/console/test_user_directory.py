"""The user directory (GraphQL ``users``, REST ``GET /users``): every signed-in caller
lists id, name and role by name; emails only to an ADMIN and in the caller's own entry."""

from __future__ import annotations

import pytest

from app.models.enums import Role
from tests.graphql import error_codes, gql, ok
from tests.rest.helpers import API, bearer

USERS = """query($search: String, $first: Int, $after: String) {
  users(search: $search, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id name role email } }
  } }"""


@pytest.fixture
async def people(make_user):
    """A DS caller among others; names chosen so case and ties matter."""
    made = {}
    for name, role in [
        ("carol", Role.TL),
        ("Alice", Role.DS),
        ("bob", Role.MLE),
        ("Bobby", Role.CURATOR),
        ("dave", Role.ADMIN),
    ]:
        made[name] = await make_user(role, name=name)
    return made


def nodes(data):
    return [edge["node"] for edge in data["users"]["edges"]]


async def test_any_caller_lists_users_by_name_without_others_emails(client, people):
    me, token = people["Alice"]
    data = await ok(client, USERS, {}, token=token)
    listed = nodes(data)
    assert [n["name"].lower() for n in listed] == ["alice", "bob", "bobby", "carol", "dave"]
    assert data["users"]["totalCount"] == 5
    assert {n["name"]: n["role"] for n in listed}["carol"] == "TL"
    emails = {n["name"]: n["email"] for n in listed}
    assert emails.pop("Alice") == me.email  # the caller's own entry
    assert set(emails.values()) == {None}


async def test_an_admin_sees_every_email(client, people):
    _, token = people["dave"]
    listed = nodes(await ok(client, USERS, {}, token=token))
    assert all(n["email"] == f"{n['name']}@example.test" for n in listed)


async def test_search_and_keyset_pages(client, people):
    _, token = people["carol"]
    found = nodes(await ok(client, USERS, {"search": "B"}, token=token))
    assert [n["name"] for n in found] == ["bob", "Bobby"]
    seen, after = [], None
    while True:
        data = await ok(client, USERS, {"first": 2, "after": after}, token=token)
        seen += [n["id"] for n in nodes(data)]
        if not data["users"]["pageInfo"]["hasNextPage"]:
            break
        after = data["users"]["pageInfo"]["endCursor"]
    everything = [n["id"] for n in nodes(await ok(client, USERS, {}, token=token))]
    assert seen == everything and len(set(seen)) == 5


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 501}, "first"),
        ({"first": -1}, "first"),
        ({"after": "not-a-cursor"}, "after"),
        ({"search": "x" * 201}, "search"),
        ({"search": "a\u0000b"}, "search"),
    ],
)
async def test_bad_input_is_validation_failed(client, people, variables, field):
    _, token = people["bob"]
    body = await gql(client, USERS, variables, token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"], body
    assert field in body["errors"][0]["extensions"]["details"]["fields"]


async def test_without_a_token_nothing_is_listed(client, people):
    body = await gql(client, USERS, {})
    assert error_codes(body) == ["UNAUTHENTICATED"]
    response = await client.get(f"{API}/users")
    assert response.status_code == 401


async def test_rest_lists_the_same(client, people):
    me, token = people["bob"]
    response = await client.get(f"{API}/users", params={"search": "b"}, headers=bearer(token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total_count"] == 2
    emails = {item["id"]: item["email"] for item in body["items"]}
    assert emails == {str(me.id): me.email, str(people["Bobby"][0].id): None}
    paged = await client.get(f"{API}/users", params={"first": 1}, headers=bearer(token))
    assert [i["name"] for i in paged.json()["items"]] == ["Alice"]
    cursor = paged.json()["page_info"]["end_cursor"]
    rest = await client.get(f"{API}/users", params={"after": cursor}, headers=bearer(token))
    assert [i["name"] for i in rest.json()["items"]] == ["bob", "Bobby", "carol", "dave"]
    bad = await client.get(f"{API}/users", params={"first": "many"}, headers=bearer(token))
    assert bad.status_code == 422
    assert "first" in bad.json()["error"]["details"]["fields"]
