"""A page of experiments and a comparison cost the same number of SQL statements for 5
experiments as for 50: every field an Experiment resolves to goes through a loader.

Statements are counted with a ``before_cursor_execute`` hook on every engine of the app
(on SQLite the writer ``engine`` and the ``read_engine``; SQLite's ``BEGIN`` of each read
session is counted too). Each query runs once untimed first, so caches (the token cache)
are warm in both counts; the kept series answers (``app.metrics.batched.ANSWERS``) are
dropped before counting, so the series are read in both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from graphql import build_schema, get_named_type, is_leaf_type

from app.logs import service as logs
from app.logs.schemas import LogLineData
from app.metrics.batched import ANSWERS
from app.models.enums import LogLevel, Role
from app.resources import actions
from schema.export import sdl
from tests.builders import create_hypothesis, create_running
from tests.compare.helpers import columns, count_statements, ingest, merged
from tests.graphql import ok

EXPERIMENTS = 50
LONG_KEYS = ("loss", "acc")  # 200 points each: downsampled reads use rollups and raw edges
SHORT_KEYS = tuple(f"m{n}" for n in range(8))  # 3 points each: 10 metrics in all

# How each object field of Experiment is selected; leaves are selected by name. A new
# object field must be added here (the test below says so), so it is counted too.
OBJECT_FIELDS = {
    "hypothesis": "{ id title owner { id name email role } teamLead { id name } "
    "observers { id name } }",
    "owner": "{ id name email role }",
    "resources": "{ gpuType gpuCount cpuCores memoryGb maxDurationMinutes }",
    "progress": "{ step totalSteps epoch totalEpochs fraction etaSeconds }",
    "git": "{ repoUrl commit branch url }",
    "failure": "{ reason message }",
    "metricSummaries": "{ key last lastStep min max count }",
    "metric": '(key: "loss", maxPoints: 20) { key totalPoints downsampled '
    "points { step value timestamp } }",
    "logs": "(first: 5) { lines { seq timestamp level message source } nextAfter hasMore }",
    # delivered by later work, through their own loaders
    "artifacts": "{ id name kind sizeBytes sha256 contentType createdAt downloadUrl }",
    "reservation": "{ pool gpuCount reservedAt expiresAt releasedAt }",
    "cost": "{ gpu api total currency }",
    "mlflow": "{ experimentId runId url }",
    "wandb": "{ runPath url pendingPoints }",
    "parent": "{ id name status }",
    "queue": "{ pool position since estimatedStartAt }",
    "children": "(first: 2) { totalCount pageInfo { hasNextPage endCursor } "
    "edges { cursor node { id name status } } }",
    "apiCosts": "(first: 2) { totalCount pageInfo { hasNextPage endCursor } "
    "edges { cursor node { id amount description createdAt addedBy { id name } } } }",
}


def experiment_selection() -> str:
    """Every field of Experiment in the exported schema."""
    experiment = build_schema(sdl()).type_map["Experiment"]
    parts = []
    for name, definition in experiment.fields.items():  # type: ignore[attr-defined]
        if is_leaf_type(get_named_type(definition.type)):
            parts.append(name)
        else:
            assert name in OBJECT_FIELDS, f"add a selection of Experiment.{name} to this test"
            parts.append(f"{name} {OBJECT_FIELDS[name]}")
    return " ".join(parts)


def list_query() -> str:
    return f"""query($first: Int!) {{
      experiments(first: $first) {{
        totalCount pageInfo {{ hasNextPage endCursor }}
        edges {{ cursor node {{ {experiment_selection()} }} }}
      }}
    }}"""


COMPARE = """
query($ids: [ID!]!, $baseline: ID) {
  compareExperiments(ids: $ids, baselineId: $baseline) {
    experiments {
      id name status owner { name } metricKeys
      hypothesis { title owner { name } teamLead { name } observers { name } }
    }
    baselineId
    params { key values differs differsFromBaseline }
    metrics { key goal bestExperimentId
      cells { experimentId last min max best deltaVsBaseline deltaPercent } }
    loss: series(key: "loss", maxPoints: 20) {
      experimentId series { totalPoints downsampled points { step value timestamp } }
    }
    acc: series(key: "acc", maxPoints: 20) {
      experimentId series { totalPoints downsampled points { step value timestamp } }
    }
  }
}
"""


async def add_logs(services, actor, experiment_id) -> None:
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    lines = [LogLineData(LogLevel.INFO, f"line {n}", "stdout", stamp) for n in range(7)]
    async with services.db.unit_of_work() as session:
        await logs.append_lines(session, actor=actor, experiment_id=experiment_id, lines=lines)


async def add_api_costs(services, actor, experiment_id) -> None:
    for n in range(3):
        async with services.db.unit_of_work() as session:
            await actions.add_api_cost(
                session, actor=actor, experiment_id=experiment_id, amount=1.0 + n, description="x"
            )


@pytest.fixture
async def fifty(services, make_user) -> dict[str, Any]:
    """50 RUNNING experiments of two owners under two hypotheses (one with a team lead
    and observers), each with 10 metrics, 7 log lines and 3 API costs."""
    ann, ann_token = await make_user(Role.DS, name="ann")
    bob, _ = await make_user(Role.DS, name="bob")
    lead, _ = await make_user(Role.TL, name="lead")
    first = await create_hypothesis(services, ann, team_lead=lead, observers=[bob])
    second = await create_hypothesis(services, ann, title="second")
    ids = []
    for n in range(EXPERIMENTS):
        owner, hypothesis = (bob, first) if n % 3 == 0 else (ann, (first, second)[n % 2])
        hyperparams = {"optimizer": {"lr": 0.1 * (1 + n % 4)}, "layers": [n % 2, 2]}
        experiment = await create_running(
            services, owner, hypothesis, name=f"e{n}", hyperparams=hyperparams
        )
        steps = list(range(200))
        batch = merged(
            *(columns(key, steps, [((s * 31 + n) % 97) / 97 for s in steps]) for key in LONG_KEYS),
            *(columns(key, [0, 1, 2], [1.0 + n, 2.0, 0.5]) for key in SHORT_KEYS),
        )
        await ingest(services, owner, experiment.id, batch)
        await add_logs(services, owner, experiment.id)
        await add_api_costs(services, owner, experiment.id)
        ids.append(str(experiment.id))
    return {"token": ann_token, "ids": ids}


async def counted(
    services, client, query: str, variables: dict[str, Any], token: str
) -> tuple[int, int]:
    """(all statements, reads) of one run of the query."""
    await ok(client, query, variables, token=token)  # warm-up: same caches for both counts
    ANSWERS.clear()  # but the series are read: kept answers would make every count smaller
    with count_statements(services) as counter:
        data = await ok(client, query, variables, token=token)
    assert data
    return counter.count, counter.selects()


async def test_a_page_of_experiments_costs_the_same_for_5_and_50(services, client, fifty):
    query = list_query()
    token = fifty["token"]
    small = await counted(services, client, query, {"first": 5}, token)
    large = await counted(services, client, query, {"first": EXPERIMENTS}, token)
    page = await ok(client, query, {"first": EXPERIMENTS}, token=token)
    nodes = [edge["node"] for edge in page["experiments"]["edges"]]
    assert len(nodes) == EXPERIMENTS
    assert all(len(node["metricSummaries"]) == 10 for node in nodes)
    assert all(node["metric"]["downsampled"] for node in nodes)
    assert all(len(node["logs"]["lines"]) == 5 and node["logs"]["hasMore"] for node in nodes)
    costs = [node["apiCosts"] for node in nodes]
    assert all(c["totalCount"] == 3 and c["pageInfo"]["hasNextPage"] for c in costs)
    assert all([e["node"]["amount"] for e in c["edges"]] == [3.0, 2.0] for c in costs)
    print(f"\nexperiments(first: 5 / {EXPERIMENTS}), every field: {small} / {large} (all, reads)")
    assert small == large
    # 12, one each for Experiment.mlflow and Experiment.wandb, two for Experiment.apiCosts
    # and two for Experiment.children (counts, then the page); the counter sees them
    assert 4 <= large[1] <= 18


async def test_a_comparison_costs_the_same_for_5_and_50(services, client, fifty):
    token, ids = fifty["token"], fifty["ids"]
    small = await counted(services, client, COMPARE, {"ids": ids[:5], "baseline": ids[0]}, token)
    large = await counted(services, client, COMPARE, {"ids": ids, "baseline": ids[0]}, token)
    data = await ok(client, COMPARE, {"ids": ids, "baseline": ids[0]}, token=token)
    result = data["compareExperiments"]
    assert len(result["metrics"]) == 10 and all(len(r["cells"]) == 50 for r in result["metrics"])
    assert all(s["series"]["downsampled"] for s in result["loss"] + result["acc"])
    print(f"\ncompareExperiments of 5 / {EXPERIMENTS} x 10 metrics, 2 series: {small} / {large}")
    assert small == large
    assert 4 <= large[1] <= 9
