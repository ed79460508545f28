"""README.md's GraphQL blocks paste into GraphiQL and run as they are: every operation is
named, each block is valid against the schema, its ``# Variables:`` comment supplies exactly
the variables it declares, and the walkthrough runs in order against the app."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from graphql import OperationDefinitionNode, parse, validate

from app.config import Settings
from app.models.enums import Role
from schema.build import build_schema

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"```graphql\n(.*?)```", re.DOTALL)
INLINE = re.compile(r"`((?:query|mutation|subscription) [A-Z]\w* \{.*?\})`")
VARIABLES = re.compile(r"^# Variables: (\{.*\})$", re.MULTILINE)


def blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return BLOCK.findall(text) + INLINE.findall(text)


def operations(document: str) -> dict[str, OperationDefinitionNode]:
    found = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
    assert all(op.name is not None for op in found), f"an unnamed operation in:\n{document}"
    return {op.name.value: op for op in found if op.name is not None}


def declared(op: OperationDefinitionNode) -> set[str]:
    return {v.variable.name.value for v in op.variable_definitions or ()}


def test_readme_has_its_blocks() -> None:
    assert len(blocks()) >= 7


def test_every_block_is_named_valid_and_says_its_variables() -> None:
    schema = build_schema(Settings())._schema
    names: list[str] = []
    for document in blocks():
        ops = operations(document)
        names += ops
        assert validate(schema, parse(document)) == [], document
        needed = set().union(*(declared(op) for op in ops.values()))
        comment = VARIABLES.search(document)
        given = set(json.loads(comment.group(1))) if comment else set()
        assert given == needed, f"# Variables: names {given}, the block needs {needed}"
    assert len(names) == len(set(names)), "operation names repeat across blocks"


async def run(
    client: httpx.AsyncClient, token: str, name: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    document = next(block for block in blocks() if name in operations(block))
    answer = await client.post(
        "/graphql",
        json={"query": document, "operationName": name, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = answer.json()
    assert not body.get("errors"), (name, body.get("errors"))
    data: dict[str, Any] = body["data"]
    return data


async def test_the_walkthrough_runs_as_written(client, make_user) -> None:
    _, token = await make_user(Role.DS)
    hypothesis = (await run(client, token, "CreateHypothesis"))["createHypothesis"]["id"]
    created = await run(client, token, "CreateExperiment", {"hypothesisId": hypothesis})
    experiment = created["createExperiment"]["id"]
    await run(client, token, "Presets")
    for step in ("StartExperiment", "ReportProgress", "LogMetrics", "CompleteExperiment"):
        await run(client, token, step, {"id": experiment})
    listed = await run(client, token, "CompletedExperiments")
    assert [e["node"]["id"] for e in listed["experiments"]["edges"]] == [experiment]
    assert listed["experiments"]["edges"][0]["node"]["metricSummaries"][0]["last"] == 0.42
    await run(client, token, "Overview", {"ids": [experiment]})
