"""The experiment lifecycle over GraphQL: create → start → progress → complete, and refusals."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.models import OutboxEvent
from app.models.enums import Role
from tests.graphql import error_codes, gql, ok

CREATE_HYPOTHESIS = """
mutation($input: CreateHypothesisInput!) {
  createHypothesis(input: $input) { id title owner { id } }
}
"""
CREATE = """
mutation($input: CreateExperimentInput!) {
  createExperiment(input: $input) {
    id name status type model framework hyperparams config tags
    resources { gpuType gpuCount cpuCores memoryGb maxDurationMinutes }
    git { repoUrl commit branch url }
    hypothesis { id title } owner { id }
    progress { step fraction etaSeconds }
    createdAt startedAt finishedAt lastActivityAt durationSeconds failure { reason message }
  }
}
"""
FIELDS = "id status startedAt finishedAt lastActivityAt durationSeconds failure { reason message }"


async def new_hypothesis(client: Any, token: str, title: str = "Bigger batches help") -> str:
    data = await ok(client, CREATE_HYPOTHESIS, {"input": {"title": title}}, token=token)
    return str(data["createHypothesis"]["id"])


async def new_experiment(
    client: Any, token: str, hypothesis_id: str, **fields: Any
) -> dict[str, Any]:
    payload = {
        "hypothesisId": hypothesis_id,
        "name": "xgb baseline",
        "type": "ML",
        "model": "xgboost",
        "framework": "sklearn",
        **fields,
    }
    data = await ok(client, CREATE, {"input": payload}, token=token)
    return dict(data["createExperiment"])


async def move(
    client: Any, token: str, mutation: str, experiment_id: str, **args: Any
) -> dict[str, Any]:
    extra = "".join(f", {k}: {v}" for k, v in args.items())
    return await gql(
        client,
        f'mutation {{ {mutation}(id: "{experiment_id}"{extra}) {{ {FIELDS} }} }}',
        token=token,
    )


async def outbox_types(services: Any, experiment_id: str) -> list[str]:
    async with services.db.reader() as session:
        rows = await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
        return [row.event_type for row in rows if str(row.aggregate_id) == experiment_id]


async def test_full_lifecycle_with_progress_and_events(client, make_user, services):
    _, token = await make_user(Role.DS)
    hypothesis_id = await new_hypothesis(client, token)
    created = await new_experiment(
        client,
        token,
        hypothesis_id,
        hyperparams={"learning_rate": 0.05},
        git={"repoUrl": "git@github.com:lab/train.git", "commit": "a1b2c3d4"},
        tags=["baseline", "baseline", "tabular"],
    )
    assert created["status"] == "QUEUED"
    assert created["hyperparams"]["learning_rate"] == 0.05
    assert created["hyperparams"]["n_estimators"] == 100  # preset default filled in
    assert created["tags"] == ["baseline", "tabular"]
    assert created["resources"]["gpuCount"] == 0  # ML preset's default resources
    assert created["git"]["url"] == "https://github.com/lab/train/commit/a1b2c3d4"
    assert created["startedAt"] is None and created["progress"]["fraction"] is None

    started = await move(client, token, "startExperiment", created["id"])
    assert started["data"]["startExperiment"]["status"] == "RUNNING"
    assert started["data"]["startExperiment"]["startedAt"] is not None

    progress = await ok(
        client,
        """mutation($id: ID!) { reportProgress(experimentId: $id,
             progress: {step: 250, totalSteps: 1000, epoch: 1, totalEpochs: 4}) {
             progress { step totalSteps epoch totalEpochs fraction etaSeconds }
             lastActivityAt } }""",
        {"id": created["id"]},
        token=token,
    )
    view = progress["reportProgress"]["progress"]
    assert view["step"] == 250 and view["totalSteps"] == 1000
    assert view["fraction"] == pytest.approx(0.25)
    assert view["etaSeconds"] is not None and view["etaSeconds"] >= 0

    done = await move(client, token, "completeExperiment", created["id"])
    finished = done["data"]["completeExperiment"]
    assert finished["status"] == "COMPLETED"
    assert finished["finishedAt"] is not None and finished["durationSeconds"] >= 0

    assert await outbox_types(services, created["id"]) == [
        "ExperimentCreated",
        "ExperimentStarted",
        "ExperimentCompleted",
    ]


async def test_terminal_statuses_never_change(client, make_user):
    _, token = await make_user(Role.DS)
    hypothesis_id = await new_hypothesis(client, token)
    experiment = await new_experiment(client, token, hypothesis_id)
    await move(client, token, "startExperiment", experiment["id"])
    failed = await move(
        client, token, "failExperiment", experiment["id"], reason="OOM", message='"CUDA OOM"'
    )
    assert failed["data"]["failExperiment"]["failure"] == {"reason": "OOM", "message": "CUDA OOM"}
    for mutation in ["startExperiment", "completeExperiment", "stopExperiment"]:
        body = await move(client, token, mutation, experiment["id"])
        assert error_codes(body) == ["INVALID_TRANSITION"], mutation
        assert body["errors"][0]["extensions"]["details"]["status"] == "FAILED"
    again = await move(client, token, "failExperiment", experiment["id"], reason="INTERNAL")
    assert error_codes(again) == ["INVALID_TRANSITION"]


async def test_moves_not_drawn_in_the_lifecycle_are_refused(client, make_user):
    _, token = await make_user(Role.MLE)
    hypothesis_id = await new_hypothesis(client, token)
    queued = await new_experiment(client, token, hypothesis_id)
    assert error_codes(await move(client, token, "completeExperiment", queued["id"])) == [
        "INVALID_TRANSITION"
    ]
    assert error_codes(await move(client, token, "failExperiment", queued["id"], reason="OOM")) == [
        "INVALID_TRANSITION"
    ]
    progress = await gql(
        client,
        "mutation($id: ID!) { reportProgress(experimentId: $id, progress: {step: 1}) { id } }",
        {"id": queued["id"]},
        token=token,
    )
    assert error_codes(progress) == ["INVALID_TRANSITION"]
    stopped = await move(client, token, "stopExperiment", queued["id"], message='"not needed"')
    assert stopped["data"]["stopExperiment"]["status"] == "STOPPED"
    assert stopped["data"]["stopExperiment"]["startedAt"] is None


async def test_update_only_while_queued(client, make_user):
    _, token = await make_user(Role.DS)
    hypothesis_id = await new_hypothesis(client, token)
    experiment = await new_experiment(client, token, hypothesis_id, description="first try")
    update = """mutation($id: ID!, $input: UpdateExperimentInput!) {
        updateExperiment(id: $id, input: $input) { name description model tags hyperparams } }"""
    data = await ok(
        client,
        update,
        {"id": experiment["id"], "input": {"name": "renamed", "tags": ["x"]}},
        token=token,
    )
    assert data["updateExperiment"]["name"] == "renamed"
    assert data["updateExperiment"]["description"] == "first try"  # untouched when not sent
    assert data["updateExperiment"]["tags"] == ["x"]
    await move(client, token, "startExperiment", experiment["id"])
    body = await gql(
        client, update, {"id": experiment["id"], "input": {"name": "late"}}, token=token
    )
    assert error_codes(body) == ["INVALID_TRANSITION"]


async def test_eta_comes_from_the_observed_rate(client, make_user, services):
    from datetime import timedelta

    from sqlalchemy import update

    from app.models import Experiment

    _, token = await make_user(Role.DS)
    hypothesis_id = await new_hypothesis(client, token)
    experiment = await new_experiment(client, token, hypothesis_id)
    await move(client, token, "startExperiment", experiment["id"])
    # Pretend the run started 100 s ago: 100 steps in 100 s is 1 step/s
    async with services.db.unit_of_work() as session:
        row = await session.get_one(Experiment, __import__("uuid").UUID(experiment["id"]))
        await session.execute(
            update(Experiment)
            .where(Experiment.id == row.id)
            .values(started_at=row.started_at - timedelta(seconds=100))
        )
    data = await ok(
        client,
        """mutation($id: ID!) { reportProgress(experimentId: $id,
             progress: {step: 100, totalSteps: 1000}) { progress { fraction etaSeconds } } }""",
        {"id": experiment["id"]},
        token=token,
    )
    view = data["reportProgress"]["progress"]
    assert view["fraction"] == pytest.approx(0.1)
    assert view["etaSeconds"] == pytest.approx(900, rel=0.05)
