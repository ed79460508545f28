"""``runs/search`` and ``experiments/search`` through the app: each filter entity and
operator, ordering, paging, view types, visibility and MLflow's error shape."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from mlflow.entities import Experiment as MlflowExperiment
from mlflow.entities import Run, ViewType
from mlflow.protos.service_pb2 import SearchExperiments, SearchRuns
from mlflow.utils.proto_json_utils import message_to_json, parse_dict
from sqlalchemy import insert, update

from app.experiments.schemas import GitRefData
from app.hypotheses.schemas import HypothesisUpdate
from app.hypotheses.service import update_hypothesis
from app.metrics.batch import MetricBatch
from app.metrics.service import ingest_metrics
from app.models import Experiment, Hypothesis, User
from app.models.enums import Role
from app.models.mlflow_tracking import mlflow_deleted_runs, mlflow_tags
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, create_running, move

RUNS = "/api/2.0/mlflow/runs/search"
EXPERIMENTS = "/api/2.0/mlflow/experiments/search"
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class World:
    owner: User
    token: str
    hypothesis: Hypothesis
    runs: dict[str, Experiment]

    def ids(self, *names: str) -> list[str]:
        return [str(self.runs[name].id) for name in names]


async def _metrics(services: Services, actor: User, run: Experiment, **values: float) -> None:
    batch = MetricBatch(
        keys=list(values),
        steps=[1] * len(values),
        values=list(values.values()),
        timestamps=[T0] * len(values),
    )
    async with services.db.unit_of_work() as session:
        await ingest_metrics(session, actor=actor, experiment_id=run.id, batch=batch)


async def _tags(services: Services, run: Experiment, **tags: str) -> None:
    async with services.db.unit_of_work() as session:
        await session.execute(
            insert(mlflow_tags),
            [{"experiment_id": run.id, "key": k, "value": v} for k, v in tags.items()],
        )


async def _times(
    services: Services, run: Experiment, started: datetime | None, finished: datetime | None
) -> None:
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(Experiment)
            .where(Experiment.id == run.id)
            .values(started_at=started, finished_at=finished)
        )


@pytest.fixture
async def world(services: Services, make_user: Any) -> World:
    """Four runs of one hypothesis (alpha COMPLETED, beta FAILED, gamma RUNNING, delta
    QUEUED) with metrics, params and tags to search on."""
    owner, token = await make_user(Role.DS, name="owner")
    hypothesis = await create_hypothesis(services, owner, title="vision")
    alpha = await create_running(
        services,
        owner,
        hypothesis,
        name="alpha",
        hyperparams={
            "lr": 0.1,
            "optimizer": {"name": "Adam", "beta": 0.9},
            "layers": 3,
            "small": 1e-5,
            "tiny": 2.5e-7,
            "flag": True,
            "note": "Hello World",
            "nothing": None,
        },
    )
    beta = await create_running(
        services, owner, hypothesis, name="beta", hyperparams={"lr": "0.1", "layers": 4}
    )
    gamma = await create_running(
        services, owner, hypothesis, name="Gamma", hyperparams={"lr": 0.01}
    )
    delta = await create_experiment(
        services,
        owner,
        hypothesis,
        name="delta",
        description="notes here",
        git=GitRefData(repo_url="https://git.example.test/vision", commit="abc1234"),
    )
    await _metrics(services, owner, alpha, acc=0.95, loss=0.1)
    await _metrics(services, owner, beta, acc=0.85, loss=math.nan)
    await _metrics(services, owner, gamma, loss=0.3)
    await move(services, owner, alpha, "complete")
    await move(services, owner, beta, "fail")
    await _tags(services, alpha, team="Vision", **{"my tag": "x y", "mlflow.note.content": "old"})
    await _tags(services, beta, team="vision")
    await _tags(services, gamma, **{"mlflow.note.content": "stored note"})
    # start times a day apart (gamma newest, delta not started: its creation counts)
    await _times(services, alpha, T0 + timedelta(microseconds=1500), T0 + timedelta(hours=1))
    await _times(services, beta, T0 + timedelta(days=1), T0 + timedelta(days=1, hours=2))
    await _times(services, gamma, T0 + timedelta(days=2), None)
    runs = {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta}
    return World(owner, token, hypothesis, runs)


async def _search(
    client: httpx.AsyncClient, token: str, body: dict[str, Any], status: int = 200
) -> dict[str, Any]:
    response = await client.post(RUNS, json=body, headers=bearer(token))
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def _names(
    client: httpx.AsyncClient, world: World, filter: str = "", **body: Any
) -> list[str]:
    answer = await _search(
        client,
        world.token,
        {"experiment_ids": [str(world.hypothesis.id)], "filter": filter, **body},
    )
    return [run["info"]["run_name"] for run in answer.get("runs", [])]


async def _matching(client: httpx.AsyncClient, world: World, filter: str) -> set[str]:
    return set(await _names(client, world, filter))


async def test_metric_filters(client, world):
    assert await _matching(client, world, "metrics.acc > 0.9") == {"alpha"}
    assert await _matching(client, world, "metrics.acc >= 0.85") == {"alpha", "beta"}
    assert await _matching(client, world, "metrics.acc < 0.9") == {"beta"}
    assert await _matching(client, world, "metrics.acc <= 0.95") == {"alpha", "beta"}
    assert await _matching(client, world, "metrics.acc = 0.85") == {"beta"}
    assert await _matching(client, world, "metrics.acc != 0.85") == {"alpha"}
    # a NaN (beta's loss) satisfies only !=, a run without the metric nothing
    assert await _matching(client, world, "metrics.loss < 1") == {"alpha", "Gamma"}
    assert await _matching(client, world, "metrics.loss != 0.1") == {"beta", "Gamma"}
    assert await _matching(client, world, "metrics.loss > -1e3") == {"alpha", "Gamma"}
    assert await _matching(client, world, "metrics.missing > 0") == set()


async def test_param_filters(client, world):
    # a number and a string that read the same are the same param text
    assert await _matching(client, world, "params.lr = '0.1'") == {"alpha", "beta"}
    assert await _matching(client, world, 'params.lr = "0.01"') == {"Gamma"}
    assert await _matching(client, world, "params.lr != '0.1'") == {"Gamma"}
    assert await _matching(client, world, "params.lr LIKE '0.0%'") == {"Gamma"}
    assert await _matching(client, world, "params.layers = '3'") == {"alpha"}
    assert await _matching(client, world, "params.layers = '3.0'") == set()
    # numbers as orjson writes them, on both backends
    assert await _matching(client, world, "params.small = '0.00001'") == {"alpha"}
    assert await _matching(client, world, "params.tiny = '2.5e-7'") == {"alpha"}
    assert await _matching(client, world, "params.flag = 'true'") == {"alpha"}
    assert await _matching(client, world, "params.nothing = 'null'") == {"alpha"}
    # a nested hyperparameter by its dotted key; the object itself is no param
    assert await _matching(client, world, "params.optimizer.name = 'Adam'") == {"alpha"}
    assert await _matching(client, world, "params.`optimizer.beta` = '0.9'") == {"alpha"}
    assert await _matching(client, world, "params.optimizer IS NULL") == {
        "alpha",
        "beta",
        "Gamma",
        "delta",
    }
    assert await _matching(client, world, "params.note LIKE 'Hello%'") == {"alpha"}
    assert await _matching(client, world, "params.note LIKE 'hello%'") == set()
    assert await _matching(client, world, "params.note ILIKE 'hello%'") == {"alpha"}
    assert await _matching(client, world, "params.layers IS NOT NULL") == {"alpha", "beta"}
    assert await _matching(client, world, "params.layers IS NULL") == {"Gamma", "delta"}


async def test_tag_filters(client, world):
    assert await _matching(client, world, "tags.team = 'Vision'") == {"alpha"}
    assert await _matching(client, world, "tags.team != 'Vision'") == {"beta"}
    assert await _matching(client, world, "tags.team LIKE 'V%'") == {"alpha"}
    assert await _matching(client, world, "tags.team LIKE 'v_sion'") == {"beta"}
    assert await _matching(client, world, "tags.team ILIKE 'v%'") == {"alpha", "beta"}
    assert await _matching(client, world, "tags.team IS NULL") == {"Gamma", "delta"}
    assert await _matching(client, world, "tags.team is not null") == {"alpha", "beta"}
    assert await _matching(client, world, "tags.`my tag` = 'x y'") == {"alpha"}
    assert await _matching(client, world, "tags.\"my tag\" = 'x y'") == {"alpha"}
    assert await _matching(client, world, "tags.'my tag' = 'x y'") == {"alpha"}


async def test_system_tags_read_our_columns(client, world):
    assert await _matching(client, world, "tags.mlflow.runName = 'Gamma'") == {"Gamma"}
    assert await _matching(client, world, "tags.`mlflow.runName` LIKE '%a'") == {
        "alpha",
        "beta",
        "Gamma",
        "delta",
    }
    # delta's description wins; alpha has none, so its stored tag shows
    assert await _matching(client, world, "tags.mlflow.note.content = 'notes here'") == {"delta"}
    assert await _matching(client, world, "tags.mlflow.note.content = 'old'") == {"alpha"}
    assert await _matching(client, world, "tags.mlflow.note.content IS NULL") == {"beta"}
    assert await _matching(client, world, "tags.mlflow.source.git.commit = 'abc1234'") == {"delta"}


async def test_attribute_filters(client, world):
    assert await _matching(client, world, "attributes.status = 'FINISHED'") == {"alpha"}
    assert await _matching(client, world, "status != 'FINISHED'") == {"beta", "Gamma", "delta"}
    assert await _matching(client, world, "attr.status IN ('FAILED', 'SCHEDULED')") == {
        "beta",
        "delta",
    }
    assert await _matching(client, world, "run.status NOT IN ('FAILED')") == {
        "alpha",
        "Gamma",
        "delta",
    }
    assert await _matching(client, world, "attribute.status LIKE 'RUN%'") == {"Gamma"}
    assert await _matching(client, world, "attributes.run_name = 'alpha'") == {"alpha"}
    assert await _matching(client, world, "run_name LIKE 'g%'") == set()
    assert await _matching(client, world, "run_name ILIKE 'g%'") == {"Gamma"}
    assert await _matching(client, world, "`run name` = 'beta'") == {"beta"}
    alpha, beta = world.ids("alpha", "beta")
    assert await _matching(client, world, f"attributes.run_id = '{alpha}'") == {"alpha"}
    assert await _matching(client, world, f"run_id IN ('{alpha}', '{beta}', 'nope')") == {
        "alpha",
        "beta",
    }
    assert await _matching(client, world, f"run_id NOT IN ('{alpha}')") == {
        "beta",
        "Gamma",
        "delta",
    }
    assert await _matching(client, world, f"run_id LIKE '{alpha[:8]}%'") == {"alpha"}
    assert await _matching(client, world, "attributes.user_id = 'owner@example.test'") == {
        "alpha",
        "beta",
        "Gamma",
        "delta",
    }
    assert await _matching(client, world, "user_id = 'OWNER@example.test'") == set()
    uri = f"mlflow-artifacts:/{world.hypothesis.id}/{alpha}/artifacts"
    assert await _matching(client, world, f"attributes.artifact_uri = '{uri}'") == {"alpha"}
    assert await _matching(client, world, "artifact_uri LIKE '%/artifacts'") == {
        "alpha",
        "beta",
        "Gamma",
        "delta",
    }
    assert await _matching(client, world, "datasets.name = 'train'") == set()


async def test_time_filters_in_epoch_milliseconds(client, world):
    runs = {r["info"]["run_name"]: r["info"] for r in (await _runs(client, world))}
    start = runs["alpha"]["start_time"]  # T0 + 1.5 ms, shown as T0 + 1 ms
    assert start == int(T0.timestamp() * 1000) + 1
    assert await _matching(client, world, f"attributes.start_time = {start}") == {"alpha"}
    assert await _matching(client, world, f"start_time <= {start}") == {"alpha"}
    assert await _matching(client, world, f"start_time < {start}") == set()
    assert "alpha" not in await _matching(client, world, f"start_time > {start}")
    assert "alpha" in await _matching(client, world, f"created >= {start}")
    assert "alpha" not in await _matching(client, world, f"start_time != {start}")
    assert await _matching(client, world, f"start_time = {start}.5") == set()
    day = 86_400_000
    beta = start - 1 + day
    assert await _matching(client, world, f"start_time >= {beta} AND end_time > 0") == {"beta"}
    assert await _matching(client, world, f"end_time < {beta}") == {"alpha"}
    # runs without an end time match no end_time comparison
    assert await _matching(client, world, "end_time != 0") == {"alpha", "beta"}


async def test_and_combines_and_keywords_ignore_case(client, world):
    assert await _matching(
        client, world, "metrics.acc > 0.8 and params.lr = '0.1' AND tags.team LIKE 'v%'"
    ) == {"beta"}
    assert await _matching(client, world, "metrics.acc > 0.8 AnD status = 'FAILED'") == {"beta"}


async def _runs(client: httpx.AsyncClient, world: World, **body: Any) -> list[dict[str, Any]]:
    answer = await _search(
        client, world.token, {"experiment_ids": [str(world.hypothesis.id)], **body}
    )
    runs: list[dict[str, Any]] = answer.get("runs", [])
    return runs


async def test_order_by(client, world):
    # newest start first by default (delta was created after the others' start times)
    assert await _names(client, world) == ["delta", "Gamma", "beta", "alpha"]
    assert await _names(client, world, order_by=["attributes.start_time ASC"]) == [
        "alpha",
        "beta",
        "Gamma",
        "delta",
    ]
    # runs without the metric last either way; a NaN after the numbers
    assert await _names(client, world, order_by=["metrics.loss"]) == [
        "alpha",
        "Gamma",
        "beta",
        "delta",
    ]
    assert await _names(client, world, order_by=["metrics.loss DESC"]) == [
        "Gamma",
        "alpha",
        "beta",
        "delta",
    ]
    assert await _names(client, world, order_by=["metrics.`acc` desc"]) == [
        "alpha",
        "beta",
        "delta",
        "Gamma",
    ]
    assert await _names(client, world, order_by=["params.lr", "run_name DESC"]) == [
        "Gamma",
        "beta",
        "alpha",
        "delta",
    ]
    assert await _names(client, world, order_by=["tags.`mlflow.note.content`"]) == [
        "delta",
        "alpha",
        "Gamma",
        "beta",
    ]
    assert await _names(client, world, order_by=["tags.team DESC"]) == [
        "beta",
        "alpha",
        "delta",
        "Gamma",
    ]
    # code-point order: upper case first
    assert await _names(client, world, order_by=["attributes.run_name"]) == [
        "Gamma",
        "alpha",
        "beta",
        "delta",
    ]
    assert await _names(client, world, order_by=["status", "run_name"]) == [
        "beta",
        "alpha",
        "Gamma",
        "delta",
    ]
    assert await _names(client, world, order_by=["end_time DESC"]) == [
        "beta",
        "alpha",
        "delta",
        "Gamma",
    ]
    ids = sorted(world.ids("alpha", "beta", "gamma", "delta"))
    by_id = await _runs(client, world, order_by=["attributes.run_id"])
    assert [run["info"]["run_id"] for run in by_id] == ids


async def test_paging_returns_every_run_once(client, services, world):
    for number in range(21):
        await create_experiment(services, world.owner, world.hypothesis, name=f"run {number}")
    everything = await _runs(client, world, order_by=["run_name"])
    assert len(everything) == 25
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        body: dict[str, Any] = {"max_results": 7, "order_by": ["run_name"]}
        if token:
            body["page_token"] = token
        answer = await _search(
            client, world.token, {"experiment_ids": [str(world.hypothesis.id)], **body}
        )
        seen += [run["info"]["run_id"] for run in answer["runs"]]
        pages += 1
        token = answer.get("next_page_token")
        if token is None:
            break
    assert pages == 4
    assert seen == [run["info"]["run_id"] for run in everything]
    # the default page is 1,000 runs; an exact last page has no token
    exact = await _search(
        client,
        world.token,
        {"experiment_ids": [str(world.hypothesis.id)], "max_results": 25},
    )
    assert len(exact["runs"]) == 25 and "next_page_token" not in exact


async def test_view_types(client, services, world):
    async with services.db.unit_of_work() as session:
        await session.execute(
            insert(mlflow_deleted_runs).values(experiment_id=world.runs["beta"].id, deleted_at=T0)
        )
    assert await _matching(client, world, "") == {"alpha", "Gamma", "delta"}
    deleted = await _runs(client, world, run_view_type="DELETED_ONLY")
    assert [run["info"]["run_name"] for run in deleted] == ["beta"]
    assert deleted[0]["info"]["lifecycle_stage"] == "deleted"
    assert len(await _runs(client, world, run_view_type="ALL")) == 4
    assert len(await _runs(client, world, run_view_type=3)) == 4


async def test_several_experiments_and_the_default(client, services, world):
    other = await create_hypothesis(services, world.owner, title="other")
    await create_experiment(services, world.owner, other, name="elsewhere")
    both = {"experiment_ids": [str(world.hypothesis.id), str(other.id)]}
    names = {run["info"]["run_name"] for run in (await _search(client, world.token, both))["runs"]}
    assert names == {"alpha", "beta", "Gamma", "delta", "elsewhere"}
    # experiment "0" is the caller's Default hypothesis, which a search does not create
    assert await _search(client, world.token, {"experiment_ids": ["0"]}) == {}
    assert await _search(client, world.token, {"experiment_ids": []}) == {}
    assert await _search(client, world.token, {"experiment_ids": ["not-an-id"]}) == {}


async def test_visibility(client, services, make_user, world):
    hypothesis = [str(world.hypothesis.id)]
    stranger, stranger_token = await make_user(Role.DS)
    observer, observer_token = await make_user(Role.DS)
    _, curator_token = await make_user(Role.CURATOR)
    async with services.db.unit_of_work() as session:
        await update_hypothesis(
            session,
            actor=world.owner,
            hypothesis_id=world.hypothesis.id,
            data=HypothesisUpdate(observer_ids=[observer.id]),
        )
    body = {"experiment_ids": hypothesis}
    assert await _search(client, stranger_token, body) == {}
    assert len((await _search(client, observer_token, body))["runs"]) == 4
    assert len((await _search(client, curator_token, body))["runs"]) == 4
    # the stranger's own hypothesis is theirs alone
    own = await create_hypothesis(services, stranger, title="mine")
    await create_experiment(services, stranger, own, name="private")
    assert await _search(client, world.token, {"experiment_ids": [str(own.id)]}) == {}
    mine = await _search(client, stranger_token, {"experiment_ids": [str(own.id)]})
    assert [run["info"]["run_name"] for run in mine["runs"]] == ["private"]


async def test_answer_is_what_the_mlflow_client_reads(client, world):
    """The request as ``RestStore.search_runs`` encodes it, the answer as it decodes it."""
    request = SearchRuns(
        experiment_ids=[str(world.hypothesis.id)],
        filter="attributes.status != 'FINISHED'",
        run_view_type=ViewType.to_proto(ViewType.ACTIVE_ONLY),
        max_results=2,
        order_by=["attributes.start_time DESC"],
    )
    answer = await _search(client, world.token, orjson.loads(message_to_json(request)))
    message = SearchRuns.Response()
    parse_dict(answer, message)
    runs = [Run.from_proto(run) for run in message.runs]
    assert [run.info.run_name for run in runs] == ["delta", "Gamma"]
    assert runs[1].data.metrics == {"loss": 0.3}
    assert runs[1].data.params["lr"] == "0.01"
    assert message.next_page_token


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        ({"filter": "metrics.acc > 'high'"}, "numeric"),
        ({"filter": "params.lr = 0.1"}, "quoted string"),
        ({"filter": "metrics.acc > 1 OR metrics.acc < 0"}, "AND"),
        ({"filter": "metrics.acc LIKE '1%'"}, "comparator"),
        ({"filter": "foo.bar = 'x'"}, "entity"),
        ({"filter": "attributes.colour = 'red'"}, "attribute key"),
        ({"filter": "metrics.val-loss > 1"}, "position"),
        ({"filter": "tags.t IN ('a')"}, "comparator"),
        ({"filter": "metrics.acc IS NULL"}, "IS NULL"),
        ({"filter": "params.x = 'unclosed"}, "closing quote"),
        ({"order_by": ["metrics.acc sideways"]}, "ASC or DESC"),
        ({"order_by": ["metrics.acc", "metrics.acc DESC"]}, "twice"),
        ({"max_results": 50001}, "max_results"),
        ({"max_results": 0}, "max_results"),
        ({"page_token": "bm90IGpzb24="}, "page token"),
        ({"run_view_type": "SOME"}, "run_view_type"),
    ],
)
async def test_bad_requests_are_invalid_parameter_values(client, world, body, mentions):
    answer = await _search(
        client, world.token, {"experiment_ids": [str(world.hypothesis.id)], **body}, status=400
    )
    assert answer["error_code"] == "INVALID_PARAMETER_VALUE"
    assert mentions in answer["message"]


# --- experiments/search ---


async def _experiments(
    client: httpx.AsyncClient, token: str, body: dict[str, Any], status: int = 200
) -> dict[str, Any]:
    response = await client.post(EXPERIMENTS, json=body, headers=bearer(token))
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _titles(answer: dict[str, Any]) -> list[str]:
    return [experiment["name"] for experiment in answer.get("experiments", [])]


@pytest.fixture
async def hypotheses(services: Services, make_user: Any) -> tuple[str, list[Hypothesis]]:
    owner, token = await make_user(Role.DS)
    stranger, _ = await make_user(Role.DS)
    rows = [
        await create_hypothesis(services, owner, title=title)
        for title in ("Alpha", "alpha beta", "Gamma")
    ]
    async with services.db.unit_of_work() as session:
        for number, row in enumerate(rows):
            await session.execute(
                update(Hypothesis)
                .where(Hypothesis.id == row.id)
                .values(created_at=T0 + timedelta(days=number))
            )
    await create_hypothesis(services, stranger, title="hidden")
    return token, rows


async def test_experiments_filter_and_order(client, hypotheses):
    token, rows = hypotheses
    assert _titles(await _experiments(client, token, {})) == ["Gamma", "alpha beta", "Alpha"]
    assert _titles(await _experiments(client, token, {"filter": "name = 'Alpha'"})) == ["Alpha"]
    assert _titles(await _experiments(client, token, {"filter": "name LIKE 'al%'"})) == [
        "alpha beta"
    ]
    assert _titles(await _experiments(client, token, {"filter": "name ILIKE 'al%'"})) == [
        "alpha beta",
        "Alpha",
    ]
    assert _titles(await _experiments(client, token, {"filter": "attribute.name != 'Gamma'"})) == [
        "alpha beta",
        "Alpha",
    ]
    day1 = int((T0 + timedelta(days=1)).timestamp() * 1000)
    assert _titles(await _experiments(client, token, {"filter": f"creation_time >= {day1}"})) == [
        "Gamma",
        "alpha beta",
    ]
    assert _titles(
        await _experiments(client, token, {"filter": f"attributes.last_update_time < {day1}"})
    ) == ["Alpha"]
    ids = f"('{rows[0].id}', '{rows[2].id}')"
    assert _titles(await _experiments(client, token, {"filter": f"experiment_id IN {ids}"})) == [
        "Gamma",
        "Alpha",
    ]
    assert _titles(await _experiments(client, token, {"filter": "tags.x = 'y'"})) == []
    assert len(_titles(await _experiments(client, token, {"filter": "tags.x IS NULL"}))) == 3
    assert _titles(await _experiments(client, token, {"order_by": ["name"]})) == [
        "Alpha",
        "Gamma",
        "alpha beta",
    ]
    assert _titles(await _experiments(client, token, {"order_by": ["name DESC"]})) == [
        "alpha beta",
        "Gamma",
        "Alpha",
    ]
    assert _titles(await _experiments(client, token, {"view_type": "DELETED_ONLY"})) == []
    assert len(_titles(await _experiments(client, token, {"view_type": "ALL"}))) == 3


async def test_experiments_paging_and_get(client, hypotheses):
    token, _ = hypotheses
    first = await _experiments(client, token, {"max_results": 2})
    assert _titles(first) == ["Gamma", "alpha beta"]
    second = await _experiments(
        client, token, {"max_results": 2, "page_token": first["next_page_token"]}
    )
    assert _titles(second) == ["Alpha"] and "next_page_token" not in second
    request = SearchExperiments(view_type=ViewType.ALL, max_results=1, order_by=["name DESC"])
    encoded = await _experiments(client, token, orjson.loads(message_to_json(request)))
    assert _titles(encoded) == ["alpha beta"] and encoded["next_page_token"]
    response = await client.get(
        EXPERIMENTS,
        params={"max_results": "1", "order_by": "name", "filter": "name LIKE '%a'"},
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    assert _titles(response.json()) == ["Alpha"]
    message = SearchExperiments.Response()
    parse_dict(first, message)
    experiments = [MlflowExperiment.from_proto(e) for e in message.experiments]
    assert [e.name for e in experiments] == ["Gamma", "alpha beta"]


async def test_experiments_visibility(client, hypotheses, make_user):
    _, curator_token = await make_user(Role.CURATOR)
    token, _ = hypotheses
    assert "hidden" not in _titles(await _experiments(client, token, {}))
    assert "hidden" in _titles(await _experiments(client, curator_token, {}))


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        ({"filter": "metrics.x > 1"}, "entity"),
        ({"filter": "name IN ('a')"}, "IN"),
        ({"filter": "creation_time > 1.5"}, "integer"),
        ({"filter": "experiment_id LIKE 'a%'"}, "comparator"),
        ({"order_by": ["tags.x"]}, "order"),
        ({"max_results": -1}, "max_results"),
    ],
)
async def test_experiments_bad_requests(client, hypotheses, body, mentions):
    token, _ = hypotheses
    answer = await _experiments(client, token, body, status=400)
    assert answer["error_code"] == "INVALID_PARAMETER_VALUE"
    assert mentions in answer["message"]


ODD_PARAMS: dict[str, Any] = {
    "f1": 0.1,
    "f2": 1.0,
    "f3": 1e-5,
    "f4": 1.5e-5,
    "f5": 5e-6,
    "f6": -1.2e-5,
    "f7": -3e-9,
    "f8": 0.30000000000000004,
    "f9": 1e15,
    "f10": 1.5e16,
    "f11": 1e-300,
    "f12": 123456.789,
    "f13": 0.0,
    "f14": 1e-4,
    "i1": 0,
    "i2": -7,
    "i3": 2**53 + 1,
    "b": False,
    "n": None,
    "s1": "adam",
    "s2": "h\u00e9llo w\u00f6rld",
    "s3": "",
    "s4": "it's",
    "l1": [64, 32],
    "l2": [True, None, 1.5],
    "l3": ["a", "b c"],
    "l4": [],
    "empty": {},
    "nested": {"deep": {"x": 1, "y": "z"}},
    "a.b": "dotted top",
}


async def test_every_param_is_found_by_its_rendered_text(client, services, world):
    """Whatever a run shows as a param, ``params.<key> = '<text>'`` finds it."""
    run = await create_experiment(
        services, world.owner, world.hypothesis, name="odd", hyperparams=ODD_PARAMS
    )
    found = await _runs(client, world, filter=f"run_id = '{run.id}'")
    params = {p["key"]: p["value"] for p in found[0]["data"]["params"]}
    assert {"f1", "nested.deep.x", "nested.deep.y", "a.b", "empty", "l4"} <= set(params)
    for key, text in params.items():
        quote = '"' if "'" in text else "'"
        same = f"run_id = '{run.id}' AND params.`{key}` = {quote}{text}{quote}"
        assert await _names(client, world, same) == ["odd"], (key, text)
        other = f"run_id = '{run.id}' AND params.`{key}` != {quote}{text}{quote}"
        assert await _names(client, world, other) == [], (key, text)
        assert await _names(client, world, f"run_id = '{run.id}' AND params.`{key}` IS NULL") == []
