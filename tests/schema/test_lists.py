"""Listing experiments: every filter, every sort order, keyset pagination, the board."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.models.enums import Role
from tests.graphql import error_codes, gql, ok
from tests.schema.test_lifecycle import move, new_experiment, new_hypothesis

LIST = """
query($filter: ExperimentFilter, $order: ExperimentOrder, $first: Int!, $after: String) {
  experiments(filter: $filter, orderBy: $order, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name status model type tags durationSeconds } }
  }
}
"""


async def names(client: Any, token: str, **variables: Any) -> list[str]:
    variables.setdefault("first", 50)
    data = await ok(client, LIST, variables, token=token)
    return [edge["node"]["name"] for edge in data["experiments"]["edges"]]


@pytest.fixture
async def lab(client, make_user) -> dict[str, Any]:
    """Two hypotheses, five experiments in several states, owned by two users."""
    ann, ann_token = await make_user(Role.DS, name="ann")
    bob, bob_token = await make_user(Role.CURATOR, name="bob")
    h1 = await new_hypothesis(client, ann_token, "H1")
    h2 = await new_hypothesis(client, bob_token, "H2")
    specs = [
        (ann_token, h1, "alpha llama", "LLM", "llama-3-8b", "transformers", ["nlp", "lora"]),
        (ann_token, h1, "beta resnet", "CV", "resnet50", "pytorch", ["vision"]),
        (ann_token, h1, "gamma xgb", "ML", "xgboost", "sklearn", ["tabular"]),
        (bob_token, h2, "delta resnet", "CV", "resnet50", "pytorch", ["vision", "lora"]),
        (bob_token, h2, "epsilon llama", "LLM", "llama-3-8b", "transformers", []),
    ]
    ids = {}
    for token, hyp, name, kind, model, framework, tags in specs:
        exp = await new_experiment(
            client,
            token,
            hyp,
            name=name,
            type=kind,
            model=model,
            framework=framework,
            tags=tags,
            description=f"{name} described",
            resources={"gpuType": "A100", "gpuCount": 1} if kind != "ML" else None,
        )
        ids[name] = exp["id"]
    await move(client, ann_token, "startExperiment", ids["alpha llama"])
    await move(client, ann_token, "startExperiment", ids["beta resnet"])
    await move(client, ann_token, "completeExperiment", ids["beta resnet"])
    await move(client, bob_token, "stopExperiment", ids["delta resnet"])
    return {
        "ann": ann,
        "ann_token": ann_token,
        "bob": bob,
        "bob_token": bob_token,
        "h1": h1,
        "h2": h2,
        "ids": ids,
    }


async def test_every_filter(client, lab):
    token = lab["bob_token"]  # a CURATOR sees everything
    assert len(await names(client, token)) == 5
    assert sorted(await names(client, token, filter={"hypothesisId": lab["h2"]})) == [
        "delta resnet",
        "epsilon llama",
    ]
    assert sorted(await names(client, token, filter={"status": ["RUNNING", "COMPLETED"]})) == [
        "alpha llama",
        "beta resnet",
    ]
    assert sorted(await names(client, token, filter={"model": "resnet50"})) == [
        "beta resnet",
        "delta resnet",
    ]
    assert sorted(await names(client, token, filter={"ownerId": str(lab["ann"].id)})) == [
        "alpha llama",
        "beta resnet",
        "gamma xgb",
    ]
    assert sorted(await names(client, token, filter={"type": "LLM"})) == [
        "alpha llama",
        "epsilon llama",
    ]
    assert sorted(await names(client, token, filter={"search": "LLAMA"})) == [
        "alpha llama",
        "epsilon llama",
    ]
    assert await names(client, token, filter={"search": "gamma xgb desc"}) == ["gamma xgb"]
    assert await names(client, token, filter={"search": "100%"}) == []
    assert sorted(await names(client, token, filter={"tags": ["lora"]})) == [
        "alpha llama",
        "delta resnet",
    ]
    assert await names(client, token, filter={"tags": ["lora", "vision"]}) == ["delta resnet"]
    assert await names(client, token, filter={"status": []}) == []
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert await names(client, token, filter={"createdAfter": future}) == []
    assert len(await names(client, token, filter={"createdAfter": past})) == 5
    assert await names(client, token, filter={"createdBefore": past}) == []
    combined = await names(
        client, token, filter={"type": "CV", "status": ["STOPPED"], "search": "resnet"}
    )
    assert combined == ["delta resnet"]


async def test_sorting_by_name_and_nullable_columns(client, lab):
    token = lab["bob_token"]
    by_name = await names(client, token, order={"field": "NAME", "direction": "ASC"})
    assert by_name == ["alpha llama", "beta resnet", "delta resnet", "epsilon llama", "gamma xgb"]
    desc = await names(client, token, order={"field": "NAME", "direction": "DESC"})
    assert desc == list(reversed(by_name))
    started = await names(client, token, order={"field": "STARTED_AT", "direction": "ASC"})
    assert started[:2] == ["alpha llama", "beta resnet"]  # never-started ones come last
    finished = await names(client, token, order={"field": "FINISHED_AT", "direction": "DESC"})
    assert finished[:2] == ["delta resnet", "beta resnet"]
    duration = await names(client, token, order={"field": "DURATION"})
    assert duration[0] == "beta resnet"  # the only one with a start and a finish
    created = await names(client, token, order={"field": "CREATED_AT", "direction": "ASC"})
    assert created == ["alpha llama", "beta resnet", "gamma xgb", "delta resnet", "epsilon llama"]


@pytest.mark.parametrize(
    ("field", "direction"),
    [
        ("CREATED_AT", "DESC"),
        ("NAME", "ASC"),
        ("STARTED_AT", "ASC"),
        ("FINISHED_AT", "DESC"),
        ("DURATION", "ASC"),
    ],
)
async def test_keyset_pages_cover_everything_once(client, lab, field, direction):
    token = lab["bob_token"]
    everything = await names(client, token, order={"field": field, "direction": direction})
    seen: list[str] = []
    after = None
    while True:
        data = await ok(
            client,
            LIST,
            {"order": {"field": field, "direction": direction}, "first": 2, "after": after},
            token=token,
        )
        page = data["experiments"]
        assert page["totalCount"] == 5
        seen += [edge["node"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == everything


async def test_bad_cursor_and_page_size_are_validation_errors(client, lab):
    token = lab["bob_token"]
    body = await gql(client, LIST, {"first": 2, "after": "not-a-cursor"}, token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    assert "after" in body["errors"][0]["extensions"]["details"]["fields"]
    body = await gql(client, LIST, {"first": 100000}, token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    data = await ok(client, LIST, {"first": 1, "order": {"field": "NAME"}}, token=token)
    cursor = data["experiments"]["pageInfo"]["endCursor"]
    body = await gql(
        client, LIST, {"first": 1, "after": cursor, "order": {"field": "CREATED_AT"}}, token=token
    )
    assert error_codes(body) == ["VALIDATION_FAILED"]


async def test_board_columns_count_what_the_caller_sees(client, lab, make_user):
    board = """query($filter: ExperimentFilter) { experimentBoard(filter: $filter) {
        status count experiments(first: 10) { name status } } }"""
    data = await ok(client, board, token=lab["bob_token"])
    columns = {c["status"]: c for c in data["experimentBoard"]}
    assert list(columns) == ["QUEUED", "RUNNING", "COMPLETED", "FAILED", "STOPPED"]
    assert {s: c["count"] for s, c in columns.items()} == {
        "QUEUED": 2,
        "RUNNING": 1,
        "COMPLETED": 1,
        "FAILED": 0,
        "STOPPED": 1,
    }
    assert sorted(e["name"] for e in columns["QUEUED"]["experiments"]) == [
        "epsilon llama",
        "gamma xgb",
    ]
    assert all(e["status"] == "RUNNING" for e in columns["RUNNING"]["experiments"])
    # ann (DS) sees only her hypothesis' experiments
    mine = await ok(client, board, token=lab["ann_token"])
    assert sum(c["count"] for c in mine["experimentBoard"]) == 3
    filtered = await ok(client, board, {"filter": {"type": "CV"}}, token=lab["bob_token"])
    counts = {c["status"]: c["count"] for c in filtered["experimentBoard"]}
    assert counts["COMPLETED"] == 1 and counts["STOPPED"] == 1 and counts["QUEUED"] == 0
    cv_completed = next(c for c in filtered["experimentBoard"] if c["status"] == "COMPLETED")
    assert [e["name"] for e in cv_completed["experiments"]] == ["beta resnet"]


async def test_hypothesis_lists_its_experiments(client, lab):
    query = """query($id: ID!) { hypothesis(id: $id) { title owner { name } observers { id }
        experiments(first: 10) { totalCount edges { node { name } } } } }"""
    data = await ok(client, query, {"id": lab["h1"]}, token=lab["ann_token"])
    assert data["hypothesis"]["title"] == "H1"
    assert data["hypothesis"]["owner"]["name"] == "ann"
    assert data["hypothesis"]["experiments"]["totalCount"] == 3
    listed = await ok(client, "{ hypotheses { title } }", token=lab["ann_token"])
    assert [h["title"] for h in listed["hypotheses"]] == ["H1"]
