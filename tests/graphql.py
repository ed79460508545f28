"""A small GraphQL client for tests."""

from __future__ import annotations

from typing import Any

import httpx

# The bulk ingest mutations, with their batches as variables
LOG_METRICS = """mutation($id: ID!, $points: [MetricPointInput!]!) {
  logMetrics(experimentId: $id, points: $points) }"""
LOG_MESSAGES = """mutation($id: ID!, $lines: [LogLineInput!]!) {
  logMessages(experimentId: $id, lines: $lines) }"""


def metric_points(count: int, first_step: int = 0) -> list[dict[str, Any]]:
    """``count`` points of ``loss`` at consecutive steps from ``first_step``."""
    return [{"key": "loss", "value": 0.5, "step": first_step + i} for i in range(count)]


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
) -> dict[str, Any]:
    """POST a GraphQL request; return the whole JSON answer (``data`` and ``errors``)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors") or []]


async def ok(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
) -> dict[str, Any]:
    """Like ``gql`` but asserts there were no errors and returns ``data``."""
    body = await gql(client, query, variables, token=token)
    assert not body.get("errors"), body.get("errors")
    data: dict[str, Any] = body["data"]
    return data
