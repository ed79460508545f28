"""The OpenAPI document of the hypothesis and resource routes: documented with their
errors, and the answers match the documented schemas."""

from __future__ import annotations

from app.models.enums import Role
from tests.builders import create_hypothesis, start
from tests.resources.helpers import gpu_experiment
from tests.rest.helpers import API, bearer
from tests.rest.test_openapi import _document, _validator


async def test_the_new_routes_are_documented_with_their_errors(client):
    paths = (await _document(client))["paths"]
    assert {"get", "post"} == set(paths["/hypotheses"])
    assert {"201", "401", "413", "422", "500"} <= set(paths["/hypotheses"]["post"]["responses"])
    listing = {p["name"] for p in paths["/hypotheses"]["get"]["parameters"]}
    assert listing == {"owner_id", "team_lead_id", "search", "first", "after"}
    assert {"200", "401", "404"} <= set(paths["/hypotheses/{id}"]["get"]["responses"])
    costs = paths["/experiments/{id}/api-costs"]["post"]
    assert costs["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiCostBody"
    }
    assert {"200", "401", "403", "404", "422"} <= set(costs["responses"])
    extend = paths["/experiments/{id}/reservation/extend"]["post"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(extend["responses"])
    docs = paths["/docs"]["get"]
    assert docs["security"] == [] and "text/html" in docs["responses"]["200"]["content"]


async def test_answers_match_the_documented_schemas(client, services, make_user):
    document = await _document(client)
    owner, token = await make_user(Role.DS)
    created = await client.post(f"{API}/hypotheses", json={"title": "t"}, headers=bearer(token))
    _validator(document, "HypothesisOut").validate(created.json())
    listed = await client.get(f"{API}/hypotheses", headers=bearer(token))
    _validator(document, "HypothesisPageOut").validate(listed.json())
    hypothesis = await create_hypothesis(services, owner)
    running = await start(services, owner, await gpu_experiment(services, owner, hypothesis, 1))
    extended = await client.post(
        f"{API}/experiments/{running.id}/reservation/extend",
        json={"minutes": 5},
        headers=bearer(token),
    )
    assert extended.json()["reservation"] is not None
    _validator(document, "ExperimentOut").validate(extended.json())
    costed = await client.post(
        f"{API}/experiments/{running.id}/api-costs",
        json={"amount": 1.5, "description": "llm"},
        headers=bearer(token),
    )
    _validator(document, "ExperimentOut").validate(costed.json())
