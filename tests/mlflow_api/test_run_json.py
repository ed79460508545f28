"""A run's MLflow JSON pinned byte for byte, with every kind of field: non-finite and
subnormal metrics, a series without a step (left out), nested hyperparams of every JSON
type, stored tags under and beside the system tags our columns fill, all of those
columns, a parent, a deleted run, times whose milliseconds round down (a fraction just
under a second, a moment just before the epoch). ``runs/search`` and ``runs/get`` answer
the same bytes."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import insert, update

from app.models import Experiment, MetricSeries
from app.models.enums import ExperimentStatus, Role
from app.models.mlflow_tracking import mlflow_deleted_runs, mlflow_tags
from tests.builders import create_experiment, create_hypothesis

SEARCH = "/api/2.0/mlflow/runs/search"
GET = "/api/2.0/mlflow/runs/get"
STARTED = datetime(2026, 3, 1, 0, 0, 59, 999600, tzinfo=UTC)  # 1772323259999 ms
FINISHED = datetime(1969, 12, 31, 23, 59, 59, 999500, tzinfo=UTC)  # -1 ms
LOGGED = datetime(2026, 3, 1, 12, 0, 0, 999, tzinfo=UTC)  # 1772366400000 ms
CREATED = datetime(2026, 2, 1, tzinfo=UTC)  # 1769904000000 ms
# Keys in the order PostgreSQL's JSONB keeps them (shorter first), so both backends list
# the params alike
HYPERPARAMS = {
    "lr": 0.001,
    "a.b": "dotted",
    "big": 10**20,
    "flag": True,
    "none": None,
    "note": "héllo ✓",
    "small": 1e-7,
    "optimizer": {"name": "adam", "opts": {}, "betas": [0.9, 0.999]},
}


async def test_a_run_with_every_kind_of_field_renders_byte_for_byte(client, services, make_user):
    owner, token = await make_user(Role.DS, name="owner")
    hypothesis = await create_hypothesis(services, owner, title="rendering")
    parent = await create_experiment(services, owner, hypothesis, name="parent")
    run = await create_experiment(services, owner, hypothesis, name="every field")
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(Experiment)
            .where(Experiment.id == run.id)
            .values(
                parent_id=parent.id,
                description="a note",
                status=ExperimentStatus.COMPLETED,
                hyperparams=HYPERPARAMS,
                git_repo_url="https://git.example.test/r",
                git_commit="abc1234",
                git_branch="main",
                created_at=CREATED,
                started_at=STARTED,
                finished_at=FINISHED,
            )
        )
        series = [
            ("acc", 0.1 + 0.2, 7),
            ("nan", None, 1),  # a NaN is stored as NULL
            ("ninf", -math.inf, 3),
            ("pinf", math.inf, 2),
            ("tiny", 5e-324, 0),
            ("unstepped", 1.0, None),
        ]
        await session.execute(
            insert(MetricSeries),
            [
                {
                    "experiment_id": run.id,
                    "key": key,
                    "count": 1,
                    "first_step": step,
                    "last_step": step,
                    "last_value": value,
                    "last_timestamp": LOGGED,
                    "updated_at": LOGGED,
                }
                for key, value, step in series
            ],
        )
        # in key order, which is also the order they were written
        stored = [
            ("mlflow.note.content", "old"),
            ("mlflow.runName", "old"),
            ("team", "x"),
            ("z", ""),
        ]
        await session.execute(
            insert(mlflow_tags),
            [{"experiment_id": run.id, "key": k, "value": v} for k, v in stored],
        )
        await session.execute(
            insert(mlflow_deleted_runs).values(experiment_id=run.id, deleted_at=LOGGED)
        )
    uri = f"mlflow-artifacts:/{hypothesis.id}/{run.id}/artifacts"
    expected: dict[str, Any] = {
        "info": {
            "run_id": str(run.id),
            "run_uuid": str(run.id),
            "run_name": "every field",
            "experiment_id": str(hypothesis.id),
            "user_id": owner.email,
            "status": "FINISHED",
            "start_time": 1772323259999,
            "end_time": -1,
            "artifact_uri": uri,
            "lifecycle_stage": "deleted",
        },
        "data": {
            "metrics": [
                {"key": "acc", "value": 0.30000000000000004, "timestamp": 1772366400000, "step": 7},
                {"key": "nan", "value": "NaN", "timestamp": 1772366400000, "step": 1},
                {"key": "ninf", "value": "-Infinity", "timestamp": 1772366400000, "step": 3},
                {"key": "pinf", "value": "Infinity", "timestamp": 1772366400000, "step": 2},
                {"key": "tiny", "value": 5e-324, "timestamp": 1772366400000, "step": 0},
            ],
            "params": [
                {"key": "lr", "value": "0.001"},
                {"key": "a.b", "value": "dotted"},
                {"key": "big", "value": "100000000000000000000"},
                {"key": "flag", "value": "true"},
                {"key": "none", "value": "null"},
                {"key": "note", "value": "héllo ✓"},
                {"key": "small", "value": "1e-7"},
                {"key": "optimizer.name", "value": "adam"},
                {"key": "optimizer.opts", "value": "{}"},
                {"key": "optimizer.betas", "value": "[0.9,0.999]"},
            ],
            "tags": [
                {"key": "mlflow.note.content", "value": "a note"},
                {"key": "mlflow.runName", "value": "every field"},
                {"key": "team", "value": "x"},
                {"key": "z", "value": ""},
                {"key": "mlflow.source.git.commit", "value": "abc1234"},
                {"key": "mlflow.source.git.repoURL", "value": "https://git.example.test/r"},
                {"key": "mlflow.source.git.branch", "value": "main"},
                {"key": "mlflow.parentRunId", "value": str(parent.id)},
            ],
        },
        "inputs": {},
        "outputs": {},
    }
    headers = {"Authorization": f"Bearer {token}"}
    for view in ("ALL", "DELETED_ONLY"):
        body = {
            "experiment_ids": [str(hypothesis.id)],
            "filter": f"run_id = '{run.id}'",
            "run_view_type": view,
        }
        found = await client.post(SEARCH, json=body, headers=headers)
        assert found.content == orjson.dumps({"runs": [expected]}), found.text
    got = await client.get(GET, params={"run_id": str(run.id)}, headers=headers)
    assert got.content == orjson.dumps({"run": expected}), got.text

    # the parent: active, QUEUED (MLflow's SCHEDULED), no end, no metrics, only its name
    # among the tags
    parent_start = int(parent.created_at.timestamp() * 1000)
    found = await client.post(
        SEARCH,
        json={"experiment_ids": [str(hypothesis.id)], "filter": f"run_id = '{parent.id}'"},
        headers=headers,
    )
    (rendered,) = found.json()["runs"]
    assert rendered["info"]["lifecycle_stage"] == "active"
    assert rendered["info"]["status"] == "SCHEDULED"
    assert rendered["info"]["end_time"] is None
    assert abs(rendered["info"]["start_time"] - parent_start) <= 1
    assert rendered["data"]["tags"] == [{"key": "mlflow.runName", "value": "parent"}]
    assert rendered["data"]["metrics"] == []
