"""The MLflow-compatible API's experiments and runs, through the app: the mapping onto our
hypotheses and experiments, MLflow's rules (write-once params, end statuses), ours (roles,
lifecycle) and MLflow's error shape."""

from __future__ import annotations

import math
import uuid

from app.experiments.service import get_experiment
from app.models.enums import Role
from tests.mlflow_api.helpers import new_run, ok, params_of, refused, tags_of
from tests.rest.helpers import API, bearer, new_hypothesis


async def ours(client, token, run_id):
    response = await client.get(f"{API}/experiments/{run_id}", headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


async def test_experiments_are_hypotheses_found_by_title(client, services, make_user):
    user, token = await make_user(Role.DS)
    created = await ok(client, token, "POST", "/experiments/create", name="resnet sweep")
    by_name = await ok(
        client, token, "GET", "/experiments/get-by-name", experiment_name="resnet sweep"
    )
    by_id = await ok(
        client, token, "GET", "/experiments/get", experiment_id=created["experiment_id"]
    )
    assert by_name == by_id
    spaced = await ok(
        client, token, "GET", "/experiments/get-by-name", experiment_name=" resnet sweep "
    )
    assert spaced == by_id  # titles are kept trimmed; so is the name looked for
    assert by_id["experiment"]["name"] == "resnet sweep"
    assert by_id["experiment"]["lifecycle_stage"] == "active"
    hypothesis = await client.get(
        f"{API}/hypotheses/{created['experiment_id']}", headers=bearer(token)
    )
    assert hypothesis.json()["owner_id"] == str(user.id)
    assert await refused(client, token, "POST", "/experiments/create", name="resnet sweep") == (
        400,
        "RESOURCE_ALREADY_EXISTS",
    )
    missing = await refused(
        client, token, "GET", "/experiments/get-by-name", experiment_name="nope"
    )
    assert missing == (404, "RESOURCE_DOES_NOT_EXIST")


async def test_another_users_hypothesis_is_not_found_and_gets_its_own(client, services, make_user):
    owner, _ = await make_user(Role.DS)
    _, other = await make_user(Role.DS)
    hidden = await new_hypothesis(services, owner, title="private")
    assert await refused(client, other, "GET", "/experiments/get", experiment_id=str(hidden)) == (
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )
    assert await refused(
        client, other, "GET", "/experiments/get-by-name", experiment_name="private"
    ) == (404, "RESOURCE_DOES_NOT_EXIST")
    created = await ok(client, other, "POST", "/experiments/create", name="private")
    assert created["experiment_id"] != str(hidden)


async def test_experiment_zero_is_the_callers_default(client, make_user):
    _, token = await make_user(Role.DS)
    _, other = await make_user(Role.DS)
    first = await ok(client, token, "GET", "/experiments/get", experiment_id="0")
    again = await ok(client, token, "GET", "/experiments/get", experiment_id="0")
    theirs = await ok(client, other, "GET", "/experiments/get", experiment_id="0")
    assert first == again
    assert first["experiment"]["name"] == "Default"
    assert theirs["experiment"]["experiment_id"] != first["experiment"]["experiment_id"]
    run = await ok(client, token, "POST", "/runs/create", experiment_id="0")
    assert run["run"]["info"]["experiment_id"] == first["experiment"]["experiment_id"]


async def test_create_starts_a_run_with_fields_from_the_tags(client, make_user):
    user, token = await make_user(Role.DS)
    run = await new_run(
        client,
        token,
        **{
            "mlflow.runName": "ignored: run_name wins",
            "mlflow.note.content": "a first try",
            "mlflow.source.git.repoURL": "https://github.com/acme/vision.git",
            "mlflow.source.git.commit": "abcdef1234567",
            "mlflow.user": "ann",
            "expsvc.type": "CV",
            "expsvc.model": "resnet50",
            "team": "vision",
        },
    )
    info = run["info"]
    assert info["status"] == "RUNNING"
    assert info["run_name"] == "run one"
    assert info["lifecycle_stage"] == "active"
    assert info["artifact_uri"] == (
        f"mlflow-artifacts:/{info['experiment_id']}/{info['run_id']}/artifacts"
    )
    experiment = await ours(client, token, info["run_id"])
    assert experiment["status"] == "RUNNING"
    assert experiment["owner_id"] == str(user.id)
    assert experiment["hypothesis_id"] == info["experiment_id"]
    assert (experiment["type"], experiment["model"]) == ("CV", "resnet50")
    assert experiment["description"] == "a first try"
    assert experiment["git"]["commit"] == "abcdef1234567"
    assert experiment["hyperparams"] == {}  # no preset defaults: params are what was logged
    assert experiment["tags"] == ["team:vision"]
    assert experiment["resources"]["gpu_count"] == 0
    # the script computes wherever it runs: nothing of our pools is held for it
    assert experiment["reservation"] is None
    tags = tags_of(run)
    assert tags["team"] == "vision"
    assert tags["mlflow.user"] == "ann"
    assert tags["mlflow.runName"] == "run one"
    assert tags["mlflow.source.git.commit"] == "abcdef1234567"


async def test_a_run_asking_for_gpus_holds_them_and_is_refused_when_none_are_free(
    client, services, make_user
):
    _, token = await make_user(Role.DS)
    experiment = await ok(client, token, "POST", "/experiments/create", name="on our GPUs")
    asks = [{"key": "expsvc.gpuType", "value": "H100"}, {"key": "expsvc.gpuCount", "value": "2"}]
    run = await ok(
        client,
        token,
        "POST",
        "/runs/create",
        experiment_id=experiment["experiment_id"],
        tags=asks,
    )
    held = (await ours(client, token, run["run"]["info"]["run_id"]))["reservation"]
    assert (held["gpu_count"], held["cpu_cores"]) == (2, 1)  # with the default core
    too_many = [
        {"key": "expsvc.gpuType", "value": "H100"},
        {"key": "expsvc.gpuCount", "value": "8"},
    ]
    status = await refused(
        client,
        token,
        "POST",
        "/runs/create",
        experiment_id=experiment["experiment_id"],
        tags=too_many,
    )
    assert status[1] == "RESOURCE_LIMIT_EXCEEDED"  # 2 of the pool's 8 H100s are held


async def test_a_bad_type_tag_creates_nothing(client, services, make_user):
    _, token = await make_user(Role.DS)
    experiment = await ok(client, token, "POST", "/experiments/create", name="typed")
    status = await refused(
        client,
        token,
        "POST",
        "/runs/create",
        experiment_id=experiment["experiment_id"],
        tags=[{"key": "expsvc.type", "value": "RL"}],
    )
    assert status == (400, "INVALID_PARAMETER_VALUE")
    listed = await client.get(
        f"{API}/experiments",
        params={"hypothesis_id": experiment["experiment_id"]},
        headers=bearer(token),
    )
    assert listed.json()["total_count"] == 0


async def test_log_batch_writes_params_tags_and_metrics(client, make_user):
    _, token = await make_user(Role.DS)
    run_id = (await new_run(client, token))["info"]["run_id"]
    await ok(
        client,
        token,
        "POST",
        "/runs/log-batch",
        run_id=run_id,
        metrics=[
            {"key": "loss", "value": 0.5, "timestamp": 1_700_000_000_000, "step": 1},
            {"key": "loss", "value": 0.25, "timestamp": 1_700_000_001_000, "step": 2},
            {"key": "acc", "value": "NaN", "timestamp": 1_700_000_001_000, "step": 2},
        ],
        params=[
            {"key": "lr", "value": "0.1"},
            {"key": "batch_size", "value": "256"},
            {"key": "eps", "value": "1e-3"},
            {"key": "flag", "value": "True"},
        ],
        tags=[{"key": "stage", "value": "dev"}, {"key": "mlflow.note.content", "value": "notes"}],
    )
    experiment = await ours(client, token, run_id)
    assert experiment["hyperparams"] == {
        "lr": 0.1,
        "batch_size": 256,
        "eps": "1e-3",
        "flag": "True",
    }
    assert experiment["tags"] == ["stage:dev"]
    assert experiment["description"] == "notes"
    run = (await ok(client, token, "GET", "/runs/get", run_id=run_id))["run"]
    assert params_of(run) == {"lr": "0.1", "batch_size": "256", "eps": "1e-3", "flag": "True"}
    metrics = {m["key"]: m for m in run["data"]["metrics"]}
    assert metrics["loss"] == {
        "key": "loss",
        "value": 0.25,
        "timestamp": 1_700_000_001_000,
        "step": 2,
    }
    assert metrics["acc"]["value"] == "NaN"
    summaries = await client.get(f"{API}/experiments/{run_id}/metrics", headers=bearer(token))
    counts = {s["key"]: s["count"] for s in summaries.json()["summaries"]}
    assert counts == {"loss": 2, "acc": 1}


async def test_params_are_written_once_and_a_refused_batch_writes_nothing(client, make_user):
    _, token = await make_user(Role.DS)
    run_id = (await new_run(client, token))["info"]["run_id"]
    await ok(client, token, "POST", "/runs/log-parameter", run_id=run_id, key="lr", value="0.1")
    await ok(client, token, "POST", "/runs/log-parameter", run_id=run_id, key="lr", value="0.1")
    status = await refused(
        client,
        token,
        "POST",
        "/runs/log-batch",
        run_id=run_id,
        metrics=[{"key": "loss", "value": 1.0, "timestamp": 1_700_000_000_000, "step": 0}],
        params=[{"key": "lr", "value": "0.2"}, {"key": "new", "value": "x"}],
        tags=[{"key": "t", "value": "v"}],
    )
    assert status == (400, "INVALID_PARAMETER_VALUE")
    run = (await ok(client, token, "GET", "/runs/get", run_id=run_id))["run"]
    assert params_of(run) == {"lr": "0.1"}
    assert "t" not in tags_of(run)
    assert run["data"]["metrics"] == []


async def test_batch_limits_and_bad_metrics_are_refused(client, make_user):
    _, token = await make_user(Role.DS)
    run_id = (await new_run(client, token))["info"]["run_id"]
    too_many = [{"key": "k", "value": 1.0, "timestamp": 1, "step": i} for i in range(1001)]
    assert await refused(
        client, token, "POST", "/runs/log-batch", run_id=run_id, metrics=too_many
    ) == (400, "INVALID_PARAMETER_VALUE")
    negative = [{"key": "k", "value": 1.0, "timestamp": 1, "step": -1}]
    assert await refused(
        client, token, "POST", "/runs/log-batch", run_id=run_id, metrics=negative
    ) == (400, "INVALID_PARAMETER_VALUE")
    assert await refused(
        client, token, "POST", "/runs/log-metric", run_id=run_id, key="k", value="x", step=0
    ) == (400, "INVALID_PARAMETER_VALUE")


async def test_end_statuses_move_our_lifecycle(client, make_user):
    _, token = await make_user(Role.DS)
    ends = {"FINISHED": "COMPLETED", "FAILED": "FAILED", "KILLED": "STOPPED"}
    for mlflow_status, status in ends.items():
        run_id = (await new_run(client, token))["info"]["run_id"]
        answer = await ok(
            client,
            token,
            "POST",
            "/runs/update",
            run_id=run_id,
            status=mlflow_status,
            end_time=1_700_000_000_000,
        )
        assert answer["run_info"]["status"] == mlflow_status
        assert answer["run_info"]["end_time"] is not None
        experiment = await ours(client, token, run_id)
        assert experiment["status"] == status
        # the same end again is a no-op; another one is refused
        await ok(client, token, "POST", "/runs/update", run_id=run_id, status=mlflow_status)
        other = "FAILED" if mlflow_status != "FAILED" else "FINISHED"
        assert await refused(
            client, token, "POST", "/runs/update", run_id=run_id, status=other
        ) == (400, "INVALID_STATE")
    failed = await ours(client, token, run_id)  # the last one, KILLED
    assert failed["status"] == "STOPPED"


async def test_a_failed_run_says_why_and_takes_no_more_metrics(client, make_user):
    _, token = await make_user(Role.DS)
    run_id = (await new_run(client, token))["info"]["run_id"]
    await ok(client, token, "POST", "/runs/update", run_id=run_id, status="FAILED")
    experiment = await ours(client, token, run_id)
    assert experiment["failure"]["reason"] == "USER_ERROR"
    status = await refused(
        client,
        token,
        "POST",
        "/runs/log-metric",
        run_id=run_id,
        key="k",
        value=1.0,
        timestamp=1_700_000_000_000,
        step=0,
    )
    assert status == (400, "INVALID_STATE")
    assert await refused(
        client, token, "POST", "/runs/log-parameter", run_id=run_id, key="late", value="1"
    ) == (400, "INVALID_STATE")
    # tags stay writable, as in MLflow
    await ok(client, token, "POST", "/runs/set-tag", run_id=run_id, key="verdict", value="oom")
    assert (await ours(client, token, run_id))["tags"] == ["verdict:oom"]


async def test_rename_and_tags_after_the_start(client, make_user):
    _, token = await make_user(Role.DS)
    run_id = (await new_run(client, token, team="a"))["info"]["run_id"]
    await ok(client, token, "POST", "/runs/update", run_id=run_id, run_name="renamed")
    await ok(client, token, "POST", "/runs/set-tag", run_id=run_id, key="team", value="b")
    experiment = await ours(client, token, run_id)
    assert experiment["name"] == "renamed"
    assert experiment["tags"] == ["team:b"]
    await ok(client, token, "POST", "/runs/delete-tag", run_id=run_id, key="team")
    run = (await ok(client, token, "GET", "/runs/get", run_id=run_id))["run"]
    assert "team" not in tags_of(run)
    assert tags_of(run)["mlflow.runName"] == "renamed"
    assert (await ours(client, token, run_id))["tags"] == []
    assert await refused(client, token, "POST", "/runs/delete-tag", run_id=run_id, key="team") == (
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )


async def test_long_tags_are_kept_exactly_but_not_listed(client, make_user):
    _, token = await make_user(Role.DS)
    run_id = (await new_run(client, token))["info"]["run_id"]
    long_value = "x" * 5000
    await ok(client, token, "POST", "/runs/set-tag", run_id=run_id, key="long", value=long_value)
    run = (await ok(client, token, "GET", "/runs/get", run_id=run_id))["run"]
    assert tags_of(run)["long"] == long_value
    assert (await ours(client, token, run_id))["tags"] == []


async def test_nested_runs_keep_their_parent(client, services, make_user):
    user, token = await make_user(Role.DS)
    parent = (await new_run(client, token))["info"]
    child = (
        await ok(
            client,
            token,
            "POST",
            "/runs/create",
            experiment_id=parent["experiment_id"],
            run_name="child",
            tags=[{"key": "mlflow.parentRunId", "value": parent["run_id"]}],
        )
    )["run"]
    assert tags_of(child)["mlflow.parentRunId"] == parent["run_id"]
    async with services.db.reader() as session:
        row = await get_experiment(
            session, actor=user, experiment_id=uuid.UUID(child["info"]["run_id"])
        )
    assert str(row.parent_id) == parent["run_id"]


async def test_metric_history_pages_keep_repeated_steps(client, make_user):
    _, token = await make_user(Role.DS)
    run_id = (await new_run(client, token))["info"]["run_id"]
    points = [  # the mlflow client logs step 0 for points given no step
        {"key": "loss", "value": float(i), "timestamp": 1_700_000_000_000 + i, "step": 0}
        for i in range(5)
    ] + [
        {"key": "loss", "value": 10.0 + s, "timestamp": 1_700_000_100_000, "step": s}
        for s in (1, 2, 3)
    ]
    await ok(client, token, "POST", "/runs/log-batch", run_id=run_id, metrics=points)
    seen: list[tuple[int, float]] = []
    token_arg: dict[str, str] = {}
    pages = 0
    while True:
        page = await ok(
            client,
            token,
            "GET",
            "/metrics/get-history",
            run_id=run_id,
            metric_key="loss",
            max_results=3,
            **token_arg,
        )
        pages += 1
        seen += [(m["step"], m["value"]) for m in page["metrics"]]
        if "next_page_token" not in page:
            break
        token_arg = {"page_token": page["next_page_token"]}
    assert seen == [
        (0, 0.0),
        (0, 1.0),
        (0, 2.0),
        (0, 3.0),
        (0, 4.0),
        (1, 11.0),
        (2, 12.0),
        (3, 13.0),
    ]
    assert pages >= 3
    empty = await ok(client, token, "GET", "/metrics/get-history", run_id=run_id, metric_key="none")
    assert empty == {"metrics": []}
    assert await refused(
        client,
        token,
        "GET",
        "/metrics/get-history",
        run_id=run_id,
        metric_key="loss",
        page_token="!!",
    ) == (400, "INVALID_PARAMETER_VALUE")


async def test_delete_and_restore(client, make_user):
    _, token = await make_user(Role.DS)
    run_id = (await new_run(client, token))["info"]["run_id"]
    await ok(client, token, "POST", "/runs/delete", run_id=run_id)
    run = (await ok(client, token, "GET", "/runs/get", run_id=run_id))["run"]
    assert run["info"]["lifecycle_stage"] == "deleted"
    assert (await ours(client, token, run_id))["status"] == "RUNNING"  # our data stays
    await ok(client, token, "POST", "/runs/restore", run_id=run_id)
    run = (await ok(client, token, "GET", "/runs/get", run_id=run_id))["run"]
    assert run["info"]["lifecycle_stage"] == "active"


async def test_roles_apply_in_mlflow_terms(client, services, make_user):
    owner, owner_token = await make_user(Role.DS)
    observer, observer_token = await make_user(Role.DS)
    _, stranger_token = await make_user(Role.DS)
    lead, lead_token = await make_user(Role.TL)
    _, curator_token = await make_user(Role.CURATOR)
    hypothesis = await new_hypothesis(services, owner, observers=[observer], title="shared")
    async with services.db.unit_of_work() as session:
        from app.hypotheses.schemas import HypothesisUpdate
        from app.hypotheses.service import update_hypothesis

        await update_hypothesis(
            session,
            actor=owner,
            hypothesis_id=hypothesis,
            data=HypothesisUpdate(team_lead_id=lead.id),
        )
    run = await ok(client, owner_token, "POST", "/runs/create", experiment_id=str(hypothesis))
    run_id = run["run"]["info"]["run_id"]
    metric = {"key": "m", "value": 1.0, "timestamp": 1_700_000_000_000, "step": 0}
    # an observer reads, may not write
    await ok(client, observer_token, "GET", "/runs/get", run_id=run_id)
    assert await refused(
        client, observer_token, "POST", "/runs/log-batch", run_id=run_id, metrics=[metric]
    ) == (403, "PERMISSION_DENIED")
    assert await refused(
        client, observer_token, "POST", "/runs/set-tag", run_id=run_id, key="k", value="v"
    ) == (403, "PERMISSION_DENIED")
    assert await refused(
        client, observer_token, "POST", "/runs/update", run_id=run_id, status="KILLED"
    ) == (403, "PERMISSION_DENIED")
    # a stranger sees nothing
    assert await refused(client, stranger_token, "GET", "/runs/get", run_id=run_id) == (
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )
    assert await refused(
        client, stranger_token, "POST", "/runs/log-batch", run_id=run_id, metrics=[metric]
    ) == (404, "RESOURCE_DOES_NOT_EXIST")
    assert await refused(
        client, stranger_token, "POST", "/runs/create", experiment_id=str(hypothesis)
    ) == (404, "RESOURCE_DOES_NOT_EXIST")
    # the lead and a curator act
    await ok(client, lead_token, "POST", "/runs/log-batch", run_id=run_id, metrics=[metric])
    await ok(client, curator_token, "POST", "/runs/set-tag", run_id=run_id, key="k", value="v")
    await ok(client, owner_token, "POST", "/runs/update", run_id=run_id, status="FINISHED")


async def test_unauthenticated_and_unknown_paths_answer_in_mlflow_shape(client, make_user):
    _, token = await make_user(Role.DS)
    assert await refused(client, None, "GET", "/experiments/get", experiment_id="0") == (
        401,
        "UNAUTHENTICATED",
    )
    assert await refused(client, "nope", "GET", "/experiments/get", experiment_id="0") == (
        401,
        "UNAUTHENTICATED",
    )
    for method, path in [
        ("POST", "/registered-models/create"),
        ("GET", "/runs/create"),
        ("GET", "/logged-models/search"),
    ]:
        assert await refused(client, token, method, path) == (404, "ENDPOINT_NOT_FOUND")
    for path in ("/api/3.0/mlflow/traces", "/ajax-api/2.0/mlflow/model-versions/get"):
        response = await client.get(path, headers=bearer(token))
        assert (response.status_code, response.json()["error_code"]) == (404, "ENDPOINT_NOT_FOUND")
    alias = await client.get(
        "/ajax-api/2.0/mlflow/experiments/get", params={"experiment_id": "0"}, headers=bearer(token)
    )
    assert alias.status_code == 200
    bad = await client.post(
        "/api/2.0/mlflow/runs/create", content=b"{not json", headers=bearer(token)
    )
    assert (bad.status_code, bad.json()["error_code"]) == (400, "MALFORMED_REQUEST")
    unknown = await refused(client, token, "GET", "/runs/get", run_id="not-a-uuid")
    assert unknown == (404, "RESOURCE_DOES_NOT_EXIST")


def test_param_text_round_trips():
    from app.mlflow_terms import param_text, param_value

    for text in [
        "0.1",
        "256",
        "-3",
        "1e-3",
        "True",
        "true",
        "false",
        "adam",
        "",
        "[1, 2]",
        "nan",
        "007",
        "1.0",
    ]:
        assert param_text(param_value(text)) == text
    assert param_value("0.1") == 0.1 and param_value("256") == 256
    assert param_value("true") is True
    assert isinstance(param_value("1e-3"), str) and isinstance(param_value("007"), str)
    assert math.isclose(param_value("-0.5"), -0.5)
