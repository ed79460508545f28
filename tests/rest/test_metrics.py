"""Metric ingestion and history over REST: every body format, the rules, the answers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from jsonschema import Draft202012Validator

from app.experiments import service as experiments
from app.models.enums import Role
from app.rest.metrics import SUMMARY
from tests.builders import create_experiment, create_hypothesis, create_running
from tests.metrics.stored import stored_point_count
from tests.rest.helpers import API, bearer, error_of


@pytest.fixture
async def run(services, make_user):
    user, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    experiment = await create_running(services, user, hypothesis)
    return token, f"{API}/experiments/{experiment.id}", user, hypothesis


async def stored(services) -> int:
    async with services.db.reader() as session:
        return await stored_point_count(session)


async def test_every_body_format(client, run, services):
    token, url, *_ = run
    headers = bearer(token)
    one = await client.post(
        f"{url}/metrics", json={"key": "loss", "value": 2.5, "step": 0}, headers=headers
    )
    assert (one.status_code, one.json()) == (202, {"accepted": 1})
    rows = {
        "points": [
            {"key": "loss", "value": 2.0, "step": 1},
            {"key": "acc", "value": "NaN", "step": 1, "timestamp": 1767225600000},
        ]
    }
    assert (await client.post(f"{url}/metrics/batch", json=rows, headers=headers)).json() == {
        "accepted": 2
    }
    columnar = {
        "key": "loss",
        "steps": [2, 3, 4],
        "values": [1.5, "Infinity", 1.0],
        "timestamps": ["2026-01-01T00:00:02Z", "2026-01-01T00:00:03Z", "2026-01-01T00:00:04+00:00"],
    }
    answer = await client.post(f"{url}/metrics/batch", json=columnar, headers=headers)
    assert answer.json() == {"accepted": 3}
    mixed = [
        {"key": "lr", "steps": [0, 1], "values": [0.1, 0.05]},
        {"points": [{"key": "lr", "value": 0.01, "step": 2}]},
    ]
    assert (await client.post(f"{url}/metrics/batch", json=mixed, headers=headers)).json() == {
        "accepted": 3
    }
    assert await stored(services) == 9

    history = (await client.get(f"{url}/metrics?key=loss", headers=headers)).json()
    assert history["total_points"] == 5 and history["downsampled"] is False
    assert [p["value"] for p in history["points"]] == [2.5, 2.0, 1.5, "Infinity", 1.0]
    acc = (await client.get(f"{url}/metrics", params={"key": "acc"}, headers=headers)).json()
    assert acc["points"][0]["value"] == "NaN"
    assert acc["points"][0]["timestamp"].startswith("2026-01-01T00:00:00")
    summaries = (await client.get(f"{url}/metrics", headers=headers)).json()["summaries"]
    by_key = {s["key"]: s for s in summaries}
    assert by_key["loss"] == {
        "key": "loss",
        "last": 1.0,
        "last_step": 4,
        "min": 1.0,
        "max": 2.5,
        "mean": 1.75,  # of the finite values: Infinity does not count
        "count": 5,
    }
    assert by_key["acc"]["last"] == "NaN" and by_key["acc"]["min"] is None
    assert by_key["acc"]["mean"] is None
    # the OpenAPI document lists exactly the statistics a summary answers with
    for summary in summaries:
        Draft202012Validator(SUMMARY).validate(summary)
        assert set(summary) == set(SUMMARY["properties"])


async def test_downsampled_history_and_ranges(client, run):
    token, url, *_ = run
    steps = list(range(5000))
    body = {"key": "loss", "steps": steps, "values": [1 / (s + 1) for s in steps]}
    await client.post(f"{url}/metrics/batch", json=body, headers=bearer(token))
    answer = (
        await client.get(
            f"{url}/metrics", params={"key": "loss", "max_points": 100}, headers=bearer(token)
        )
    ).json()
    assert answer["downsampled"] is True and len(answer["points"]) <= 100
    assert answer["points"][-1]["step"] == 4999 and answer["total_points"] == 5000
    window = (
        await client.get(
            f"{url}/metrics",
            params={"key": "loss", "step_from": 10, "step_to": 19},
            headers=bearer(token),
        )
    ).json()
    assert [p["step"] for p in window["points"]] == list(range(10, 20))
    bad = await client.get(
        f"{url}/metrics", params={"key": "loss", "max_points": 0}, headers=bearer(token)
    )
    assert bad.status_code == 422


async def test_bad_batches_write_nothing(client, run, services):
    token, url, *_ = run
    headers = bearer(token)
    cases = [
        (
            {
                "points": [
                    {"key": "ok", "value": 1, "step": 0},
                    {"key": "ok", "value": "lots", "step": 1},
                ]
            },
            "points.1.value",
        ),
        ({"points": [{"key": "ok", "value": 1, "step": 1.5}]}, "points.0.step"),
        (
            {"points": [{"key": "ok", "value": 1, "step": 0, "timestamp": "yesterday"}]},
            "points.0.timestamp",
        ),
        ({"key": "ok", "steps": [1, 2], "values": [1]}, "values"),
        ({"key": "bad|key", "steps": [1], "values": [1]}, "key"),
        ({"points": [{"key": "ok", "value": True, "step": 0}]}, "points.0.value"),
        ({"points": []}, "points"),
    ]
    for body, field in cases:
        response = await client.post(f"{url}/metrics/batch", json=body, headers=headers)
        assert response.status_code == 422, body
        assert field in error_of(response)["details"]["fields"], (body, error_of(response))
    malformed = await client.post(f"{url}/metrics/batch", content=b"{", headers=headers)
    assert error_of(malformed)["code"] == "VALIDATION_FAILED"
    assert await stored(services) == 0


async def test_limits_and_idempotent_retries(client, run, services):
    token, url, *_ = run
    headers = bearer(token)
    limit = services.settings.metrics_max_batch_points
    too_many = {"key": "k", "steps": list(range(limit + 1)), "values": [0.0] * (limit + 1)}
    response = await client.post(f"{url}/metrics/batch", json=too_many, headers=headers)
    assert (response.status_code, error_of(response)["code"]) == (413, "PAYLOAD_TOO_LARGE")
    body = {"batch_id": "run-7-chunk-1", "key": "k", "steps": [0, 1], "values": [1, 2]}
    for _ in range(3):
        answer = await client.post(f"{url}/metrics/batch", json=body, headers=headers)
        assert answer.json() == {"accepted": 2}
    assert await stored(services) == 2


async def test_several_keys_under_one_batch_id(client, run, services):
    token, url, *_ = run
    headers = bearer(token)
    body = {
        "batch_id": "session-1.1.64.900",
        "batches": [
            {"key": "loss", "steps": [0, 1], "values": [2.0, 1.5], "timestamps": [1, 2]},
            {"key": "acc", "steps": [0, 1], "values": [0.1, "NaN"]},
        ],
    }
    for _ in range(3):
        answer = await client.post(f"{url}/metrics/batch", json=body, headers=headers)
        assert (answer.status_code, answer.json()) == (202, {"accepted": 4})
    assert await stored(services) == 4
    bad = {
        "batch_id": "b2",
        "batches": [
            {"key": "ok", "steps": [2], "values": [1.0]},
            {"key": "bad key!", "steps": [2], "values": [1.0]},
        ],
    }
    refused = await client.post(f"{url}/metrics/batch", json=bad, headers=headers)
    assert refused.status_code == 422
    assert "batches.1.key" in error_of(refused)["details"]["fields"]
    extra = {"batch_id": "b3", "batches": [], "key": "loss"}
    refused = await client.post(f"{url}/metrics/batch", json=extra, headers=headers)
    assert refused.status_code == 422
    not_a_list = {"batch_id": "b4", "batches": {"key": "loss"}}
    refused = await client.post(f"{url}/metrics/batch", json=not_a_list, headers=headers)
    assert error_of(refused)["details"]["fields"] == {"batches": "must be a list"}
    assert await stored(services) == 4


async def test_only_running_and_only_actors(client, run, services, make_user):
    token, url, user, hypothesis = run
    queued = await create_experiment(services, user, hypothesis)
    point = {"key": "k", "value": 1, "step": 0}
    response = await client.post(
        f"{API}/experiments/{queued.id}/metrics", json=point, headers=bearer(token)
    )
    assert (response.status_code, error_of(response)["code"]) == (409, "INVALID_TRANSITION")
    _, stranger = await make_user(Role.MLE)
    response = await client.post(f"{url}/metrics", json=point, headers=bearer(stranger))
    assert response.status_code == 404
    response = await client.post(f"{url}/metrics", json=point)
    assert response.status_code == 401


async def test_activity_is_recorded(client, run):
    token, url, *_ = run
    before = (await client.get(url, headers=bearer(token))).json()["last_activity_at"]
    await client.post(
        f"{url}/metrics", json={"key": "k", "value": 1, "step": 0}, headers=bearer(token)
    )
    after = (await client.get(url, headers=bearer(token))).json()["last_activity_at"]
    assert datetime.fromisoformat(after) >= datetime.fromisoformat(before)
    assert datetime.fromisoformat(after) <= datetime.now(UTC)


async def test_a_stopped_experiment_refuses_batches_saying_so(client, run, services):
    token, url, user, _ = run
    experiment_id = url.rsplit("/", 1)[-1]
    body = {"key": "k", "steps": [0], "values": [1.0]}
    await client.post(
        f"{url}/metrics/batch", json={**body, "batch_id": "b-1"}, headers=bearer(token)
    )
    async with services.db.unit_of_work() as session:
        await experiments.stop_experiment(
            session, actor=user, experiment_id=uuid.UUID(experiment_id)
        )
    # without a batch_id (one statement on PostgreSQL), with a new one, and a retried one
    for extra in ({}, {"batch_id": "b-2"}, {"batch_id": "b-1"}):
        response = await client.post(
            f"{url}/metrics/batch", json={**body, **extra}, headers=bearer(token)
        )
        assert response.status_code == 409, extra
        error = error_of(response)
        assert (error["code"], error["details"]["status"]) == ("INVALID_TRANSITION", "STOPPED")
    assert await stored(services) == 1


@pytest.mark.parametrize("batch_id", ["", "x" * 129, "nul\x00", 5, ["b"]])
async def test_a_bad_batch_id_is_a_validation_error(client, run, services, batch_id):
    token, url, *_ = run
    body = {"key": "k", "steps": [0], "values": [1.0], "batch_id": batch_id}
    response = await client.post(f"{url}/metrics/batch", json=body, headers=bearer(token))
    assert (response.status_code, error_of(response)["code"]) == (422, "VALIDATION_FAILED")
    assert list(error_of(response)["details"]["fields"]) == ["batch_id"]
    assert await stored(services) == 0
