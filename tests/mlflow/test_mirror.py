"""The mirror against a real MLflow tracking server: runs, params, tags, metrics, final
statuses and artifacts appear there and match ours."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from app.compare.params import flatten
from app.experiments.schemas import GitRefData
from app.mlflow_terms import MAX_PARAM_VALUE, TRUNCATED
from app.models import MirrorQueueItem, MirrorRun
from app.models.base import utcnow
from app.models.enums import Role
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.conftest import MakeUser
from tests.graphql import ok
from tests.mlflow.conftest import Mirrored, unique_title
from tests.mlflow.helpers import (
    history,
    mlflow_get,
    mlflow_run,
    our_history,
    params,
    post_batch,
    tags,
)
from tests.rest.helpers import upload_artifact

LINK = """query($id: ID!) { experiment(id: $id) { mlflow {
  experimentId runId url syncedAt pendingPoints lastError lastErrorAt } } }"""


async def test_a_run_appears_in_mlflow_with_everything_we_hold(
    mirrored: Mirrored, make_user: MakeUser
) -> None:
    owner, token = await make_user(Role.DS)
    title = unique_title("Sparse attention helps")
    hypothesis = await create_hypothesis(mirrored.services, owner, title=title)
    hyperparams = {
        "lr": 0.001,
        "optimizer": {"name": "adamw", "betas": [0.9, 0.999]},
        "prompt": "x" * (MAX_PARAM_VALUE + 50),
        **{f"layer_{i}": i for i in range(150)},  # more than 100 params: several batches
    }
    experiment = await create_experiment(
        mirrored.services,
        owner,
        hypothesis,
        name="baseline",
        hyperparams=hyperparams,
        git=GitRefData(
            repo_url="https://github.com/acme/train",
            commit="0123456789abcdef0123456789abcdef01234567",
        ),
        tags=["nightly", "ablation"],
    )
    await start(mirrored.services, owner, experiment)
    # 2,500 points of one key (three MLflow batches) and a second key with NaN and ±Inf
    await post_batch(
        mirrored.client,
        token,
        experiment.id,
        "loss",
        list(range(2500)),
        [1.0 / (step + 1) for step in range(2500)],
    )
    await post_batch(
        mirrored.client,
        token,
        experiment.id,
        "val/acc",
        [0, 1, 2, 3],
        [0.5, "NaN", "Infinity", "-Infinity"],
    )

    await mirrored.sync()

    run_row = await mirrored.opened_run(experiment.id)
    assert run_row.points_synced == 2504 and run_row.last_error is None
    run = await mlflow_run(mirrored.mlflow, run_row.run_id)
    found = await mlflow_get(mirrored.mlflow, "experiments/get-by-name", experiment_name=title)
    assert run["info"]["experiment_id"] == found["experiment"]["experiment_id"]
    assert run["info"]["status"] == "RUNNING"
    assert run["info"]["run_name"] == "baseline"

    run_tags = tags(run)
    assert run_tags["expsvc.experiment_id"] == str(experiment.id)
    assert run_tags["mlflow.source.git.commit"] == "0123456789abcdef0123456789abcdef01234567"
    assert run_tags["mlflow.source.git.repoURL"] == "https://github.com/acme/train"
    assert run_tags["expsvc.owner"] == owner.email
    assert run_tags["expsvc.type"] == "ML"
    assert run_tags["expsvc.model"] == "xgboost"
    assert run_tags["expsvc.framework"] == "sklearn"
    assert run_tags["expsvc.tags"] == "nightly, ablation"

    run_params = params(run)
    assert len(run_params) == len(flatten("hyperparams", experiment.hyperparams)) > 150
    assert run_params["lr"] == "0.001"
    assert run_params["optimizer.name"] == "adamw"
    assert run_params["optimizer.betas"] == "[0.9,0.999]"
    assert run_params["layer_149"] == "149"
    assert len(run_params["prompt"]) == MAX_PARAM_VALUE
    assert run_params["prompt"].endswith(TRUNCATED)

    for key in ("loss", "val/acc"):
        assert await history(mirrored.mlflow, run_row.run_id, key) == await our_history(
            mirrored.client, token, experiment.id, key
        )

    link = (await ok(mirrored.client, LINK, {"id": str(experiment.id)}, token=token))["experiment"][
        "mlflow"
    ]
    assert link["experimentId"] == run["info"]["experiment_id"]
    assert link["runId"] == run_row.run_id
    assert link["url"] == (
        f"{mirrored.server.url}/#/experiments/{link['experimentId']}/runs/{link['runId']}"
    )
    assert link["pendingPoints"] == 0 and link["lastError"] is None
    assert link["syncedAt"] is not None

    await move(mirrored.services, owner, experiment, "complete")
    await mirrored.sync()
    run = await mlflow_run(mirrored.mlflow, run_row.run_id)
    assert run["info"]["status"] == "FINISHED"
    assert int(run["info"]["end_time"]) > int(run["info"]["start_time"]) - 1


@pytest.mark.parametrize(
    ("move_to", "status"), [("fail", "FAILED"), ("stop", "KILLED"), ("complete", "FINISHED")]
)
async def test_the_final_status_is_mirrored(
    mirrored: Mirrored, make_user: MakeUser, move_to: str, status: str
) -> None:
    owner, token, experiment = await mirrored.running(make_user)
    await post_batch(mirrored.client, token, experiment.id, "loss", [0, 1], [2.0, 1.0])
    ended = await move(mirrored.services, owner, experiment, move_to)
    # not mirrored yet: the run, its points and its end all wait in our tables
    await mirrored.sync()
    run_row = await mirrored.opened_run(experiment.id)
    assert run_row.final_status == status
    run = await mlflow_run(mirrored.mlflow, run_row.run_id)
    assert run["info"]["status"] == status
    assert ended.finished_at is not None
    assert int(run["info"]["end_time"]) == int(ended.finished_at.timestamp() * 1000)
    assert await history(mirrored.mlflow, run_row.run_id, "loss") == await our_history(
        mirrored.client, token, experiment.id, "loss"
    )
    assert [point[:2] for point in await history(mirrored.mlflow, run_row.run_id, "loss")] == [
        (0, 2.0),
        (1, 1.0),
    ]


async def test_experiments_of_one_hypothesis_share_an_mlflow_experiment(
    mirrored: Mirrored, make_user: MakeUser
) -> None:
    owner, _token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(mirrored.services, owner, title=unique_title())
    first = await create_experiment(mirrored.services, owner, hypothesis, name="a")
    second = await create_experiment(mirrored.services, owner, hypothesis, name="b")
    await start(mirrored.services, owner, first)
    await start(mirrored.services, owner, second)
    await mirrored.sync()
    async with mirrored.services.db.reader() as session:
        rows = [await session.get(MirrorRun, ("mlflow", e.id)) for e in (first, second)]
    assert all(row is not None and row.run_id for row in rows)
    assert rows[0] is not None and rows[1] is not None
    assert rows[0].remote_group == rows[1].remote_group
    assert rows[0].run_id != rows[1].run_id


async def test_a_crash_after_mlflow_answered_makes_no_second_run_and_no_duplicates(
    mirrored: Mirrored, make_user: MakeUser
) -> None:
    """The mirror crashed after MLflow created the run and took a batch, before our commit:
    the next round finds the run by its tag and sending the batch again adds nothing."""
    _owner, token, experiment = await mirrored.running(make_user)
    await post_batch(
        mirrored.client,
        token,
        experiment.id,
        "loss",
        list(range(1500)),
        [float(step) for step in range(1500)],
    )
    async with mirrored.services.db.reader() as session:
        payload = await session.scalar(select(MirrorQueueItem.payload))
    assert payload is not None
    await mirrored.sync()
    async with mirrored.services.db.unit_of_work() as session:
        run_row = await session.get(MirrorRun, ("mlflow", experiment.id))
        assert run_row is not None and run_row.run_id is not None
        run_id = run_row.run_id
        # as if our commits after MLflow's answers were lost: no run id, the batch unsent
        run_row.run_id = None
        session.add(
            MirrorQueueItem(
                target="mlflow",
                experiment_id=experiment.id,
                kind="metrics",
                points=1500,
                sent=0,
                payload=payload,
                created_at=utcnow(),
            )
        )
    await mirrored.sync()
    async with mirrored.services.db.reader() as session:
        again = await session.get(MirrorRun, ("mlflow", experiment.id))
    assert again is not None and again.run_id == run_id
    runs = (
        await mirrored.mlflow.post(
            "/api/2.0/mlflow/runs/search",
            json={
                "experiment_ids": [again.remote_group],
                "filter": f"tags.`expsvc.experiment_id` = '{experiment.id}'",
            },
        )
    ).json()["runs"]
    assert len(runs) == 1
    assert await history(mirrored.mlflow, run_id, "loss") == await our_history(
        mirrored.client, token, experiment.id, "loss"
    )


async def test_a_batch_we_refuse_is_not_queued(mirrored: Mirrored, make_user: MakeUser) -> None:
    _owner, token, experiment = await mirrored.running(make_user)
    answer = await mirrored.client.post(
        f"/api/v1/experiments/{experiment.id}/metrics/batch",
        json={"key": "loss", "steps": [0, -1], "values": [1.0, 2.0]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "VALIDATION_FAILED"
    async with mirrored.services.db.reader() as session:
        queued = await session.scalar(select(func.count()).select_from(MirrorQueueItem))
    assert queued == 0


async def test_artifacts_are_mirrored_when_the_setting_says_so(
    mirrored: Mirrored, make_user: MakeUser
) -> None:
    _owner, token, experiment = await mirrored.running(make_user)
    body = uuid.uuid4().bytes * 4096
    await upload_artifact(mirrored.client, token, experiment.id, "weights.bin", body)
    await mirrored.sync()
    run_row = await mirrored.opened_run(experiment.id)
    listed = await mlflow_get(mirrored.mlflow, "artifacts/list", run_id=run_row.run_id)
    files = {item["path"]: item for item in listed.get("files", [])}
    assert int(files["weights.bin"]["file_size"]) == len(body)
    location = run_row.artifact_uri.removeprefix("mlflow-artifacts:").lstrip("/")  # type: ignore[union-attr]
    content = await mirrored.mlflow.get(
        f"/api/2.0/mlflow-artifacts/artifacts/{location}/weights.bin"
    )
    assert content.content == body
