"""Pure helpers: snake_case field paths and the experiment serializer's shape."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.errors import ValidationFailed
from app.integrations.mlflow.links import MlflowLinkView
from app.models import Experiment
from app.models.enums import ExperimentStatus, ExperimentType, FailureReason
from app.models.resource import Reservation
from app.rest.errors import error_response, snake_path
from app.rest.related import Related
from app.rest.schemas import ExperimentOut
from app.rest.serializers import experiment_json


def test_snake_path_converts_field_segments():
    assert snake_path("resources.gpuCount") == "resources.gpu_count"
    assert snake_path("hypothesisId") == "hypothesis_id"
    assert snake_path("git.repoUrl") == "git.repo_url"
    assert snake_path("tags.3") == "tags.3"
    assert snake_path("body") == "body"


def test_snake_path_keeps_the_callers_document_keys():
    assert snake_path("hyperparams.learning_rate") == "hyperparams.learning_rate"
    assert snake_path("hyperparams.myKey") == "hyperparams.myKey"
    assert snake_path("config.someThing") == "config.someThing"


def test_error_response_renders_snake_case_fields():
    response = error_response(ValidationFailed({"resources.maxDurationMinutes": "too long"}))
    assert response.status_code == 422
    assert b'"resources.max_duration_minutes"' in response.body


def _row() -> Experiment:
    started = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    return Experiment(
        id=uuid.uuid4(),
        hypothesis_id=uuid.uuid4(),
        owner_id=uuid.uuid4(),
        name="n",
        description=None,
        status=ExperimentStatus.FAILED,
        type=ExperimentType.LLM,
        model="llama",
        approach="lora",
        framework="torch",
        hyperparams={"learning_rate": 0.1},
        config={},
        tags=["a"],
        gpu_type="A100",
        gpu_count=2,
        cpu_cores=8,
        memory_gb=64,
        max_duration_minutes=120,
        git_repo_url="ssh://git@example.com/x.git",
        git_commit=None,
        git_branch=None,
        progress_step=5,
        progress_total_steps=10,
        progress_epoch=None,
        progress_total_epochs=None,
        progress_rate=1.0,
        progress_reported_at=started + timedelta(seconds=5),
        failure_reason=FailureReason.OOM,
        failure_message="boom",
        created_at=started - timedelta(minutes=1),
        started_at=started,
        finished_at=started + timedelta(seconds=30),
        last_activity_at=started + timedelta(seconds=5),
        duration_seconds=30.0,
        gpu_cost=1.5,
        cpu_cost=0.5,
        api_cost=0.25,
        priority=0,
    )


def test_experiment_json_has_exactly_the_documented_fields():
    row = _row()
    body = experiment_json(row, datetime(2024, 5, 1, 13, 0, tzinfo=UTC), Related())
    assert set(body) == set(ExperimentOut.model_fields)
    ExperimentOut.model_validate(body)
    assert body["started_at"] == "2024-05-01T12:00:00+00:00"
    assert body["failure"] == {"reason": "OOM", "message": "boom"}
    assert body["git"]["url"] is None  # ssh:// remotes have no web link
    assert body["progress"]["fraction"] == 0.5
    assert body["duration_seconds"] == 30.0
    assert body["status_message"] == "boom"
    assert body["reservation"] is None and body["mlflow"] is None
    assert body["cost"] == {"gpu": 1.5, "cpu": 0.5, "api": 0.25, "total": 2.25, "currency": "USD"}
    assert body["priority"] == 0 and body["queue"] is None


def test_experiment_json_shows_a_waiting_runs_place_in_the_queue():
    row = _row()
    row.status, row.finished_at, row.started_at = ExperimentStatus.QUEUED, None, None
    since = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    row.queued_at, row.queue_pool, row.queue_position = since, "a100-pool", 3
    row.queue_estimated_start_at = since + timedelta(hours=1)
    body = experiment_json(row, since, Related())
    ExperimentOut.model_validate(body)
    assert body["queue"] == {
        "pool": "a100-pool",
        "position": 3,
        "since": "2024-05-01T12:00:00+00:00",
        "estimated_start_at": "2024-05-01T13:00:00+00:00",
    }


def test_experiment_json_shows_the_reservation_the_live_cost_and_the_mlflow_link():
    row = _row()
    row.status, row.finished_at, row.duration_seconds = ExperimentStatus.RUNNING, None, None
    row.failure_reason = row.failure_message = None
    started = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    reservation = Reservation(
        experiment_id=row.id,
        pool_name="a100-pool",
        gpu_count=2,
        hourly_cost_per_gpu=3.0,
        cpu_cores=8,
        memory_gb=64,
        hourly_cost_per_cpu_core=0.1,
        reserved_at=started,
        expires_at=started + timedelta(hours=2),
        released_at=None,
    )
    link = MlflowLinkView("7", "run-1", started, 12, "timeout", started)
    related = Related({row.id: reservation}, {row.id: link}, "http://mlflow.test/")
    body = experiment_json(row, started + timedelta(minutes=30), related)
    ExperimentOut.model_validate(body)
    assert body["reservation"] == {
        "pool": "a100-pool",
        "gpu_count": 2,
        "reserved_at": "2024-05-01T12:00:00+00:00",
        "expires_at": "2024-05-01T14:00:00+00:00",
        "released_at": None,
        "hourly_cost_per_gpu": 3.0,
        "cpu_cores": 8,
        "memory_gb": 64,
        "hourly_cost_per_cpu_core": 0.1,
    }
    # live while held: 2 GPUs x 3.0 an hour x half an hour, 8 cores x 0.1 an hour x half an
    # hour, not the stored gpu_cost and cpu_cost
    assert body["cost"] == {"gpu": 3.0, "cpu": 0.4, "api": 0.25, "total": 3.65, "currency": "USD"}
    assert body["mlflow"] == {
        "experiment_id": "7",
        "run_id": "run-1",
        "url": "http://mlflow.test/#/experiments/7/runs/run-1",
        "synced_at": "2024-05-01T12:00:00+00:00",
        "pending_points": 12,
        "last_error": "timeout",
        "last_error_at": "2024-05-01T12:00:00+00:00",
    }
    assert body["status_message"] is None and body["failure"] is None
