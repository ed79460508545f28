"""What a caller may do to an experiment (GraphQL ``Experiment.allowedActions``, REST
``allowed_actions``): written out by hand per role and status, then held to what the use
cases do — every listed action is accepted and every other one refused, on a fresh
experiment of that status; and the GPU queue's actions on a run waiting in the queue."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.models import Experiment, Hypothesis, User
from app.models.enums import Role
from app.resources import starting
from app.services import Services
from tests.artifacts.helpers import rest_upload
from tests.builders import create_experiment, create_hypothesis, move
from tests.graphql import error_codes, gql, ok
from tests.resources.helpers import add_pool, gpu_experiment
from tests.rest.helpers import API, bearer

STATUSES = ("QUEUED", "RUNNING", "COMPLETED", "FAILED", "STOPPED")
# The moves that bring a fresh (QUEUED) experiment to each status
PATH_TO: dict[str, tuple[str, ...]] = {
    "QUEUED": (),
    "RUNNING": ("start",),
    "COMPLETED": ("start", "complete"),
    "FAILED": ("start", "fail"),
    "STOPPED": ("start", "stop"),
}

# For a caller who may act on the experiment
WHEN_ACTING: dict[str, list[str]] = {
    "QUEUED": ["START", "STOP", "UPDATE", "UPLOAD_ARTIFACT", "ADD_API_COST", "SET_PRIORITY"],
    "RUNNING": ["COMPLETE", "FAIL", "STOP", "UPLOAD_ARTIFACT", "ADD_API_COST"],
    "COMPLETED": ["UPLOAD_ARTIFACT", "ADD_API_COST"],
    "FAILED": ["UPLOAD_ARTIFACT", "ADD_API_COST"],
    "STOPPED": ["UPLOAD_ARTIFACT", "ADD_API_COST"],
}
NOTHING: dict[str, list[str]] = {status: [] for status in STATUSES}

# Every caller reads the experiment (owned by ``owner``, under a hypothesis owned by
# ``hypothesis_owner``, led by ``lead``, observed by ``observer`` and ``other_lead``)
EXPECTED: dict[str, dict[str, list[str]]] = {
    "owner": WHEN_ACTING,  # DS, its owner
    "lead": WHEN_ACTING,  # TL leading the hypothesis
    "curator": WHEN_ACTING,
    "admin": WHEN_ACTING,
    "hypothesis_owner": NOTHING,  # DS owning the hypothesis, not the experiment
    "observer": NOTHING,  # DS observing the hypothesis
    "other_lead": NOTHING,  # TL observing it, leading another
}

Q_ALLOWED = "query($id: ID!) { experiment(id: $id) { status allowedActions } }"


@pytest.fixture
async def people(services: Services, make_user: Any) -> dict[str, tuple[User, str]]:
    return {
        "owner": await make_user(Role.DS),
        "lead": await make_user(Role.TL),
        "curator": await make_user(Role.CURATOR),
        "admin": await make_user(Role.ADMIN),
        "hypothesis_owner": await make_user(Role.DS),
        "observer": await make_user(Role.DS),
        "other_lead": await make_user(Role.TL),
    }


async def _team_hypothesis(
    services: Services, people: dict[str, tuple[User, str]], name: str
) -> Hypothesis:
    """A hypothesis of ``hypothesis_owner`` led by ``lead``, observed by the owner of its
    experiments, ``observer`` and ``other_lead``."""
    return await create_hypothesis(
        services,
        people["hypothesis_owner"][0],
        title=f"H {name}",
        team_lead=people["lead"][0],
        observers=[people["owner"][0], people["observer"][0], people["other_lead"][0]],
    )


async def _experiment_in(
    services: Services, people: dict[str, tuple[User, str]], status: str, name: str = "e"
) -> Experiment:
    owner = people["owner"][0]
    hypothesis = await _team_hypothesis(services, people, name)
    experiment = await create_experiment(services, owner, hypothesis, name=name)
    for step in PATH_TO[status]:
        experiment = await move(services, owner, experiment, step)
    return experiment


async def test_each_role_and_status_over_graphql_and_rest(
    services: Services, client: httpx.AsyncClient, people: dict[str, tuple[User, str]]
) -> None:
    experiments = {status: await _experiment_in(services, people, status) for status in STATUSES}
    got_graphql: dict[str, dict[str, list[str]]] = {}
    got_rest: dict[str, dict[str, list[str]]] = {}
    for caller, (_, token) in people.items():
        got_graphql[caller], got_rest[caller] = {}, {}
        for status, experiment in experiments.items():
            data = await ok(client, Q_ALLOWED, {"id": str(experiment.id)}, token=token)
            assert data["experiment"]["status"] == status
            got_graphql[caller][status] = data["experiment"]["allowedActions"]
            answer = await client.get(f"{API}/experiments/{experiment.id}", headers=bearer(token))
            assert answer.status_code == 200, answer.text
            got_rest[caller][status] = answer.json()["allowed_actions"]
    assert got_graphql == EXPECTED
    assert got_rest == EXPECTED


async def test_lists_carry_them_per_experiment(
    services: Services, client: httpx.AsyncClient, people: dict[str, tuple[User, str]]
) -> None:
    queued = await _experiment_in(services, people, "QUEUED", "queued")
    running = await _experiment_in(services, people, "RUNNING", "running")
    want = {str(queued.id): WHEN_ACTING["QUEUED"], str(running.id): WHEN_ACTING["RUNNING"]}
    for caller in ("owner", "observer"):
        token = people[caller][1]
        expected = want if caller == "owner" else {key: [] for key in want}
        data = await ok(
            client, "{ experiments { edges { node { id allowedActions } } } }", token=token
        )
        nodes = data["experiments"]["edges"]
        assert {n["node"]["id"]: n["node"]["allowedActions"] for n in nodes} == expected
        answer = await client.get(f"{API}/experiments", headers=bearer(token))
        items = answer.json()["items"]
        assert {item["id"]: item["allowed_actions"] for item in items} == expected


MUTATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "START": ("mutation($id: ID!) { startExperiment(id: $id) { status } }", {}),
    "COMPLETE": ("mutation($id: ID!) { completeExperiment(id: $id) { status } }", {}),
    "FAIL": (
        "mutation($id: ID!) { failExperiment(id: $id, reason: USER_ERROR) { status } }",
        {},
    ),
    "STOP": ("mutation($id: ID!) { stopExperiment(id: $id) { status } }", {}),
    "UPDATE": (
        'mutation($id: ID!) { updateExperiment(id: $id, input: {name: "x"}) { name } }',
        {},
    ),
    "ADD_API_COST": (
        "mutation($id: ID!) { addApiCost(experimentId: $id, amount: 1.5, "
        'description: "judge") { cost { api } } }',
        {},
    ),
    "DEQUEUE": ("mutation($id: ID!) { dequeueExperiment(id: $id) { status } }", {}),
    "SET_PRIORITY": (
        "mutation($id: ID!) { setExperimentPriority(id: $id, priority: -5) { priority } }",
        {},
    ),
}


async def _attempt(
    client: httpx.AsyncClient, token: str, experiment: Experiment, action: str
) -> str:
    """Do ``action``: ``ok`` or the refusal's code."""
    if action == "UPLOAD_ARTIFACT":
        answer = await rest_upload(client, token, experiment.id, b"weights", kind="MODEL")
        if answer.status_code == 201:
            return "ok"
        return str(answer.json()["error"]["code"])
    document, _ = MUTATIONS[action]
    body = await gql(client, document, {"id": str(experiment.id)}, token=token)
    return ",".join(str(code) for code in error_codes(body)) or "ok"


@pytest.mark.parametrize("caller", ["owner", "lead", "observer"])
async def test_listed_actions_are_accepted_and_the_others_refused(
    services: Services,
    client: httpx.AsyncClient,
    people: dict[str, tuple[User, str]],
    caller: str,
) -> None:
    token = people[caller][1]
    mismatches = []
    for status in STATUSES:
        listed = EXPECTED[caller][status]
        for action in [*MUTATIONS, "UPLOAD_ARTIFACT"]:
            experiment = await _experiment_in(services, people, status, f"{status}-{action}")
            data = await ok(client, Q_ALLOWED, {"id": str(experiment.id)}, token=token)
            assert data["experiment"]["allowedActions"] == listed
            outcome = await _attempt(client, token, experiment, action)
            refusal = "INVALID_TRANSITION" if caller != "observer" else "FORBIDDEN"
            want = "ok" if action in listed else refusal
            if outcome != want:
                mismatches.append(f"{status} {action}: expected {want}, got {outcome}")
    assert not mismatches, "\n".join(mismatches)


async def test_a_move_changes_them(
    services: Services, client: httpx.AsyncClient, people: dict[str, tuple[User, str]]
) -> None:
    experiment = await _experiment_in(services, people, "QUEUED")
    token = people["lead"][1]
    answer = await client.post(f"{API}/experiments/{experiment.id}/start", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    assert answer.json()["allowed_actions"] == WHEN_ACTING["RUNNING"]
    body = await gql(
        client,
        "mutation($id: ID!) { stopExperiment(id: $id) { status allowedActions } }",
        {"id": str(experiment.id)},
        token=token,
    )
    assert body["data"]["stopExperiment"] == {
        "status": "STOPPED",
        "allowedActions": WHEN_ACTING["STOPPED"],
    }


# A run waiting in the GPU queue (QUEUED, queued_at set): for a caller who may act
WHEN_WAITING = ["STOP", "UPDATE", "UPLOAD_ARTIFACT", "ADD_API_COST", "DEQUEUE", "SET_PRIORITY"]
Q_WAITING = """query($id: ID!) { experiment(id: $id) { allowedActions queue { position } } }"""
START_NOW = "mutation($id: ID!) { startExperiment(id: $id, wait: false) { status } }"
PRIORITY = """mutation($id: ID!, $p: Int!) { setExperimentPriority(id: $id, priority: $p) {
  priority } }"""
ME = "{ me { role mayRaisePriority } }"


async def _waiting(
    services: Services, people: dict[str, tuple[User, str]], name: str
) -> Experiment:
    """An experiment of ``owner`` waiting for the one GPU of the ``wait-pool``, which a
    run of the same owner holds."""
    owner = people["owner"][0]
    hypothesis = await _team_hypothesis(services, people, name)
    holder = await gpu_experiment(services, owner, hypothesis, gpu_type="W1", name="holder")
    await move(services, owner, holder, "start")
    experiment = await gpu_experiment(services, owner, hypothesis, gpu_type="W1", name=name)
    waiting = await starting.start(services, actor=owner, experiment_id=experiment.id)
    assert waiting.queued_at is not None
    return waiting


async def test_a_waiting_run_offers_leaving_the_queue_and_its_priority_not_a_start(
    services: Services, client: httpx.AsyncClient, people: dict[str, tuple[User, str]]
) -> None:
    await add_pool(services, "wait-pool", "W1", 1)
    experiment = await _waiting(services, people, "waits")
    ident = {"id": str(experiment.id)}
    for caller, expected in EXPECTED.items():
        token = people[caller][1]
        want = WHEN_WAITING if expected is WHEN_ACTING else []
        data = await ok(client, Q_WAITING, ident, token=token)
        assert data["experiment"] == {"allowedActions": want, "queue": {"position": 1}}, caller
        answer = await client.get(f"{API}/experiments/{experiment.id}", headers=bearer(token))
        assert answer.json()["allowed_actions"] == want, caller

    owner, observer = people["owner"][1], people["observer"][1]
    # START is not listed: the scheduler starts a waiting run, a start now is refused
    refused = await gql(client, START_NOW, ident, token=owner)
    assert error_codes(refused) == ["RESOURCES_UNAVAILABLE"]
    # who may not act: refused both
    for action in ("SET_PRIORITY", "DEQUEUE"):
        assert await _attempt(client, observer, experiment, action) == "FORBIDDEN"
    # SET_PRIORITY: 0 or less for the DS owner, above 0 for the lead only
    assert await _attempt(client, owner, experiment, "SET_PRIORITY") == "ok"
    above = {**ident, "p": 7}
    assert error_codes(await gql(client, PRIORITY, above, token=owner)) == ["FORBIDDEN"]
    raised = await ok(client, PRIORITY, above, token=people["lead"][1])
    assert raised["setExperimentPriority"] == {"priority": 7}
    # DEQUEUE: accepted, and then neither DEQUEUE nor a waiting run's lack of START holds
    assert await _attempt(client, owner, experiment, "DEQUEUE") == "ok"
    data = await ok(client, Q_WAITING, ident, token=owner)
    assert data["experiment"] == {"allowedActions": WHEN_ACTING["QUEUED"], "queue": None}
    assert await _attempt(client, owner, experiment, "DEQUEUE") == "INVALID_TRANSITION"


async def test_may_raise_priority_follows_the_role(
    client: httpx.AsyncClient, people: dict[str, tuple[User, str]]
) -> None:
    got = {}
    for caller in ("owner", "lead", "curator", "admin"):
        got[caller] = (await ok(client, ME, token=people[caller][1]))["me"]
    assert got == {
        "owner": {"role": "DS", "mayRaisePriority": False},
        "lead": {"role": "TL", "mayRaisePriority": True},
        "curator": {"role": "CURATOR", "mayRaisePriority": True},
        "admin": {"role": "ADMIN", "mayRaisePriority": True},
    }
