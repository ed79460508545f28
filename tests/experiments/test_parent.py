"""Nested runs: ``Experiment.parent`` / ``children``, ``parentId`` on create and in the
filter, and ``parent_id`` in REST, each shown only as far as the caller may read.

The usual cast (``cast``): alice owns hypothesis H, which bob (a DS) observed while he
created runs in it and then stopped observing. So bob reads his own runs of H and nothing
else of it, alice reads all of H:

- ``parent``: bob's run; children ``alices_child`` (alice's) and ``bobs_child`` (bob's)
- ``hidden``: alice's run; child ``orphan`` (bob's), whose parent bob can no longer read
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select

from app.hypotheses import service as hypotheses
from app.hypotheses.schemas import HypothesisUpdate
from app.models import Experiment, Hypothesis, User
from app.models.enums import Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis
from tests.compare.helpers import count_statements
from tests.graphql import error_codes, gql, ok
from tests.rest.helpers import API, bearer, experiment_body

CREATE = """mutation($input: CreateExperimentInput!) {
  createExperiment(input: $input) { id parent { id } } }"""
NESTING = """query($id: ID!, $first: Int, $after: String) { experiment(id: $id) {
  parent { id name }
  children(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id parent { id } } }
  } } }"""
CHILDREN_OF = """query($parent: ID!) {
  experiments(filter: {parentId: $parent}, first: 50) { totalCount edges { node { id } } } }"""


@dataclass
class Cast:
    alice: User
    alice_token: str
    bob: User
    bob_token: str
    hypothesis: Hypothesis
    parent: Experiment
    alices_child: Experiment
    bobs_child: Experiment
    hidden: Experiment
    orphan: Experiment


async def cast(services: Services, make_user: Any) -> Cast:
    alice, alice_token = await make_user(Role.DS, "alice")
    bob, bob_token = await make_user(Role.DS, "bob")
    hypothesis = await create_hypothesis(services, alice, observers=[bob])
    parent = await create_experiment(services, bob, hypothesis, name="parent")
    alices_child = await create_experiment(
        services, alice, hypothesis, name="alice's child", parent_id=parent.id
    )
    bobs_child = await create_experiment(
        services, bob, hypothesis, name="bob's child", parent_id=parent.id
    )
    hidden = await create_experiment(services, alice, hypothesis, name="hidden")
    orphan = await create_experiment(services, bob, hypothesis, name="orphan", parent_id=hidden.id)
    async with services.db.unit_of_work() as session:
        await hypotheses.update_hypothesis(
            session,
            actor=alice,
            hypothesis_id=hypothesis.id,
            data=HypothesisUpdate(observer_ids=[]),
        )
    return Cast(
        alice,
        alice_token,
        bob,
        bob_token,
        hypothesis,
        parent,
        alices_child,
        bobs_child,
        hidden,
        orphan,
    )


def ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


async def nesting(client: httpx.AsyncClient, token: str, experiment: Experiment) -> dict[str, Any]:
    data = await ok(client, NESTING, {"id": str(experiment.id)}, token=token)
    result: dict[str, Any] = data["experiment"]
    return result


async def experiment_count(services: Services) -> int:
    async with services.db.reader() as session:
        return int(await session.scalar(select(func.count()).select_from(Experiment)) or 0)


# --- creating ------------------------------------------------------------------------


async def test_create_nests_a_run_in_a_visible_run_of_its_hypothesis(client, services, make_user):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    parent = await create_experiment(services, owner, hypothesis)
    body = {
        "hypothesisId": str(hypothesis.id),
        "parentId": str(parent.id),
        "name": "trial 1",
        "type": "ML",
        "model": "xgboost",
        "framework": "sklearn",
    }
    created = (await ok(client, CREATE, {"input": body}, token=token))["createExperiment"]
    assert created["parent"] == {"id": str(parent.id)}
    async with services.db.reader() as session:
        row = await session.get_one(Experiment, uuid.UUID(created["id"]))
    assert row.parent_id == parent.id

    # without parentId: a run of its own
    del body["parentId"]
    plain = (await ok(client, CREATE, {"input": body}, token=token))["createExperiment"]
    assert plain["parent"] is None


async def test_create_refuses_a_parent_the_caller_may_not_read_like_one_that_does_not_exist(
    client, services, make_user
):
    owner, _ = await make_user(Role.DS)
    stranger, stranger_token = await make_user(Role.DS)
    hidden = await create_experiment(services, owner, await create_hypothesis(services, owner))
    own_hypothesis = await create_hypothesis(services, stranger)
    before = await experiment_count(services)

    async def refusal(parent_id: str) -> dict[str, Any]:
        body = {
            "hypothesisId": str(own_hypothesis.id),
            "parentId": parent_id,
            "name": "child",
            "type": "ML",
            "model": "xgboost",
            "framework": "sklearn",
        }
        answer = await gql(client, CREATE, {"input": body}, token=stranger_token)
        assert error_codes(answer) == ["VALIDATION_FAILED"], answer
        fields: dict[str, Any] = answer["errors"][0]["extensions"]["details"]["fields"]
        return fields

    invisible = await refusal(str(hidden.id))
    assert invisible == {"parentId": "no such experiment"}
    assert await refusal(str(uuid.uuid4())) == invisible  # says nothing about `hidden`
    assert list(await refusal("not-an-id")) == ["parentId"]
    assert await experiment_count(services) == before


async def test_create_refuses_a_parent_of_another_hypothesis(client, services, make_user):
    owner, token = await make_user(Role.DS)
    first = await create_hypothesis(services, owner, title="first")
    second = await create_hypothesis(services, owner, title="second")
    parent = await create_experiment(services, owner, first)
    before = await experiment_count(services)

    body = experiment_body(second.id, parent_id=str(parent.id))
    response = await client.post(f"{API}/experiments", json=body, headers=bearer(token))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert error["details"]["fields"] == {
        "parent_id": "must be an experiment of the same hypothesis"
    }
    assert await experiment_count(services) == before


# --- reading -------------------------------------------------------------------------


async def test_parent_is_null_for_a_caller_who_may_not_read_it(client, services, make_user):
    c = await cast(services, make_user)

    assert (await nesting(client, c.bob_token, c.orphan))["parent"] is None
    alice_sees = await nesting(client, c.alice_token, c.orphan)
    assert alice_sees["parent"] == {"id": str(c.hidden.id), "name": "hidden"}
    # bob reads his own parent run, and no run of alice's names it as his parent's child
    assert (await nesting(client, c.bob_token, c.bobs_child))["parent"] == {
        "id": str(c.parent.id),
        "name": "parent",
    }
    assert (await nesting(client, c.alice_token, c.parent))["parent"] is None  # none at all


async def test_children_are_the_readable_ones_oldest_first(client, services, make_user):
    c = await cast(services, make_user)

    alice_sees = (await nesting(client, c.alice_token, c.parent))["children"]
    assert ids(alice_sees) == [str(c.alices_child.id), str(c.bobs_child.id)]
    assert alice_sees["totalCount"] == 2
    assert all(edge["node"]["parent"] == {"id": str(c.parent.id)} for edge in alice_sees["edges"])

    bob_sees = (await nesting(client, c.bob_token, c.parent))["children"]
    assert ids(bob_sees) == [str(c.bobs_child.id)]
    assert bob_sees["totalCount"] == 1
    assert bob_sees["pageInfo"]["hasNextPage"] is False

    childless = (await nesting(client, c.alice_token, c.orphan))["children"]
    assert childless == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


async def test_children_page_on_after_their_end_cursor(client, services, make_user):
    c = await cast(services, make_user)
    variables = {"id": str(c.parent.id), "first": 1}

    first = (await ok(client, NESTING, variables, token=c.alice_token))["experiment"]["children"]
    assert ids(first) == [str(c.alices_child.id)]
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    second = (await ok(client, NESTING, variables | {"after": after}, token=c.alice_token))[
        "experiment"
    ]["children"]
    assert ids(second) == [str(c.bobs_child.id)]
    assert second["pageInfo"]["hasNextPage"] is False
    assert second["totalCount"] == 2

    for bad in ({"first": 501}, {"first": -1}, {"after": "garbage"}):
        answer = await gql(client, NESTING, variables | bad, token=c.alice_token)
        assert error_codes(answer) == ["VALIDATION_FAILED"], (bad, answer)


async def test_filter_by_parent_lists_its_readable_children(client, services, make_user):
    c = await cast(services, make_user)
    variables = {"parent": str(c.parent.id)}

    alice_sees = (await ok(client, CHILDREN_OF, variables, token=c.alice_token))["experiments"]
    assert sorted(ids(alice_sees)) == sorted([str(c.alices_child.id), str(c.bobs_child.id)])
    assert alice_sees["totalCount"] == 2
    bob_sees = (await ok(client, CHILDREN_OF, variables, token=c.bob_token))["experiments"]
    assert ids(bob_sees) == [str(c.bobs_child.id)]
    # bob cannot read `hidden`, and filtering by it tells him only of his own child
    hidden = {"parent": str(c.hidden.id)}
    assert ids((await ok(client, CHILDREN_OF, hidden, token=c.bob_token))["experiments"]) == [
        str(c.orphan.id)
    ]

    response = await client.get(
        f"{API}/experiments",
        params={"parent_id": str(c.parent.id)},
        headers=bearer(c.bob_token),
    )
    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == [str(c.bobs_child.id)]
    bad = await client.get(
        f"{API}/experiments", params={"parent_id": "x"}, headers=bearer(c.bob_token)
    )
    assert bad.status_code == 422
    assert list(bad.json()["error"]["details"]["fields"]) == ["parent_id"]


async def test_a_page_of_experiments_costs_the_same_statements_whatever_its_size(
    client, services, make_user
):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    query = """{ experiments(first: 50) { edges { node { id
      parent { id name } children(first: 5) { totalCount edges { node { id name } } } } } } }"""

    async def add_family() -> None:
        parent = await create_experiment(services, owner, hypothesis)
        for _ in range(2):
            await create_experiment(services, owner, hypothesis, parent_id=parent.id)

    async def selects() -> tuple[int, int]:
        with count_statements(services) as counter:
            data = await ok(client, query, token=token)
        return counter.selects(), len(data["experiments"]["edges"])

    await add_family()
    await selects()  # the token is read once, then cached
    one, listed = await selects()
    assert listed == 3
    for _ in range(5):
        await add_family()
    many, listed = await selects()
    assert listed == 18
    assert many == one


async def test_rest_shows_parent_id_only_to_callers_who_may_read_the_parent(
    client, services, make_user
):
    c = await cast(services, make_user)

    async def parent_id(token: str, experiment: Experiment) -> Any:
        response = await client.get(f"{API}/experiments/{experiment.id}", headers=bearer(token))
        assert response.status_code == 200, response.text
        return response.json()["parent_id"]

    assert await parent_id(c.alice_token, c.orphan) == str(c.hidden.id)
    assert await parent_id(c.bob_token, c.orphan) is None
    assert await parent_id(c.bob_token, c.bobs_child) == str(c.parent.id)
    assert await parent_id(c.alice_token, c.parent) is None

    listed = await client.get(f"{API}/experiments", headers=bearer(c.bob_token))
    by_id = {item["id"]: item["parent_id"] for item in listed.json()["items"]}
    assert by_id == {
        str(c.parent.id): None,
        str(c.bobs_child.id): str(c.parent.id),
        str(c.orphan.id): None,
    }


async def test_rest_create_takes_parent_id(client, services, make_user):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    parent = await create_experiment(services, owner, hypothesis)

    body = experiment_body(hypothesis.id, parent_id=str(parent.id))
    response = await client.post(f"{API}/experiments", json=body, headers=bearer(token))
    assert response.status_code == 201, response.text
    assert response.json()["parent_id"] == str(parent.id)
    plain = await client.post(
        f"{API}/experiments", json=experiment_body(hypothesis.id), headers=bearer(token)
    )
    assert plain.json()["parent_id"] is None
