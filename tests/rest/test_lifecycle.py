"""The experiment lifecycle over REST: create → start → progress → complete, and the rest."""

from __future__ import annotations

from datetime import datetime

from app.models.enums import Role
from tests.rest.helpers import (
    API,
    act,
    bearer,
    create_experiment,
    error_of,
    experiment_body,
    new_hypothesis,
)


async def test_full_lifecycle_create_get_start_progress_complete(client, services, make_user):
    user, token = await make_user(Role.DS)
    hypothesis_id = await new_hypothesis(services, user)
    response = await client.post(
        f"{API}/experiments",
        json=experiment_body(
            hypothesis_id,
            description="first try",
            hyperparams={"learning_rate": 0.05},
            config={"dataset": "v1"},
            resources={"gpu_type": "T4", "gpu_count": 1, "memory_gb": 16},
            git={"repo_url": "https://github.com/acme/ml.git", "commit": "abcdef1"},
            tags=["baseline", "gbm"],
        ),
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/json")
    created = response.json()
    assert created["status"] == "QUEUED"
    assert created["owner_id"] == str(user.id)
    assert created["hypothesis_id"] == str(hypothesis_id)
    assert created["hyperparams"]["learning_rate"] == 0.05
    assert created["hyperparams"]["n_estimators"] == 100  # the preset's default, merged
    assert created["config"] == {"dataset": "v1"}
    assert created["tags"] == ["baseline", "gbm"]
    assert created["resources"] == {
        "gpu_type": "T4",
        "gpu_count": 1,
        "cpu_cores": 1,
        "memory_gb": 16,
        "max_duration_minutes": 60,
    }
    assert created["git"] == {
        "repo_url": "https://github.com/acme/ml.git",
        "commit": "abcdef1",
        "branch": None,
        "url": "https://github.com/acme/ml/commit/abcdef1",
    }
    assert created["failure"] is None
    assert created["started_at"] is None and created["duration_seconds"] is None
    assert datetime.fromisoformat(created["created_at"]).utcoffset().total_seconds() == 0

    fetched = await client.get(f"{API}/experiments/{created['id']}", headers=bearer(token))
    assert fetched.status_code == 200
    assert fetched.json()["name"] == "gbm baseline"

    started = await act(client, token, created["id"], "start")
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "RUNNING"
    assert started.json()["started_at"] is not None
    assert started.json()["last_activity_at"] is not None

    progressed = await act(
        client, token, created["id"], "progress", {"step": 10, "total_steps": 100, "epoch": 1}
    )
    assert progressed.status_code == 200, progressed.text
    progress = progressed.json()["progress"]
    assert progress["step"] == 10 and progress["total_steps"] == 100
    assert progress["epoch"] == 1 and progress["total_epochs"] is None
    assert progress["fraction"] == 0.1

    completed = await act(client, token, created["id"], "complete")
    assert completed.status_code == 200, completed.text
    done = completed.json()
    assert done["status"] == "COMPLETED"
    assert done["finished_at"] is not None
    assert done["duration_seconds"] is not None and done["duration_seconds"] >= 0


async def test_fail_records_the_reason_and_message(client, services, make_user):
    user, token = await make_user(Role.MLE)
    experiment = await create_experiment(client, token, await new_hypothesis(services, user))
    assert (await act(client, token, experiment["id"], "start")).status_code == 200
    failed = await act(client, token, experiment["id"], "fail", {"reason": "OOM", "message": "x"})
    assert failed.status_code == 200, failed.text
    assert failed.json()["status"] == "FAILED"
    assert failed.json()["failure"] == {"reason": "OOM", "message": "x"}


async def test_fail_without_a_reason_is_a_validation_error(client, services, make_user):
    user, token = await make_user(Role.DS)
    experiment = await create_experiment(client, token, await new_hypothesis(services, user))
    await act(client, token, experiment["id"], "start")
    response = await act(client, token, experiment["id"], "fail", {"message": "no reason"})
    assert response.status_code == 422
    assert set(error_of(response)["details"]["fields"]) == {"reason"}
    bad = await act(client, token, experiment["id"], "fail", {"reason": "BORED"})
    assert bad.status_code == 422
    assert set(error_of(bad)["details"]["fields"]) == {"reason"}


async def test_stop_a_queued_experiment_without_a_body(client, services, make_user):
    user, token = await make_user(Role.DS)
    experiment = await create_experiment(client, token, await new_hypothesis(services, user))
    stopped = await client.post(f"{API}/experiments/{experiment['id']}/stop", headers=bearer(token))
    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["status"] == "STOPPED"
    assert stopped.json()["finished_at"] is not None
    assert stopped.json()["started_at"] is None


async def test_stop_a_running_experiment_with_a_message(client, services, make_user):
    user, token = await make_user(Role.DS)
    experiment = await create_experiment(client, token, await new_hypothesis(services, user))
    await act(client, token, experiment["id"], "start")
    stopped = await act(client, token, experiment["id"], "stop", {"message": "enough"})
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "STOPPED"


async def test_complete_a_queued_experiment_is_an_invalid_transition(client, services, make_user):
    user, token = await make_user(Role.DS)
    experiment = await create_experiment(client, token, await new_hypothesis(services, user))
    response = await act(client, token, experiment["id"], "complete")
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "INVALID_TRANSITION"
    assert error["details"] == {"status": "QUEUED", "move": "complete"}


async def test_start_a_completed_experiment_is_an_invalid_transition(client, services, make_user):
    user, token = await make_user(Role.DS)
    experiment = await create_experiment(client, token, await new_hypothesis(services, user))
    await act(client, token, experiment["id"], "start")
    await act(client, token, experiment["id"], "complete")
    response = await act(client, token, experiment["id"], "start")
    assert response.status_code == 409
    assert error_of(response)["code"] == "INVALID_TRANSITION"
    again = await client.get(f"{API}/experiments/{experiment['id']}", headers=bearer(token))
    assert again.json()["status"] == "COMPLETED"


async def test_progress_on_a_queued_experiment_is_an_invalid_transition(
    client, services, make_user
):
    user, token = await make_user(Role.DS)
    experiment = await create_experiment(client, token, await new_hypothesis(services, user))
    response = await act(client, token, experiment["id"], "progress", {"step": 1})
    assert response.status_code == 409
    assert error_of(response)["code"] == "INVALID_TRANSITION"


async def test_patch_changes_only_the_fields_sent_while_queued(client, services, make_user):
    user, token = await make_user(Role.DS)
    experiment = await create_experiment(
        client, token, await new_hypothesis(services, user), description="keep me"
    )
    url = f"{API}/experiments/{experiment['id']}"
    response = await client.patch(
        url, json={"name": "renamed", "resources": {"cpu_cores": 4}}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "renamed"
    assert body["description"] == "keep me"
    assert body["resources"]["cpu_cores"] == 4

    await act(client, token, experiment["id"], "start")
    late = await client.patch(url, json={"name": "too late"}, headers=bearer(token))
    assert late.status_code == 409
    assert error_of(late)["code"] == "INVALID_TRANSITION"
