"""Facets for the filter dropdowns (GraphQL ``experimentFacets``, REST
``GET /experiment-facets``): the distinct models and tags with counts, over what the
caller may read, each facet counted without its own filter."""

from __future__ import annotations

import pytest

from app.models.enums import Role
from tests.builders import create_experiment, create_hypothesis, move
from tests.graphql import error_codes, gql, ok
from tests.rest.helpers import API, bearer

FACETS = """query($filter: ExperimentFilter, $search: String, $first: Int) {
  experimentFacets(filter: $filter, search: $search, first: $first) {
    models { value count } tags { value count } } }"""


@pytest.fixture
async def lab(services, make_user):
    """Ann's four experiments and a stranger's one with a secret model and tag."""
    ann, ann_token = await make_user(Role.DS, name="ann")
    stranger, _ = await make_user(Role.DS, name="stranger")
    _, curator_token = await make_user(Role.CURATOR, name="curator")
    mine = await create_hypothesis(services, ann)
    theirs = await create_hypothesis(services, stranger)
    for model, tags in [
        ("llama", ["nlp", "big"]),
        ("llama", ["nlp"]),
        ("resnet", ["cv", "big"]),
        ("bert", ["nlp"]),
    ]:
        await create_experiment(services, ann, mine, model=model, tags=tags)
    secret = await create_experiment(
        services, stranger, theirs, model="secret-model", tags=["secret-tag"]
    )
    await move(services, stranger, secret, "stop")
    return {"ann": ann_token, "curator": curator_token}


def pairs(items):
    return [(item["value"], item["count"]) for item in items]


async def test_counts_over_what_the_caller_may_read(client, lab):
    facets = (await ok(client, FACETS, {}, token=lab["ann"]))["experimentFacets"]
    assert pairs(facets["models"]) == [("llama", 2), ("bert", 1), ("resnet", 1)]
    assert pairs(facets["tags"]) == [("nlp", 3), ("big", 2), ("cv", 1)]
    everything = (await ok(client, FACETS, {}, token=lab["curator"]))["experimentFacets"]
    assert ("secret-model", 1) in pairs(everything["models"])
    assert ("secret-tag", 1) in pairs(everything["tags"])


async def test_each_facet_ignores_its_own_filter(client, lab):
    variables = {"filter": {"model": "llama", "tags": ["big"]}}
    facets = (await ok(client, FACETS, variables, token=lab["ann"]))["experimentFacets"]
    # models of the experiments tagged "big"; tags of the llama experiments
    assert pairs(facets["models"]) == [("llama", 1), ("resnet", 1)]
    assert pairs(facets["tags"]) == [("nlp", 2), ("big", 1)]
    stopped = {"filter": {"status": ["STOPPED"]}}
    facets = (await ok(client, FACETS, stopped, token=lab["curator"]))["experimentFacets"]
    assert pairs(facets["models"]) == [("secret-model", 1)]


async def test_search_and_first_bound_the_values(client, lab):
    variables = {"search": "E", "first": 1}
    facets = (await ok(client, FACETS, variables, token=lab["ann"]))["experimentFacets"]
    assert pairs(facets["models"]) == [("bert", 1)]  # bert and resnet tie: by value
    assert pairs(facets["tags"]) == []  # no tag of ann's contains "e"
    percent = (await ok(client, FACETS, {"search": "%"}, token=lab["ann"]))["experimentFacets"]
    assert percent == {"models": [], "tags": []}  # a literal %, not a wildcard


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 201}, "first"),
        ({"first": -1}, "first"),
        ({"search": "x" * 201}, "search"),
        ({"filter": {"ownerId": "nope"}}, "filter.ownerId"),
    ],
)
async def test_bad_input_is_validation_failed(client, lab, variables, field):
    body = await gql(client, FACETS, variables, token=lab["ann"])
    assert error_codes(body) == ["VALIDATION_FAILED"], body
    assert field in body["errors"][0]["extensions"]["details"]["fields"]


async def test_without_a_token_nothing(client, lab):
    assert error_codes(await gql(client, FACETS, {})) == ["UNAUTHENTICATED"]
    assert (await client.get(f"{API}/experiment-facets")).status_code == 401


async def test_rest_answers_the_same(client, lab):
    params = {"tag": "nlp", "contains": "a", "first": 5}
    response = await client.get(
        f"{API}/experiment-facets", params=params, headers=bearer(lab["ann"])
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert pairs(body["models"]) == [("llama", 2)]  # of the nlp ones, containing "a"
    assert pairs(body["tags"]) == []  # tags ignore their own filter: none contains "a"
    hidden = await client.get(
        f"{API}/experiment-facets", params={"contains": "secret"}, headers=bearer(lab["ann"])
    )
    assert hidden.json() == {"models": [], "tags": []}
    bad = await client.get(
        f"{API}/experiment-facets", params={"first": 999}, headers=bearer(lab["ann"])
    )
    assert bad.status_code == 422 and "first" in bad.json()["error"]["details"]["fields"]
