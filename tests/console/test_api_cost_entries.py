"""An experiment's API cost entries (GraphQL ``Experiment.apiCosts``, REST
``GET /experiments/{id}/api-costs``): newest first, keyset-paginated, readable by whoever
may read the experiment."""

from __future__ import annotations

import uuid

import pytest

from app.models.enums import Role
from app.resources import actions
from tests.builders import create_experiment, create_hypothesis
from tests.graphql import error_codes, gql, ok
from tests.rest.helpers import API, bearer

COSTS = """query($id: ID!, $first: Int, $after: String) { experiment(id: $id) {
  cost { api }
  apiCosts(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id amount description createdAt addedBy { id name } } } } } }"""


@pytest.fixture
async def billed(services, make_user):
    """Ann's experiment with five entries (one by the team lead), seen by an observer."""
    ann, ann_token = await make_user(Role.DS, name="ann")
    lead, _ = await make_user(Role.TL, name="lead")
    observer, observer_token = await make_user(Role.DS, name="observer")
    _, stranger_token = await make_user(Role.DS, name="stranger")
    hypothesis = await create_hypothesis(services, ann, team_lead=lead, observers=[observer])
    experiment = await create_experiment(services, ann, hypothesis)
    for n in range(5):
        async with services.db.unit_of_work() as session:
            await actions.add_api_cost(
                session,
                actor=lead if n == 2 else ann,
                experiment_id=experiment.id,
                amount=float(n + 1),
                description=f"call {n}",
            )
    return {
        "id": str(experiment.id),
        "ann": ann_token,
        "observer": observer_token,
        "stranger": stranger_token,
        "lead": lead,
    }


def entries(data):
    return [edge["node"] for edge in data["experiment"]["apiCosts"]["edges"]]


async def test_entries_newest_first_with_who_added_them(client, billed):
    data = await ok(client, COSTS, {"id": billed["id"]}, token=billed["observer"])
    listed = entries(data)
    assert [e["description"] for e in listed] == [f"call {n}" for n in range(4, -1, -1)]
    assert [e["amount"] for e in listed] == [5.0, 4.0, 3.0, 2.0, 1.0]
    assert listed[2]["addedBy"] == {"id": str(billed["lead"].id), "name": "lead"}
    assert {e["addedBy"]["name"] for e in listed} == {"ann", "lead"}
    connection = data["experiment"]["apiCosts"]
    assert connection["totalCount"] == 5 and not connection["pageInfo"]["hasNextPage"]
    assert data["experiment"]["cost"]["api"] == sum(e["amount"] for e in listed)


async def test_pages_walk_every_entry_once(client, billed):
    seen, after = [], None
    while True:
        variables = {"id": billed["id"], "first": 2, "after": after}
        data = await ok(client, COSTS, variables, token=billed["ann"])
        seen += [e["id"] for e in entries(data)]
        info = data["experiment"]["apiCosts"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert len(seen) == len(set(seen)) == 5


async def test_a_caller_who_may_not_read_it_sees_nothing(client, billed):
    body = await gql(client, COSTS, {"id": billed["id"]}, token=billed["stranger"])
    assert error_codes(body) == ["NOT_FOUND"]
    response = await client.get(
        f"{API}/experiments/{billed['id']}/api-costs", headers=bearer(billed["stranger"])
    )
    assert response.status_code == 404
    assert (await client.get(f"{API}/experiments/{billed['id']}/api-costs")).status_code == 401


@pytest.mark.parametrize(
    ("variables", "field"),
    [({"first": 501}, "first"), ({"first": -1}, "first"), ({"after": "bogus"}, "after")],
)
async def test_bad_page_arguments(client, billed, variables, field):
    body = await gql(client, COSTS, {"id": billed["id"], **variables}, token=billed["ann"])
    assert error_codes(body) == ["VALIDATION_FAILED"], body
    assert field in body["errors"][0]["extensions"]["details"]["fields"]


async def test_rest_lists_the_same_entries(client, billed):
    url = f"{API}/experiments/{billed['id']}/api-costs"
    first = await client.get(url, params={"first": 3}, headers=bearer(billed["observer"]))
    assert first.status_code == 200, first.text
    page = first.json()
    assert [i["amount"] for i in page["items"]] == [5.0, 4.0, 3.0]
    assert page["items"][2]["added_by_id"] == str(billed["lead"].id)
    assert page["total_count"] == 5 and page["page_info"]["has_next_page"]
    cursor = page["page_info"]["end_cursor"]
    rest = await client.get(url, params={"after": cursor}, headers=bearer(billed["observer"]))
    assert [i["amount"] for i in rest.json()["items"]] == [2.0, 1.0]
    bad = await client.get(url, params={"after": "bogus"}, headers=bearer(billed["ann"]))
    assert bad.status_code == 422 and "after" in bad.json()["error"]["details"]["fields"]
    unknown = f"{API}/experiments/{uuid.uuid4()}/api-costs"
    assert (await client.get(unknown, headers=bearer(billed["ann"]))).status_code == 404
