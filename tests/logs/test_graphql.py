"""logMessages and Experiment.logs over GraphQL."""

from __future__ import annotations

from app.models.enums import Role
from tests.builders import create_experiment
from tests.graphql import error_codes, gql, ok
from tests.logs.helpers import running, stored

LOG = """mutation($id: ID!, $lines: [LogLineInput!]!) {
  logMessages(experimentId: $id, lines: $lines) }"""
READ = """query($id: ID!, $after: Int, $levels: [LogLevel!], $search: String, $first: Int!) {
  experiment(id: $id) {
    lastActivityAt
    logs(after: $after, levels: $levels, search: $search, first: $first) {
      lines { seq timestamp level message source } nextAfter hasMore
    }
  }
}"""


async def read(client, token, experiment_id, **variables):
    variables = {"id": str(experiment_id), "first": 200, **variables}
    return (await ok(client, READ, variables, token=token))["experiment"]


async def test_log_and_read_back(client, services, make_user):
    run = await running(services, make_user)
    lines = [
        {"message": "starting"},
        {
            "level": "ERROR",
            "message": "boom",
            "source": "stderr",
            "timestamp": "2026-01-01T00:00:00+00:00",
        },
        {"level": "DEBUG", "message": "x" * 70_000},
    ]
    data = await ok(client, LOG, {"id": str(run.id), "lines": lines}, token=run.token)
    assert data["logMessages"] == 3
    experiment = await read(client, run.token, run.id)
    assert experiment["lastActivityAt"] is not None
    page = experiment["logs"]
    assert [line["seq"] for line in page["lines"]] == [1, 2, 3]
    assert (page["nextAfter"], page["hasMore"]) == (3, False)
    assert page["lines"][1] == {
        "seq": 2,
        "timestamp": "2026-01-01T00:00:00+00:00",
        "level": "ERROR",
        "message": "boom",
        "source": "stderr",
    }
    assert page["lines"][0]["level"] == "INFO" and page["lines"][0]["source"] == "stdout"
    assert "… [truncated " in page["lines"][2]["message"]


async def test_filters_and_paging(client, services, make_user):
    run = await running(services, make_user)
    lines = [
        {"level": level, "message": f"{level} {n}"}
        for n in range(3)
        for level in ("INFO", "WARNING")
    ]
    await ok(client, LOG, {"id": str(run.id), "lines": lines}, token=run.token)
    page = (await read(client, run.token, run.id, levels=["WARNING"], first=2))["logs"]
    assert [line["seq"] for line in page["lines"]] == [2, 4]
    assert (page["nextAfter"], page["hasMore"]) == (4, True)
    page = (await read(client, run.token, run.id, levels=["WARNING"], after=4))["logs"]
    assert [line["seq"] for line in page["lines"]] == [6]
    page = (await read(client, run.token, run.id, search="info 1"))["logs"]
    assert [line["seq"] for line in page["lines"]] == [3]
    body = await gql(client, READ, {"id": str(run.id), "first": 5001}, token=run.token)
    assert error_codes(body) == ["VALIDATION_FAILED"]


async def test_rules(client, services, make_user):
    run = await running(services, make_user)
    _, stranger = await make_user(Role.DS)
    queued = await create_experiment(services, run.user, run.hypothesis)
    one = [{"message": "x"}]
    body = await gql(client, LOG, {"id": str(queued.id), "lines": one}, token=run.token)
    assert error_codes(body) == ["INVALID_TRANSITION"]
    body = await gql(client, LOG, {"id": str(run.id), "lines": one}, token=stranger)
    assert error_codes(body) == ["NOT_FOUND"]
    body = await gql(client, LOG, {"id": str(run.id), "lines": []}, token=run.token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    bad = [{"message": "fine"}, {"message": "x", "source": "tty"}]
    body = await gql(client, LOG, {"id": str(run.id), "lines": bad}, token=run.token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    assert set(body["errors"][0]["extensions"]["details"]["fields"]) == {"lines.1.source"}
    old, services.settings.logs_max_batch_lines = services.settings.logs_max_batch_lines, 2
    try:
        body = await gql(client, LOG, {"id": str(run.id), "lines": one * 3}, token=run.token)
        assert error_codes(body) == ["PAYLOAD_TOO_LARGE"]
    finally:
        services.settings.logs_max_batch_lines = old
    assert await stored(services, run.id) == []
