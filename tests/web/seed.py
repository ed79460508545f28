"""Data for the browser tests, made through the GraphQL API: a data scientist, two
hypotheses and experiments in every status, with progress and costs. (The screenshots use
``expsvc demo``'s seed instead: ``scripts/screenshots.py``.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.web.server import Api

CREATE_USER = """
mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id name } token } }
"""
CREATE_HYPOTHESIS = """
mutation ($title: String!) { createHypothesis(input: { title: $title }) { id } }
"""
CREATE_EXPERIMENT = """
mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }
"""
START = "mutation ($id: ID!) { startExperiment(id: $id) { id } }"
COMPLETE = "mutation ($id: ID!) { completeExperiment(id: $id) { id } }"
FAIL = 'mutation ($id: ID!) { failExperiment(id: $id, reason: OOM, message: "CUDA OOM") { id } }'
STOP = 'mutation ($id: ID!) { stopExperiment(id: $id, message: "superseded") { id } }'
PROGRESS = """
mutation ($id: ID!, $step: BigInt!, $total: BigInt!) {
  reportProgress(experimentId: $id, progress: { step: $step, totalSteps: $total }) { id }
}
"""
API_COST = """
mutation ($id: ID!, $amount: Float!) {
  addApiCost(experimentId: $id, amount: $amount, description: "judge calls") { id }
}
"""


@dataclass(frozen=True)
class Run:
    name: str
    status: str
    type: str = "ML"
    model: str = "xgboost"
    framework: str = "sklearn"
    tags: tuple[str, ...] = ()
    api_cost: float = 0.0
    progress: tuple[int, int] | None = None
    hypothesis: int = 0


# Created in this order (the newest is the last); names sort differently from creation
RUNS = (
    Run("baseline-lr-3e-4", "COMPLETED", tags=("baseline",), api_cost=12.5),
    Run("lr-1e-4", "RUNNING", progress=(1200, 10000), api_cost=3.25),
    Run("lr-3e-5", "FAILED", tags=("sweep",)),
    Run("warmup-ablation", "QUEUED", hypothesis=1),
    Run("cosine-schedule", "STOPPED", tags=("sweep",), api_cost=0.75, hypothesis=1),
    Run(
        "llama-sft-judge",
        "RUNNING",
        type="LLM",
        model="llama-3-8b",
        framework="pytorch",
        api_cost=41.0,
        progress=(350, 1000),
    ),
)


@dataclass
class Seeded:
    user: Api
    user_name: str
    hypotheses: list[str]
    ids: dict[str, str] = field(default_factory=dict)


def seed(admin: Api, user_name: str = "Dana Scientist") -> Seeded:
    """A DS user owning ``RUNS``; returns its API and the experiments' ids by name."""
    created = admin.gql(
        CREATE_USER,
        input={"name": user_name, "email": "dana@example.test", "role": "DS"},
    )["createUser"]
    user = admin.as_user(created["token"])
    hypotheses = [
        user.gql(CREATE_HYPOTHESIS, title=title)["createHypothesis"]["id"]
        for title in ("Lower learning rates generalise better", "Warm-up stabilises training")
    ]
    seeded = Seeded(user, user_name, hypotheses)
    for run in RUNS:
        seeded.ids[run.name] = _create(user, hypotheses[run.hypothesis], run)
    return seeded


def _create(user: Api, hypothesis_id: str, run: Run) -> str:
    experiment: dict[str, Any] = {
        "hypothesisId": hypothesis_id,
        "name": run.name,
        "type": run.type,
        "model": run.model,
        "framework": run.framework,
        "tags": list(run.tags),
    }
    ident: str = user.gql(CREATE_EXPERIMENT, input=experiment)["createExperiment"]["id"]
    if run.status == "QUEUED":
        return ident
    user.gql(START, id=ident)
    if run.progress:
        step, total = run.progress
        user.gql(PROGRESS, id=ident, step=step, total=total)
    if run.api_cost:
        user.gql(API_COST, id=ident, amount=run.api_cost)
    follow_up = {"COMPLETED": COMPLETE, "FAILED": FAIL, "STOPPED": STOP}.get(run.status)
    if follow_up:
        user.gql(follow_up, id=ident)
    return ident
