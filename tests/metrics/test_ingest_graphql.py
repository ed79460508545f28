"""logMetrics over GraphQL, and the metric fields of Experiment."""

from __future__ import annotations

import asyncio
import math

import orjson
import pytest

from app.events.names import experiment_channel
from app.models.enums import Role
from tests.builders import create_experiment, create_hypothesis, create_running
from tests.graphql import error_codes, gql, ok
from tests.metrics.stored import stored_point_count

LOG = """mutation($id: ID!, $points: [MetricPointInput!]!, $batchId: String) {
  logMetrics(experimentId: $id, points: $points, batchId: $batchId) }"""
READ = """query($id: ID!) { experiment(id: $id) {
  lastActivityAt metricKeys
  metricSummaries { key last lastStep min max mean count }
  loss: metric(key: "loss", maxPoints: 10) { key totalPoints downsampled
     points { step value timestamp } }
} }"""


@pytest.fixture
async def run(services, make_user):
    user, token = await make_user(Role.MLE)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    return token, str(experiment.id), services, user, hypothesis


async def point_count(services) -> int:
    async with services.db.reader() as session:
        return await stored_point_count(session)


async def test_log_and_read_back(client, run):
    token, experiment_id, *_ = run
    points = [{"key": "loss", "value": 1.0 / (s + 1), "step": s} for s in range(40)]
    points.append({"key": "acc", "value": 0.9, "step": 3, "timestamp": "2026-01-01T00:00:00Z"})
    data = await ok(client, LOG, {"id": experiment_id, "points": points}, token=token)
    assert data["logMetrics"] == 41
    more = [{"key": "acc", "value": 0.3, "step": 4}]  # a second batch merges into the summary
    assert (await ok(client, LOG, {"id": experiment_id, "points": more}, token=token))[
        "logMetrics"
    ] == 1
    exp = (await ok(client, READ, {"id": experiment_id}, token=token))["experiment"]
    assert exp["metricKeys"] == ["acc", "loss"]
    summaries = {s["key"]: s for s in exp["metricSummaries"]}
    assert summaries["loss"] == {
        "key": "loss",
        "last": 1 / 40,
        "lastStep": 39,
        "min": 1 / 40,
        "max": 1.0,
        "mean": pytest.approx(sum(1.0 / (s + 1) for s in range(40)) / 40, rel=1e-12),
        "count": 40,
    }
    assert summaries["acc"]["count"] == 2
    assert summaries["acc"]["mean"] == pytest.approx(0.6, rel=1e-12)
    loss = exp["loss"]
    assert loss["totalPoints"] == 40 and loss["downsampled"] is True
    assert len(loss["points"]) <= 10 and loss["points"][-1]["step"] == 39
    assert exp["lastActivityAt"] is not None


async def test_a_bad_point_refuses_the_whole_batch(client, run, services):
    token, experiment_id, *_ = run
    points = [{"key": "loss", "value": 1.0, "step": s} for s in range(10)]
    points[7] = {"key": "bad key!", "value": 1.0, "step": 7}
    points[8] = {"key": "loss", "value": 1.0, "step": -3}
    body = await gql(client, LOG, {"id": experiment_id, "points": points}, token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    fields = body["errors"][0]["extensions"]["details"]["fields"]
    assert set(fields) == {"points.7.key", "points.8.step"}
    assert await point_count(services) == 0


async def test_batch_limit_and_key_rules(client, run, services):
    token, experiment_id, *_ = run
    services.settings.metrics_max_batch_points, old = 5, services.settings.metrics_max_batch_points
    try:
        too_many = [{"key": "k", "value": 1.0, "step": s} for s in range(6)]
        body = await gql(client, LOG, {"id": experiment_id, "points": too_many}, token=token)
        assert error_codes(body) == ["PAYLOAD_TOO_LARGE"]
    finally:
        services.settings.metrics_max_batch_points = old
    fine = [{"key": k, "value": 1.0, "step": 0} for k in ["a", "train/loss", "val loss-1.2_x"]]
    assert (await ok(client, LOG, {"id": experiment_id, "points": fine}, token=token))[
        "logMetrics"
    ] == 3
    for bad in ["", "x" * 251, "émoji", "a\nb"]:
        body = await gql(
            client,
            LOG,
            {"id": experiment_id, "points": [{"key": bad, "value": 1, "step": 0}]},
            token=token,
        )
        assert error_codes(body) == ["VALIDATION_FAILED"], bad
    assert await point_count(services) == 3


async def test_retried_batch_id_is_a_no_op(client, run, services):
    token, experiment_id, *_ = run
    points = [{"key": "loss", "value": 0.5, "step": s} for s in range(5)]
    variables = {"id": experiment_id, "points": points, "batchId": "b-1"}
    assert (await ok(client, LOG, variables, token=token))["logMetrics"] == 5
    assert (await ok(client, LOG, variables, token=token))["logMetrics"] == 5
    assert await point_count(services) == 5
    other = {**variables, "batchId": "b-2"}
    assert (await ok(client, LOG, other, token=token))["logMetrics"] == 5
    assert await point_count(services) == 10


@pytest.mark.parametrize("batch_id", ["", "x" * 129, "nul\x00"])
async def test_a_bad_batch_id_is_a_validation_error(client, run, services, batch_id):
    token, experiment_id, *_ = run
    points = [{"key": "loss", "value": 0.5, "step": 0}]
    variables = {"id": experiment_id, "points": points, "batchId": batch_id}
    body = await gql(client, LOG, variables, token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    assert list(body["errors"][0]["extensions"]["details"]["fields"]) == ["batchId"]
    assert await point_count(services) == 0


async def test_only_running_experiments_accept_metrics(client, run, services):
    token, _, _, user, hypothesis = run
    queued = await create_experiment(services, user, hypothesis)
    body = await gql(
        client,
        LOG,
        {"id": str(queued.id), "points": [{"key": "k", "value": 1, "step": 0}]},
        token=token,
    )
    assert error_codes(body) == ["INVALID_TRANSITION"]


async def test_others_may_not_log(client, run, make_user):
    _, experiment_id, *_ = run
    _, stranger = await make_user(Role.DS)
    body = await gql(
        client,
        LOG,
        {"id": experiment_id, "points": [{"key": "k", "value": 1, "step": 0}]},
        token=stranger,
    )
    assert error_codes(body) == ["NOT_FOUND"]


async def test_accepted_batch_is_published_live(client, run, services):
    token, experiment_id, *_ = run
    import uuid

    subscription = await services.broker.open(experiment_channel(uuid.UUID(experiment_id)))
    points = [{"key": "loss", "value": v, "step": s} for s, v in enumerate([1.0, 0.5])]
    await ok(client, LOG, {"id": experiment_id, "points": points}, token=token)
    event: dict = {}
    while event.get("type") != "metrics":  # the relay may publish lifecycle events too
        _channel, message = await asyncio.wait_for(subscription.get(), 5)
        event = orjson.loads(message)
    await subscription.close()
    assert event["type"] == "metrics" and event["steps"] == [0, 1]
    assert event["values"] == [1.0, 0.5] and event["keys"] == ["loss", "loss"]


async def test_infinite_values_read_as_null_in_graphql(client, run, services):
    token, experiment_id, _, user, _ = run
    from app.metrics import service as metrics
    from tests.metrics.test_history import make_batch

    async with services.db.unit_of_work() as session:
        import uuid

        await metrics.ingest_metrics(
            session,
            actor=user,
            experiment_id=uuid.UUID(experiment_id),
            batch=make_batch("loss", [0, 1, 2], [math.nan, math.inf, 1.0]),
        )
    exp = (await ok(client, READ, {"id": experiment_id}, token=token))["experiment"]
    assert [p["value"] for p in exp["loss"]["points"]] == [None, None, 1.0]
