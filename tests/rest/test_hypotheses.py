"""Hypotheses over REST: create, read and list, with the role rules of GraphQL."""

from __future__ import annotations

import uuid

from app.models.enums import Role
from tests.builders import create_experiment, create_hypothesis
from tests.compare.helpers import count_statements
from tests.graphql import error_codes, gql, ok
from tests.rest.helpers import API, bearer, error_of


async def test_create_answers_the_hypothesis_owned_by_the_caller(client, make_user):
    owner, token = await make_user(Role.DS)
    lead, lead_token = await make_user(Role.TL)
    watcher, watcher_token = await make_user(Role.MLE)
    response = await client.post(
        f"{API}/hypotheses",
        json={
            "title": "  bigger batches help ",
            "team_lead_id": str(lead.id),
            "observer_ids": [str(watcher.id), str(watcher.id)],
        },
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["title"] == "bigger batches help"
    assert created["owner_id"] == str(owner.id)
    assert created["team_lead_id"] == str(lead.id)
    assert created["observer_ids"] == [str(watcher.id)]
    fetched = await client.get(f"{API}/hypotheses/{created['id']}", headers=bearer(token))
    assert fetched.status_code == 200
    assert fetched.json() == created
    for other in (lead_token, watcher_token):  # the lead and the observer see it too
        seen = await client.get(f"{API}/hypotheses/{created['id']}", headers=bearer(other))
        assert seen.status_code == 200 and seen.json() == created


async def test_create_refuses_bad_input_with_field_codes(client, make_user):
    _, token = await make_user(Role.DS)
    cases = [
        ({"title": "   "}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"title": "t", "team_lead_id": str(uuid.uuid4())}, "team_lead_id"),
        ({"title": "t", "team_lead_id": "not-a-uuid"}, "team_lead_id"),
        ({"title": "t", "observer_ids": [str(uuid.uuid4())]}, "observer_ids"),
        ({"title": "t", "colour": "red"}, "colour"),
        ({}, "title"),
    ]
    for body, field in cases:
        response = await client.post(f"{API}/hypotheses", json=body, headers=bearer(token))
        assert response.status_code == 422, (body, response.text)
        error = error_of(response)
        assert error["code"] == "VALIDATION_FAILED"
        assert any(key.startswith(field) for key in error["details"]["fields"]), error
    empty = await client.post(f"{API}/hypotheses", headers=bearer(token))
    assert empty.status_code == 422 and "body" in error_of(empty)["details"]["fields"]
    listed = await client.get(f"{API}/hypotheses", headers=bearer(token))
    assert listed.json()["total_count"] == 0  # nothing half written


async def test_read_follows_visibility(client, services, make_user):
    owner, owner_token = await make_user(Role.DS)
    lead, lead_token = await make_user(Role.TL)
    watcher, watcher_token = await make_user(Role.MLE)
    _, stranger_token = await make_user(Role.DS)
    _, other_tl_token = await make_user(Role.TL)
    _, curator_token = await make_user(Role.CURATOR)
    _, admin_token = await make_user(Role.ADMIN)
    row = await create_hypothesis(services, owner, team_lead=lead, observers=[watcher])
    url = f"{API}/hypotheses/{row.id}"
    for token in (owner_token, lead_token, watcher_token, curator_token, admin_token):
        response = await client.get(url, headers=bearer(token))
        assert response.status_code == 200, response.text
        assert response.json()["id"] == str(row.id)
    for token in (stranger_token, other_tl_token):
        response = await client.get(url, headers=bearer(token))
        assert response.status_code == 404 and error_of(response)["code"] == "NOT_FOUND"
        listed = await client.get(f"{API}/hypotheses", headers=bearer(token))
        assert listed.json() == {
            "items": [],
            "page_info": {"has_next_page": False, "end_cursor": None},
            "total_count": 0,
        }
    missing = await client.get(f"{API}/hypotheses/{uuid.uuid4()}", headers=bearer(owner_token))
    assert missing.status_code == 404
    malformed = await client.get(f"{API}/hypotheses/nope", headers=bearer(owner_token))
    assert malformed.status_code == 404 and error_of(malformed)["code"] == "NOT_FOUND"
    anonymous = await client.get(url)
    assert anonymous.status_code == 401 and error_of(anonymous)["code"] == "UNAUTHENTICATED"
    assert (await client.get(f"{API}/hypotheses")).status_code == 401
    assert (await client.post(f"{API}/hypotheses", json={"title": "t"})).status_code == 401


async def test_list_filters_and_walks_pages_newest_first(client, services, make_user):
    owner, token = await make_user(Role.DS)
    lead, _ = await make_user(Role.TL)
    other, _ = await make_user(Role.DS)
    made = []
    for index in range(5):
        made.append(
            await create_hypothesis(
                services, owner, title=f"Idea {index}", team_lead=lead if index % 2 else None
            )
        )
    # another's hypothesis the caller observes
    observed = await create_hypothesis(services, other, title="watched", observers=[owner])
    everything = [observed.id, *reversed([h.id for h in made])]
    seen: list[str] = []
    after = None
    while True:
        params = {"first": "2"} | ({"after": after} if after else {})
        page = (await client.get(f"{API}/hypotheses", params=params, headers=bearer(token))).json()
        assert page["total_count"] == 6
        seen += [item["id"] for item in page["items"]]
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    assert seen == [str(i) for i in everything]

    async def ids(**params: str) -> list[str]:
        response = await client.get(f"{API}/hypotheses", params=params, headers=bearer(token))
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids(owner_id=str(other.id)) == [str(observed.id)]
    assert await ids(team_lead_id=str(lead.id)) == [str(made[3].id), str(made[1].id)]
    assert await ids(search="idea 4") == [str(made[4].id)]
    assert await ids(search="%") == []
    assert await ids(first="0") == []


async def test_list_refuses_bad_parameters(client, make_user):
    _, token = await make_user(Role.DS)
    for params, field in [
        ({"first": "501"}, "first"),
        ({"first": "-1"}, "first"),
        ({"first": "many"}, "first"),
        ({"after": "garbage"}, "after"),
        ({"owner_id": "x"}, "owner_id"),
        ({"colour": "red"}, "colour"),
    ]:
        response = await client.get(f"{API}/hypotheses", params=params, headers=bearer(token))
        assert response.status_code == 422, (params, response.text)
        assert field in error_of(response)["details"]["fields"], response.text


async def test_a_page_costs_the_same_statements_whatever_its_size(client, services, make_user):
    owner, token = await make_user(Role.DS)
    watchers = [(await make_user(Role.DS))[0] for _ in range(3)]

    async def statements() -> int:
        with count_statements(services) as counter:
            response = await client.get(f"{API}/hypotheses", headers=bearer(token))
        assert response.status_code == 200
        return counter.selects()

    await create_hypothesis(services, owner, observers=watchers)
    await statements()  # the token is read once, then cached
    one = await statements()
    for _ in range(7):
        await create_hypothesis(services, owner, observers=watchers)
    assert await statements() == one
    page = (await client.get(f"{API}/hypotheses", headers=bearer(token))).json()
    assert len(page["items"]) == 8
    assert all(len(item["observer_ids"]) == 3 for item in page["items"])


async def test_update_changes_only_the_fields_sent(client, services, make_user):
    owner, token = await make_user(Role.DS)
    lead, _ = await make_user(Role.TL)
    first, first_token = await make_user(Role.DS)
    second, second_token = await make_user(Role.DS)
    row = await create_hypothesis(services, owner, title="old", team_lead=lead, observers=[first])
    experiment = await create_experiment(services, owner, row)
    url = f"{API}/hypotheses/{row.id}"

    renamed = await client.patch(url, json={"title": " new "}, headers=bearer(token))
    assert renamed.status_code == 200, renamed.text
    assert renamed.json() | {"created_at": None} == {
        "id": str(row.id),
        "title": "new",
        "owner_id": str(owner.id),
        "team_lead_id": str(lead.id),
        "observer_ids": [str(first.id)],
        "created_at": None,
    }
    moved = await client.patch(
        url, json={"team_lead_id": None, "observer_ids": [str(second.id)]}, headers=bearer(token)
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["title"] == "new" and moved.json()["team_lead_id"] is None
    assert moved.json()["observer_ids"] == [str(second.id)]
    assert (await client.get(url, headers=bearer(token))).json() == moved.json()
    # observers see the hypothesis and its experiments; the removed one no longer does
    seen = f"{API}/experiments/{experiment.id}"
    assert (await client.get(seen, headers=bearer(second_token))).status_code == 200
    assert (await client.get(seen, headers=bearer(first_token))).status_code == 404
    assert (await client.get(url, headers=bearer(first_token))).status_code == 404


async def test_update_follows_the_role_rules(client, services, make_user):
    owner, owner_token = await make_user(Role.DS)
    lead, lead_token = await make_user(Role.TL)
    watcher, watcher_token = await make_user(Role.DS)
    _, stranger_token = await make_user(Role.DS)
    _, curator_token = await make_user(Role.CURATOR)
    _, admin_token = await make_user(Role.ADMIN)
    row = await create_hypothesis(services, owner, team_lead=lead, observers=[watcher])
    url = f"{API}/hypotheses/{row.id}"
    for token in (owner_token, curator_token, admin_token):
        response = await client.patch(url, json={"title": "ok"}, headers=bearer(token))
        assert response.status_code == 200, response.text
    for token in (lead_token, watcher_token):  # they see it, but may not change it
        response = await client.patch(url, json={"title": "no"}, headers=bearer(token))
        assert response.status_code == 403 and error_of(response)["code"] == "FORBIDDEN"
    hidden = await client.patch(url, json={"title": "no"}, headers=bearer(stranger_token))
    assert hidden.status_code == 404 and error_of(hidden)["code"] == "NOT_FOUND"
    assert (await client.patch(url, json={"title": "no"})).status_code == 401
    missing = await client.patch(
        f"{API}/hypotheses/{uuid.uuid4()}", json={"title": "no"}, headers=bearer(owner_token)
    )
    assert missing.status_code == 404
    assert (await client.get(url, headers=bearer(owner_token))).json()["title"] == "ok"


async def test_update_refuses_bad_input_and_writes_nothing(client, services, make_user):
    owner, token = await make_user(Role.DS)
    watcher, _ = await make_user(Role.DS)
    row = await create_hypothesis(services, owner, title="kept", observers=[watcher])
    url = f"{API}/hypotheses/{row.id}"
    before = (await client.get(url, headers=bearer(token))).json()
    unknown = str(uuid.uuid4())
    for body, field in [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"observer_ids": None}, "observer_ids"),
        ({"title": "x", "observer_ids": [unknown]}, "observer_ids"),
        ({"title": "x", "team_lead_id": unknown}, "team_lead_id"),
        ({"team_lead_id": "nope"}, "team_lead_id"),
        ({"owner_id": str(watcher.id)}, "owner_id"),
    ]:
        response = await client.patch(url, json=body, headers=bearer(token))
        assert response.status_code == 422, (body, response.text)
        assert field in error_of(response)["details"]["fields"], response.text
    assert (await client.get(url, headers=bearer(token))).json() == before


UPDATE = """
mutation ($id: ID!, $input: UpdateHypothesisInput!) {
  updateHypothesis(id: $id, input: $input) { id title teamLead { id } observers { id } }
}
"""


async def test_graphql_update_hypothesis_is_the_same_use_case(client, services, make_user):
    owner, token = await make_user(Role.DS)
    lead, _ = await make_user(Role.TL)
    watcher, watcher_token = await make_user(Role.DS)
    _, stranger_token = await make_user(Role.DS)
    row = await create_hypothesis(services, owner, observers=[watcher])
    variables = {"id": str(row.id), "input": {"title": "t2", "teamLeadId": str(lead.id)}}
    data = await ok(client, UPDATE, variables, token=token)
    assert data["updateHypothesis"] == {
        "id": str(row.id),
        "title": "t2",
        "teamLead": {"id": str(lead.id)},
        "observers": [{"id": str(watcher.id)}],
    }
    assert error_codes(await gql(client, UPDATE, variables, token=watcher_token)) == ["FORBIDDEN"]
    assert error_codes(await gql(client, UPDATE, variables, token=stranger_token)) == ["NOT_FOUND"]
    bad = await gql(
        client, UPDATE, {"id": str(row.id), "input": {"teamLeadId": "nope"}}, token=token
    )
    assert error_codes(bad) == ["VALIDATION_FAILED"]
    assert "teamLeadId" in bad["errors"][0]["extensions"]["details"]["fields"]
