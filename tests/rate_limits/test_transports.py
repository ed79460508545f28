"""Rate limits at each transport: REST, GraphQL, the MLflow-compatible API; per token, per
route class, per address without a valid token; ingest by points, a batch refused whole."""

from __future__ import annotations

from typing import Any

import httpx

from app.models.enums import Role
from tests.builders import create_hypothesis, create_running
from tests.graphql import LOG_MESSAGES, LOG_METRICS, error_codes, gql, metric_points
from tests.mlflow_api.helpers import MLFLOW, new_run
from tests.rate_limits.helpers import limited_app
from tests.rest.helpers import API, bearer

ME = "{ me { id } }"
CREATE_HYPOTHESIS = 'mutation { createHypothesis(input: {title: "h"}) { id } }'


def assert_rate_limited(response: httpx.Response, limit: str, retry_after: int) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["Retry-After"] == str(retry_after)
    error = response.json()["error"]
    assert error["code"] == "RATE_LIMITED"
    assert error["details"]["limit"] == limit
    assert error["details"]["retry_after_seconds"] == retry_after


async def graphql(
    client: httpx.AsyncClient, query: str, token: str | None, variables: Any = None
) -> httpx.Response:
    headers = bearer(token) if token else {}
    return await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )


# --- REST ---------------------------------------------------------------------------------


async def test_rest_reads_are_limited_per_token(settings, make_user):
    _, first = await make_user(Role.DS)
    _, second = await make_user(Role.DS)
    async with (
        limited_app(settings, rate_limit_reads_per_minute=3) as limited,
        limited.client() as client,
    ):
        for _ in range(3):
            assert (await client.get(f"{API}/experiments", headers=bearer(first))).is_success
        refused = await client.get(f"{API}/experiments", headers=bearer(first))
        assert_rate_limited(refused, "reads", 20)  # one read back every 20 s
        # another token's reads are its own, and so are the first token's writes
        assert (await client.get(f"{API}/experiments", headers=bearer(second))).is_success
        created = await client.post(f"{API}/hypotheses", json={"title": "h"}, headers=bearer(first))
        assert created.status_code == 201, created.text
        limited.clock.now += 20
        assert (await client.get(f"{API}/experiments", headers=bearer(first))).is_success
        assert (await client.get(f"{API}/experiments", headers=bearer(first))).status_code == 429


async def test_rest_mutations_are_limited_and_a_refused_one_writes_nothing(settings, make_user):
    _, token = await make_user(Role.DS)
    async with (
        limited_app(settings, rate_limit_mutations_per_minute=1) as limited,
        limited.client() as client,
    ):
        first = await client.post(f"{API}/hypotheses", json={"title": "a"}, headers=bearer(token))
        assert first.status_code == 201
        second = await client.post(f"{API}/hypotheses", json={"title": "b"}, headers=bearer(token))
        assert_rate_limited(second, "mutations", 60)
        listed = await client.get(f"{API}/hypotheses", headers=bearer(token))
    assert [h["title"] for h in listed.json()["items"]] == ["a"]


async def test_rest_ingest_counts_points_and_refuses_a_batch_whole(settings, services, make_user):
    user, token = await make_user(Role.DS)
    running = await create_running(services, user, await create_hypothesis(services, user))
    base = f"{API}/experiments/{running.id}"
    async with (
        limited_app(
            settings, rate_limit_ingest_points_per_second=100, rate_limit_mutations_per_minute=1
        ) as limited,
        limited.client() as client,
    ):
        batch = {"key": "loss", "steps": list(range(80)), "values": [0.5] * 80}
        sent = await client.post(f"{base}/metrics/batch", json=batch, headers=bearer(token))
        assert sent.status_code == 202, sent.text  # 80 points, not one more mutation
        over = {"key": "loss", "steps": list(range(80, 110)), "values": [0.5] * 30}
        refused = await client.post(f"{base}/metrics/batch", json=over, headers=bearer(token))
        assert_rate_limited(refused, "ingest", 1)
        lines = {"lines": [{"message": f"line {i}"} for i in range(21)]}
        refused = await client.post(f"{base}/logs", json=lines, headers=bearer(token))
        assert_rate_limited(refused, "ingest", 1)
        one = {"key": "acc", "value": 1.0, "step": 0}
        sent = await client.post(f"{base}/metrics", json=one, headers=bearer(token))
        assert sent.status_code == 202, sent.text
        limited.clock.now += 1  # a second later the bucket is full again
        sent = await client.post(f"{base}/metrics/batch", json=over, headers=bearer(token))
        assert sent.status_code == 202, sent.text
        summaries = await client.get(f"{base}/metrics", headers=bearer(token))
        logged = await client.get(f"{base}/logs", headers=bearer(token))
    counts = {row["key"]: row["count"] for row in summaries.json()["summaries"]}
    assert counts == {"loss": 110, "acc": 1}  # the refused batch wrote nothing
    assert logged.json()["lines"] == []


async def test_openapi_documents_429_with_retry_after(client):
    document = (await client.get(f"{API}/openapi.json")).json()
    answer = document["paths"]["/experiments/{id}/metrics/batch"]["post"]["responses"]["429"]
    assert "RATE_LIMITED" in answer["description"]
    assert "Retry-After" in answer["headers"]
    assert "429" not in document["paths"]["/openapi.json"]["get"]["responses"]


# --- GraphQL ------------------------------------------------------------------------------


async def test_graphql_queries_are_reads_refused_with_429_and_retry_after(settings, make_user):
    _, first = await make_user(Role.DS)
    _, second = await make_user(Role.DS)
    async with (
        limited_app(settings, rate_limit_reads_per_minute=2) as limited,
        limited.client() as client,
    ):
        for _ in range(2):
            assert (await graphql(client, ME, first)).json()["data"]["me"]
        refused = await graphql(client, ME, first)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "30"
        body = refused.json()
        assert body.get("data") is None
        assert body["errors"][0]["extensions"] == {
            "code": "RATE_LIMITED",
            "details": {"limit": "reads", "allowance": 2, "retry_after_seconds": 30},
        }
        assert (await graphql(client, ME, second)).json()["data"]["me"]


async def test_graphql_mutations_are_limited_and_refused_before_running(settings, make_user):
    _, token = await make_user(Role.DS)
    async with (
        limited_app(settings, rate_limit_mutations_per_minute=1) as limited,
        limited.client() as client,
    ):
        assert not (await graphql(client, CREATE_HYPOTHESIS, token)).json().get("errors")
        refused = await graphql(client, CREATE_HYPOTHESIS, token)
        assert refused.status_code == 429
        assert error_codes(refused.json()) == ["RATE_LIMITED"]
        data = (await graphql(client, "{ hypotheses { id } }", token)).json()
    assert len(data["data"]["hypotheses"]) == 1


async def test_graphql_batches_count_points_not_mutations(settings, services, make_user):
    user, token = await make_user(Role.DS)
    running = await create_running(services, user, await create_hypothesis(services, user))
    ident = str(running.id)
    async with (
        limited_app(
            settings, rate_limit_ingest_points_per_second=100, rate_limit_mutations_per_minute=1
        ) as limited,
        limited.client() as client,
    ):
        for first in (0, 40):  # two batch mutations: no mutation allowance used
            sent = await graphql(
                client, LOG_METRICS, token, {"id": ident, "points": metric_points(40, first)}
            )
            assert sent.json() == {"data": {"logMetrics": 40}}
        over = {"id": ident, "points": metric_points(30, 80)}
        body = (await graphql(client, LOG_METRICS, token, over)).json()
        assert error_codes(body) == ["RATE_LIMITED"]
        assert body["errors"][0]["extensions"]["details"]["limit"] == "ingest"
        lines = {"id": ident, "lines": [{"message": "x"}] * 21}
        body = (await graphql(client, LOG_MESSAGES, token, lines)).json()
        assert error_codes(body) == ["RATE_LIMITED"]
        counted = await gql(
            client,
            "query($id: ID!) { experiment(id: $id) { metricSummaries { key count } } }",
            {"id": ident},
            token=token,
        )
    assert counted["data"]["experiment"]["metricSummaries"] == [{"key": "loss", "count": 80}]


# --- MLflow-compatible API ----------------------------------------------------------------


async def test_mlflow_api_refuses_with_request_limit_exceeded_and_retry_after(settings, make_user):
    _, token = await make_user(Role.DS)
    async with (
        limited_app(
            settings, rate_limit_reads_per_minute=2, rate_limit_ingest_points_per_second=100
        ) as limited,
        limited.client() as client,
    ):
        run = await new_run(client, token)  # one read (get-by-name), then writes
        run_id = run["info"]["run_id"]
        got = await client.get(
            f"{MLFLOW}/runs/get", params={"run_id": run_id}, headers=bearer(token)
        )
        assert got.status_code == 200, got.text
        refused = await client.get(
            f"{MLFLOW}/runs/get", params={"run_id": run_id}, headers=bearer(token)
        )
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "30"
        assert refused.json()["error_code"] == "REQUEST_LIMIT_EXCEEDED"

        def metrics(count: int, first: int) -> list[dict[str, Any]]:
            return [
                {"key": "m", "value": 1.0, "timestamp": 1, "step": first + i} for i in range(count)
            ]

        batch = {"run_id": run_id, "metrics": metrics(90, 0)}
        sent = await client.post(f"{MLFLOW}/runs/log-batch", json=batch, headers=bearer(token))
        assert sent.status_code == 200, sent.text
        over = {
            "run_id": run_id,
            "metrics": metrics(20, 90),
            "params": [{"key": "p", "value": "1"}],
        }
        refused = await client.post(f"{MLFLOW}/runs/log-batch", json=over, headers=bearer(token))
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "1"
        assert refused.json()["error_code"] == "REQUEST_LIMIT_EXCEEDED"
        limited.clock.now += 60
        history = await client.get(
            f"{MLFLOW}/metrics/get-history",
            params={"run_id": run_id, "metric_key": "m"},
            headers=bearer(token),
        )
        again = await client.get(
            f"{MLFLOW}/runs/get", params={"run_id": run_id}, headers=bearer(token)
        )
    assert len(history.json()["metrics"]) == 90  # the refused batch wrote nothing
    params = {p["key"] for p in again.json()["run"]["data"].get("params", [])}
    assert "p" not in params


# --- Unauthenticated, per address -----------------------------------------------------------


async def test_unauthenticated_attempts_are_limited_per_address(settings, make_user):
    _, known = await make_user(Role.DS)
    _, fresh = await make_user(Role.DS)
    async with (
        limited_app(settings, rate_limit_unauthenticated_per_minute=3) as limited,
        limited.client("10.0.0.1") as guesser,
        limited.client("10.0.0.2") as other,
    ):
        # a token used before the address ran out stays good (it is not looked up again)
        assert (await guesser.get(f"{API}/experiments", headers=bearer(known))).is_success
        for guess in ("esk_a", "esk_b"):
            bad = await guesser.get(f"{API}/experiments", headers=bearer(guess))
            assert bad.status_code == 401
        assert (await guesser.get(f"{API}/experiments")).status_code == 401  # no token
        refused = await guesser.get(f"{API}/experiments", headers=bearer("esk_c"))
        assert_rate_limited(refused, "unauthenticated", 20)
        # a right guess now gets the same answer as a wrong one: it is not even looked up
        right = await guesser.get(f"{API}/experiments", headers=bearer(fresh))
        assert_rate_limited(right, "unauthenticated", 20)
        assert (await guesser.get(f"{API}/experiments", headers=bearer(known))).is_success
        # the same on the other transports
        body = (await graphql(guesser, ME, "esk_d")).json()
        assert error_codes(body) == ["RATE_LIMITED"]
        mlflow = await guesser.get(f"{MLFLOW}/experiments/get", params={"experiment_id": "0"})
        assert mlflow.status_code == 429
        assert mlflow.json()["error_code"] == "REQUEST_LIMIT_EXCEEDED"
        # another address has its own allowance
        assert (await other.get(f"{API}/experiments", headers=bearer("esk_a"))).status_code == 401
        assert (await other.get(f"{API}/experiments", headers=bearer(fresh))).is_success


async def test_graphql_counts_a_request_without_a_valid_token_once(settings):
    async with (
        limited_app(settings, rate_limit_unauthenticated_per_minute=2) as limited,
        limited.client() as client,
    ):
        # two fields that each need the caller: one unauthenticated request, not two
        body = (await graphql(client, "{ me { id } hypotheses { id } }", "esk_x")).json()
        assert set(error_codes(body)) == {"UNAUTHENTICATED"}
        body = (await graphql(client, "{ __typename }", None)).json()
        assert body == {"data": {"__typename": "Query"}}  # anonymous, counted
        refused = await graphql(client, "{ __typename }", None)
        assert refused.status_code == 429
        assert error_codes(refused.json()) == ["RATE_LIMITED"]


async def test_health_metrics_and_documents_are_not_limited(settings):
    async with (
        limited_app(
            settings, rate_limit_reads_per_minute=1, rate_limit_unauthenticated_per_minute=1
        ) as limited,
        limited.client() as client,
    ):
        for _ in range(3):
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).status_code == 200
            assert (await client.get("/metrics")).status_code == 200
            assert (await client.get(f"{API}/openapi.json")).status_code == 200


async def test_zero_turns_each_limit_off(settings, services, make_user):
    user, token = await make_user(Role.DS)
    running = await create_running(services, user, await create_hypothesis(services, user))
    # every limit 0
    async with limited_app(settings) as limited, limited.client() as client:
        for step in range(30):
            assert (await client.get(f"{API}/experiments", headers=bearer(token))).is_success
            assert (await client.get(f"{API}/experiments")).status_code == 401
            point = {"key": "loss", "value": 1.0, "step": step}
            sent = await client.post(
                f"{API}/experiments/{running.id}/metrics", json=point, headers=bearer(token)
            )
            assert sent.status_code == 202
    assert limited.services.limits.counter.buckets == {}  # type: ignore[attr-defined]
