"""The role rules of the contract, as one table: every caller against every operation.

Each caller gets its own hypothesis and fresh experiments (a lifecycle move changes the
state), then every operation runs through GraphQL. An allowed operation must succeed; a
refused one must fail with the exact code: ``NOT_FOUND`` when the caller may not read the
experiment, ``FORBIDDEN`` when it may read but not act, ``UNAUTHENTICATED`` without a valid
token. ``EXPECTED`` is written out by hand so that any rule change makes this test fail.

Set-up of every case's hypothesis: owned by ``ds_hyp_owner``, led by ``tl_lead`` (or by
``ds_lead``, a DS, in that caller's case), observed by ``observer`` and by the experiment
owners (``ds_owner``, ``mle_owner``), who must see a hypothesis to create experiments
under it. The experiments are owned by ``mle_owner`` in its case, by ``ds_owner`` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from app.models import Experiment, Hypothesis, User
from app.models.enums import Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, start
from tests.graphql import error_codes, gql

# --- the operations --------------------------------------------------------------------

READ = "experiment"  # experiment(id)
LIST = "experiments"  # presence in experiments (filtered and not), totalCount, board counts
HYPOTHESIS = "hypothesis"  # hypothesis(id)
UPDATE = "updateExperiment"
START = "startExperiment"
PROGRESS = "reportProgress"
COMPLETE = "completeExperiment"
FAIL = "failExperiment"
STOP = "stopExperiment"
CREATE = "createExperiment"  # under the case's hypothesis
CREATE_USER = "createUser"
CREATE_TOKEN = "createApiToken"

OPERATIONS = (
    READ,
    LIST,
    HYPOTHESIS,
    UPDATE,
    START,
    PROGRESS,
    COMPLETE,
    FAIL,
    STOP,
    CREATE,
    CREATE_USER,
    CREATE_TOKEN,
)
EXPERIMENT_MOVES = (UPDATE, START, PROGRESS, COMPLETE, FAIL, STOP)

# --- the expected matrix: caller → the operations it may do ---------------------------

EXPECTED: dict[str, set[str]] = {
    "ds_owner": {
        READ, LIST, HYPOTHESIS, UPDATE, START, PROGRESS, COMPLETE, FAIL, STOP, CREATE,
        CREATE_TOKEN,
    },
    "ds_other": {CREATE_TOKEN},
    "mle_owner": {
        READ, LIST, HYPOTHESIS, UPDATE, START, PROGRESS, COMPLETE, FAIL, STOP, CREATE,
        CREATE_TOKEN,
    },
    "ds_hyp_owner": {READ, LIST, HYPOTHESIS, CREATE, CREATE_TOKEN},
    "ds_lead": {READ, LIST, HYPOTHESIS, CREATE, CREATE_TOKEN},
    "tl_lead": {
        READ, LIST, HYPOTHESIS, UPDATE, START, PROGRESS, COMPLETE, FAIL, STOP, CREATE,
        CREATE_TOKEN,
    },
    "tl_other": {CREATE_TOKEN},
    "observer": {READ, LIST, HYPOTHESIS, CREATE, CREATE_TOKEN},
    "curator": {
        READ, LIST, HYPOTHESIS, UPDATE, START, PROGRESS, COMPLETE, FAIL, STOP, CREATE,
        CREATE_TOKEN,
    },
    "admin": {
        READ, LIST, HYPOTHESIS, UPDATE, START, PROGRESS, COMPLETE, FAIL, STOP, CREATE,
        CREATE_USER, CREATE_TOKEN,
    },
    "anonymous": set(),
    "bad_token": set(),
}  # fmt: skip

UNAUTHENTICATED_CALLERS = {"anonymous", "bad_token"}

# What a refused operation answers (for authenticated callers)
OK = "ok"
HIDDEN = "hidden"  # the list and the board answer, without the case's experiments


def refused(caller: str, operation: str) -> str:
    if caller in UNAUTHENTICATED_CALLERS:
        return "UNAUTHENTICATED"
    if operation == LIST:
        return HIDDEN
    if operation == CREATE:
        return "VALIDATION_FAILED(hypothesisId)"
    if operation in (CREATE_USER, CREATE_TOKEN):
        return "FORBIDDEN"
    if operation in EXPERIMENT_MOVES and READ in EXPECTED[caller]:
        return "FORBIDDEN"
    return "NOT_FOUND"


# --- GraphQL documents -----------------------------------------------------------------

Q_READ = "query($id: ID!) { experiment(id: $id) { id owner { id } } }"
Q_LIST = """
query($h: ID!) {
  filtered: experiments(filter: {hypothesisId: $h}, first: 500) {
    totalCount edges { node { id } }
  }
  all: experiments(first: 500) { edges { node { id } } }
  experimentBoard(filter: {hypothesisId: $h}) { status count }
}"""
Q_HYPOTHESIS = "query($id: ID!) { hypothesis(id: $id) { id } }"
M_UPDATE = """mutation($id: ID!) {
  updateExperiment(id: $id, input: {name: "renamed"}) { id name status }
}"""
M_START = "mutation($id: ID!) { startExperiment(id: $id) { id status } }"
M_PROGRESS = """mutation($id: ID!) {
  reportProgress(experimentId: $id, progress: {step: 5, totalSteps: 10}) { id progress { step } }
}"""
M_COMPLETE = "mutation($id: ID!) { completeExperiment(id: $id) { id status } }"
M_FAIL = "mutation($id: ID!) { failExperiment(id: $id, reason: OOM) { id status } }"
M_STOP = "mutation($id: ID!) { stopExperiment(id: $id) { id status } }"
M_CREATE = """mutation($input: CreateExperimentInput!) {
  createExperiment(input: $input) { id status owner { id } hypothesis { id } }
}"""
M_CREATE_USER = """mutation($input: CreateUserInput!) {
  createUser(input: $input) { user { id role } token }
}"""
M_CREATE_TOKEN = 'mutation { createApiToken(name: "laptop") }'
Q_ME = "{ me { id } }"


@dataclass
class Case:
    caller: str
    user: User | None
    token: str | None
    hypothesis: Hypothesis
    experiments: dict[str, Experiment]  # operation → its own experiment


def _failure(body: dict[str, Any]) -> str:
    codes = error_codes(body)
    if codes == ["VALIDATION_FAILED"]:
        fields = body["errors"][0].get("extensions", {}).get("details", {}).get("fields", {})
        return f"VALIDATION_FAILED({','.join(sorted(fields))})"
    return ",".join(str(code) for code in codes) or f"unexpected answer {body}"


async def _outcome(client: httpx.AsyncClient, case: Case, operation: str) -> str:
    """Run one operation as the case's caller: ``ok``, ``hidden`` or what failed."""
    token = case.token
    ids = {key: str(exp.id) for key, exp in case.experiments.items()}
    if operation == READ:
        body = await gql(client, Q_READ, {"id": ids[UPDATE]}, token=token)
        if body.get("errors"):
            return _failure(body)
        return OK if body["data"]["experiment"]["id"] == ids[UPDATE] else f"wrong: {body}"
    if operation == LIST:
        body = await gql(client, Q_LIST, {"h": str(case.hypothesis.id)}, token=token)
        if body.get("errors"):
            return _failure(body)
        data = body["data"]
        mine = set(ids.values())
        filtered = {edge["node"]["id"] for edge in data["filtered"]["edges"]}
        everything = {edge["node"]["id"] for edge in data["all"]["edges"]}
        board = {column["status"]: column["count"] for column in data["experimentBoard"]}
        zero = dict.fromkeys(("QUEUED", "RUNNING", "COMPLETED", "FAILED", "STOPPED"), 0)
        seen = (filtered, data["filtered"]["totalCount"], everything & mine, board)
        if seen == (mine, len(mine), mine, zero | {"QUEUED": 2, "RUNNING": 4}):
            return OK
        if seen == (set(), 0, set(), zero):
            return HIDDEN
        return f"inconsistent list: {seen}"
    if operation == HYPOTHESIS:
        body = await gql(client, Q_HYPOTHESIS, {"id": str(case.hypothesis.id)}, token=token)
        if body.get("errors"):
            return _failure(body)
        return OK if body["data"]["hypothesis"]["id"] == str(case.hypothesis.id) else str(body)
    if operation in EXPERIMENT_MOVES:
        document, field, want = {
            UPDATE: (M_UPDATE, "updateExperiment", ("name", "renamed")),
            START: (M_START, "startExperiment", ("status", "RUNNING")),
            PROGRESS: (M_PROGRESS, "reportProgress", ("progress", {"step": 5})),
            COMPLETE: (M_COMPLETE, "completeExperiment", ("status", "COMPLETED")),
            FAIL: (M_FAIL, "failExperiment", ("status", "FAILED")),
            STOP: (M_STOP, "stopExperiment", ("status", "STOPPED")),
        }[operation]
        body = await gql(client, document, {"id": ids[operation]}, token=token)
        if body.get("errors"):
            return _failure(body)
        answer = body["data"][field]
        good = answer["id"] == ids[operation] and answer[want[0]] == want[1]
        return OK if good else f"wrong: {answer}"
    if operation == CREATE:
        variables = {
            "input": {
                "hypothesisId": str(case.hypothesis.id),
                "name": f"by {case.caller}",
                "type": "ML",
                "model": "xgboost",
                "framework": "sklearn",
            }
        }
        body = await gql(client, M_CREATE, variables, token=token)
        if body.get("errors"):
            return _failure(body)
        answer = body["data"]["createExperiment"]
        assert case.user is not None
        good = (answer["status"], answer["owner"]["id"], answer["hypothesis"]["id"]) == (
            "QUEUED",
            str(case.user.id),
            str(case.hypothesis.id),
        )
        return OK if good else f"wrong: {answer}"
    if operation == CREATE_USER:
        variables = {
            "input": {"name": "new", "email": f"new-{case.caller}@example.test", "role": "MLE"}
        }
        body = await gql(client, M_CREATE_USER, variables, token=token)
        if body.get("errors"):
            return _failure(body)
        answer = body["data"]["createUser"]
        me = await gql(client, Q_ME, token=answer["token"])
        good = answer["user"]["role"] == "MLE" and me.get("data", {}) == {
            "me": {"id": answer["user"]["id"]}
        }
        return OK if good else f"wrong: {answer} / {me}"
    assert operation == CREATE_TOKEN
    body = await gql(client, M_CREATE_TOKEN, token=token)
    if body.get("errors"):
        return _failure(body)
    new_token = body["data"]["createApiToken"]
    assert case.user is not None
    me = await gql(client, Q_ME, token=new_token)
    good = new_token != token and me.get("data", {}) == {"me": {"id": str(case.user.id)}}
    return OK if good else f"new token does not work: {me}"


async def test_every_caller_against_every_operation(
    services: Services, client: httpx.AsyncClient, make_user: Any
) -> None:
    users: dict[str, tuple[User, str]] = {
        "ds_owner": await make_user(Role.DS),
        "ds_other": await make_user(Role.DS),
        "mle_owner": await make_user(Role.MLE),
        "ds_hyp_owner": await make_user(Role.DS),
        "ds_lead": await make_user(Role.DS),
        "tl_lead": await make_user(Role.TL),
        "tl_other": await make_user(Role.TL),
        "observer": await make_user(Role.DS),
        "curator": await make_user(Role.CURATOR),
        "admin": await make_user(Role.ADMIN),
    }

    def user(name: str) -> User:
        return users[name][0]

    assert set(EXPECTED) == set(users) | UNAUTHENTICATED_CALLERS

    got: dict[str, dict[str, str]] = {}
    want: dict[str, dict[str, str]] = {}
    for caller, allowed in EXPECTED.items():
        lead = user("ds_lead") if caller == "ds_lead" else user("tl_lead")
        hypothesis = await create_hypothesis(
            services,
            user("ds_hyp_owner"),
            title=f"H for {caller}",
            team_lead=lead,
            observers=[user("observer"), user("ds_owner"), user("mle_owner")],
        )
        owner = user("mle_owner") if caller == "mle_owner" else user("ds_owner")
        experiments: dict[str, Experiment] = {}
        for operation in EXPERIMENT_MOVES:
            experiment = await create_experiment(services, owner, hypothesis, name=operation)
            if operation in (PROGRESS, COMPLETE, FAIL, STOP):
                experiment = await start(services, owner, experiment)
            experiments[operation] = experiment
        if caller in users:
            case_user, token = users[caller]
            case = Case(caller, case_user, token, hypothesis, experiments)
        else:
            bad = None if caller == "anonymous" else "not-a-real-token"
            case = Case(caller, None, bad, hypothesis, experiments)
        # Reads first: the moves change state, and CREATE adds an experiment
        got[caller] = {op: await _outcome(client, case, op) for op in OPERATIONS}
        want[caller] = {op: OK if op in allowed else refused(caller, op) for op in OPERATIONS}

    mismatches = [
        f"{caller} {op}: expected {want[caller][op]}, got {got[caller][op]}"
        for caller in EXPECTED
        for op in OPERATIONS
        if got[caller][op] != want[caller][op]
    ]
    assert not mismatches, "\n".join(mismatches)
