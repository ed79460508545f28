"""Bad input gets its code, never a 500 (all of these failed on PostgreSQL): texts that
PostgreSQL cannot store, times out of range once in UTC, integers beyond bigint, a
non-ASCII Range, steps beyond what reads support, and names that display as others."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from app.errors import Unauthenticated, ValidationFailed
from app.metrics.batch import MAX_STEP
from app.models import Experiment
from app.models.enums import Role
from app.services import Services
from tests.builders import create_hypothesis, create_running
from tests.conftest import MakeUser
from tests.graphql import error_codes, gql
from tests.rest.helpers import API, bearer, experiment_body

NUL = "a\x00b"
LATE = "9999-12-31T23:59:59-14:00"  # a valid time, but past year 9999 in UTC


def fields_of(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    fields: dict[str, str] = error["details"]["fields"]
    return fields


@pytest.fixture
async def running(services: Services, make_user: MakeUser) -> tuple[str, str, str]:
    """(token, hypothesis id, id of a RUNNING experiment) of a DS."""
    user, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    return token, str(hypothesis.id), str(experiment.id)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": NUL}, "name"),
        ({"description": NUL}, "description"),
        ({"model": NUL}, "model"),
        ({"tags": ["ok", NUL]}, "tags.1"),
        ({"hyperparams": {NUL: 1}}, f"hyperparams.{NUL}"),
        ({"config": {"a": [NUL]}}, "config.a.0"),
        ({"git": {"repo_url": NUL}}, "git.repo_url"),
        ({"git": {"repo_url": "file:///etc/passwd"}}, "git.repo_url"),
        ({"name": "invoice\u202egnp.exe"}, "name"),
        ({"tags": ["a\u2066b"]}, "tags.0"),
    ],
)
async def test_create_refuses_unstorable_and_deceptive_texts(
    client: httpx.AsyncClient, running: tuple[str, str, str], overrides: Any, field: str
) -> None:
    token, hypothesis_id, _ = running
    body = experiment_body(hypothesis_id, **overrides)  # type: ignore[arg-type]
    response = await client.post(f"{API}/experiments", json=body, headers=bearer(token))
    assert field in fields_of(response)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"search": NUL}, "search"),
        ({"model": NUL}, "model"),
        ({"tag": NUL}, "tag.0"),
        ({"order_by": "metric", "metric_key": NUL}, "metric_key"),
        ({"created_after": LATE}, "created_after"),
        ({"created_before": "0001-01-01T00:00:00+14:00"}, "created_before"),
    ],
)
async def test_list_filters_are_refused_not_failed(
    client: httpx.AsyncClient, running: tuple[str, str, str], params: Any, field: str
) -> None:
    token, _, _ = running
    response = await client.get(f"{API}/experiments", params=params, headers=bearer(token))
    assert field in fields_of(response)


async def test_metric_and_log_times_out_of_range_in_utc(
    client: httpx.AsyncClient, running: tuple[str, str, str]
) -> None:
    token, _, experiment = running
    base = f"{API}/experiments/{experiment}"
    point = {"key": "loss", "value": 1.0, "step": 1, "timestamp": LATE}
    response = await client.post(f"{base}/metrics", json=point, headers=bearer(token))
    assert "point.timestamp" in fields_of(response)
    lines = {"lines": [{"message": "x", "timestamp": LATE}]}
    response = await client.post(f"{base}/logs", json=lines, headers=bearer(token))
    assert "lines.0.timestamp" in fields_of(response)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"after": str(2**63)}, "after"), ({"search": NUL}, "search")],
)
@pytest.mark.parametrize("fmt", ["json", "text"])
async def test_log_reads_refuse_what_the_database_cannot_take(
    client: httpx.AsyncClient, running: tuple[str, str, str], params: Any, field: str, fmt: str
) -> None:
    token, _, experiment = running
    response = await client.get(
        f"{API}/experiments/{experiment}/logs",
        params={**params, "format": fmt},
        headers=bearer(token),
    )
    assert field in fields_of(response)


async def test_huge_sizes_are_refused_with_a_serialisable_error(
    client: httpx.AsyncClient, running: tuple[str, str, str]
) -> None:
    token, _, experiment = running
    base = f"{API}/experiments/{experiment}"
    huge = "99999999999999999999"
    response = await client.post(
        f"{base}/artifacts",
        params={"kind": "MODEL", "name": "m.pt", "size_bytes": huge},
        content=b"abc",
        headers=bearer(token),
    )
    assert "size_bytes" in fields_of(response)
    response = await client.post(
        f"{base}/artifacts",
        params={"kind": "MODEL", "name": "m.pt"},
        content=b"abc",
        headers={**bearer(token), "Content-Length": huge},
    )
    assert response.status_code == 422, response.text


async def test_range_with_non_ascii_digits_is_ignored(
    client: httpx.AsyncClient, running: tuple[str, str, str]
) -> None:
    token, _, experiment = running
    base = f"{API}/experiments/{experiment}/artifacts"
    sent = await client.post(
        base, params={"kind": "MODEL", "name": "m"}, content=b"0123", headers=bearer(token)
    )
    assert sent.status_code == 201, sent.text
    url = f"{base}/{sent.json()['id']}/content"
    for spec in (b"bytes=\xb2-", b"bytes=-\xb2", b"bytes=0-\xb3"):  # "²", "³": str.isdigit
        response = await client.get(url, headers={**bearer(token), "Range": spec})  # type: ignore[dict-item]
        assert (response.status_code, response.content) == (200, b"0123")


async def test_steps_past_the_readable_range_are_refused_and_the_top_one_reads(
    client: httpx.AsyncClient, running: tuple[str, str, str]
) -> None:
    token, _, experiment = running
    base = f"{API}/experiments/{experiment}/metrics"
    over = {"key": "k", "value": 1.0, "step": MAX_STEP + 1}
    response = await client.post(base, json=over, headers=bearer(token))
    assert "point.step" in fields_of(response)
    steps = [0, 1, 2**40, *range(MAX_STEP - 299, MAX_STEP + 1)]
    batch = {"key": "k", "steps": steps, "values": [float(i) for i in range(len(steps))]}
    sent = await client.post(f"{base}/batch", json=batch, headers=bearer(token))
    assert sent.status_code == 202, sent.text
    for max_points in (2, 5, 40):
        response = await client.get(
            base, params={"key": "k", "max_points": max_points}, headers=bearer(token)
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["downsampled"] and body["total_points"] == len(steps)
        assert body["points"][-1]["step"] == MAX_STEP
    response = await client.get(
        base, params={"key": "k", "step_from": MAX_STEP + 1}, headers=bearer(token)
    )
    assert "step_from" in fields_of(response)


async def test_a_path_escaping_the_api_mount_gets_the_json_envelope(
    client: httpx.AsyncClient,
) -> None:
    """Paths of the API's own prefixes that match no route (any other path is a page of
    the web console: ``tests/test_web_console.py``)."""
    for path in ("/api/v1%0A", "/api%0A", "/api/nowhere", "/healthz/nowhere"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_a_bearer_token_with_a_nul_is_unauthenticated(
    client: httpx.AsyncClient, services: Services
) -> None:
    response = await client.get(
        f"{API}/experiments",
        headers={"Authorization": b"Bearer esk_\x00"},  # type: ignore[dict-item]
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"
    # a lone surrogate arrives only in a websocket's connection_init payload (JSON)
    with pytest.raises(Unauthenticated):
        await services.auth.user("esk_\ud800")


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        ("mutation($v:String!){createHypothesis(input:{title:$v}){id}}", {"v": NUL}, "title"),
        ("mutation($v:String!){createApiToken(name:$v)}", {"v": NUL}, "name"),
        (
            'mutation($v:String!){createUser(input:{name:"n",email:$v,role:DS}){token}}',
            {"v": "a\x00@example.test"},
            "email",
        ),
        (
            "query($v:String!){leaderboard(metricKey:$v){rank}}",
            {"v": NUL},
            "metricKey",
        ),
        (
            "query($v:String!){experiments(filter:{search:$v}){totalCount}}",
            {"v": NUL},
            "filter.search",
        ),
        (
            "query($v:DateTime!){experiments(filter:{createdAfter:$v}){totalCount}}",
            {"v": LATE},
            "filter.createdAfter",
        ),
        (
            'mutation($v:String!){upsertResourcePool(input:{name:$v,gpuType:"A100",'
            "capacity:1,hourlyCostPerGpu:1}){name}}",
            {"v": "pool\u202e"},
            "name",
        ),
    ],
)
async def test_graphql_refuses_with_the_field_named(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    query: str,
    variables: dict[str, Any],
    field: str,
) -> None:
    _, token = await make_user(Role.ADMIN)
    body = await gql(client, query, variables, token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"], body
    assert field in body["errors"][0]["extensions"]["details"]["fields"]


async def test_graphql_api_cost_and_stop_message(
    client: httpx.AsyncClient, running: tuple[str, str, str]
) -> None:
    token, _, experiment = running
    body = await gql(
        client,
        "mutation($e:ID!,$v:String!){addApiCost(experimentId:$e,amount:1,description:$v){id}}",
        {"e": experiment, "v": NUL},
        token=token,
    )
    assert error_codes(body) == ["VALIDATION_FAILED"], body
    body = await gql(
        client,
        "mutation($e:ID!,$v:String!){stopExperiment(id:$e,message:$v){id}}",
        {"e": experiment, "v": NUL},
        token=token,
    )
    assert error_codes(body) == ["VALIDATION_FAILED"], body


async def test_the_database_backstop_refuses_what_slipped_past_the_rules(
    services: Services,
) -> None:
    """A NUL that no rule caught (a future field) is VALIDATION_FAILED from the database
    layer on PostgreSQL, which cannot store it; SQLite can, and simply finds nothing."""
    query = select(Experiment.id).where(Experiment.name == NUL)
    if services.db.dialect != "postgresql":
        async with services.db.reader() as session:
            assert (await session.scalars(query)).all() == []
        return
    with pytest.raises(ValidationFailed) as refused:
        async with services.db.reader() as session:
            await session.scalars(query)
    assert "input" in refused.value.fields
    with pytest.raises(ValidationFailed):
        async with services.db.unit_of_work() as session:
            await session.execute(update(Experiment).values(name=NUL))
