"""REST for an experiment's resources and costs: ``/api-costs``, ``/reservation/extend``,
and the ``reservation``, ``cost``, ``mlflow`` and ``status_message`` of its JSON."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from app.main import create_app
from app.models import MirrorQueueItem, MirrorRun
from app.models.enums import Role
from app.models.resource import Reservation
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.compare.helpers import count_statements
from tests.resources.helpers import A100_RATE, gpu_experiment, reservation_of
from tests.rest.helpers import API, bearer, error_of


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def _people(services, make_user):
    """Owner, hypothesis lead, observer, stranger, curator: (user, token) each, and the
    hypothesis (owned by another DS, led by the TL, observed by the observer and owner)."""
    owner = await make_user(Role.DS)
    lead = await make_user(Role.TL)
    observer = await make_user(Role.DS)
    stranger = await make_user(Role.DS)
    curator = await make_user(Role.CURATOR)
    hyp_owner, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(
        services, hyp_owner, team_lead=lead[0], observers=[observer[0], owner[0]]
    )
    return owner, lead, observer, stranger, curator, hypothesis


async def test_api_costs_add_up_and_show_in_the_cost(client, services, make_user):
    owner, lead, observer, stranger, curator, hypothesis = await _people(services, make_user)
    experiment = await create_experiment(services, owner[0], hypothesis)
    url = f"{API}/experiments/{experiment.id}/api-costs"

    first = await client.post(
        url, json={"amount": 0.1, "description": "gpt calls"}, headers=bearer(owner[1])
    )
    assert first.status_code == 200, first.text
    assert first.json()["cost"] == {
        "gpu": 0.0,
        "cpu": 0.0,
        "api": 0.1,
        "total": 0.1,
        "currency": "USD",
    }
    for who in (lead, curator):  # the hypothesis' lead and a curator may act too
        response = await client.post(
            url, json={"amount": 0.1, "description": "more"}, headers=bearer(who[1])
        )
        assert response.status_code == 200, response.text
    # 0.1 + 0.1 + 0.1 shows as 0.3, not 0.30000000000000004
    assert response.json()["cost"]["api"] == 0.3 and response.json()["cost"]["total"] == 0.3

    refused = [(observer, 403, "FORBIDDEN"), (stranger, 404, "NOT_FOUND")]
    for who, status, code in refused:
        response = await client.post(
            url, json={"amount": 1, "description": "x"}, headers=bearer(who[1])
        )
        assert response.status_code == status and error_of(response)["code"] == code
    anonymous = await client.post(url, json={"amount": 1, "description": "x"})
    assert anonymous.status_code == 401
    missing = await client.post(
        f"{API}/experiments/{uuid.uuid4()}/api-costs",
        json={"amount": 1, "description": "x"},
        headers=bearer(owner[1]),
    )
    assert missing.status_code == 404

    for body, field in [
        ({"amount": 0, "description": "x"}, "amount"),
        ({"amount": -1, "description": "x"}, "amount"),
        ({"amount": 2_000_000, "description": "x"}, "amount"),
        ({"amount": "lots", "description": "x"}, "amount"),
        ({"description": "x"}, "amount"),
        ({"amount": 1, "description": "  "}, "description"),
        ({"amount": 1}, "description"),
        ({"amount": 1, "description": "x", "extra": 1}, "extra"),
    ]:
        response = await client.post(url, json=body, headers=bearer(owner[1]))
        assert response.status_code == 422, (body, response.text)
        assert error_of(response)["code"] == "VALIDATION_FAILED"
        assert field in error_of(response)["details"]["fields"], response.text

    # any status: bills arrive late
    await move(services, owner[0], experiment, "stop")
    late = await client.post(
        url, json={"amount": 0.2, "description": "late bill"}, headers=bearer(owner[1])
    )
    assert late.status_code == 200 and late.json()["cost"]["api"] == 0.5
    fetched = await client.get(f"{API}/experiments/{experiment.id}", headers=bearer(owner[1]))
    assert fetched.json()["cost"]["api"] == 0.5


async def test_extend_reservation_moves_the_end(client, services, make_user):
    owner, lead, observer, stranger, curator, hypothesis = await _people(services, make_user)
    running = await start(
        services, owner[0], await gpu_experiment(services, owner[0], hypothesis, 1)
    )
    before = await reservation_of(services, running.id)
    assert before is not None
    url = f"{API}/experiments/{running.id}/reservation/extend"

    response = await client.post(url, json={"minutes": 30}, headers=bearer(owner[1]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert at(body["reservation"]["expires_at"]) == before.expires_at + timedelta(minutes=30)
    stored = await reservation_of(services, running.id)
    assert stored is not None and stored.expires_at == before.expires_at + timedelta(minutes=30)
    for who in (lead, curator):
        assert (await client.post(url, json={"minutes": 1}, headers=bearer(who[1]))).is_success

    for who, status, code in [(observer, 403, "FORBIDDEN"), (stranger, 404, "NOT_FOUND")]:
        response = await client.post(url, json={"minutes": 5}, headers=bearer(who[1]))
        assert response.status_code == status and error_of(response)["code"] == code
    assert (await client.post(url, json={"minutes": 5})).status_code == 401

    limit = services.settings.max_duration_minutes
    for body, field in [
        ({"minutes": 0}, "minutes"),
        ({"minutes": limit + 1}, "minutes"),
        ({"minutes": "soon"}, "minutes"),
        ({}, "minutes"),
    ]:
        response = await client.post(url, json=body, headers=bearer(owner[1]))
        assert response.status_code == 422, (body, response.text)
        assert field in error_of(response)["details"]["fields"]
    unchanged = await reservation_of(services, running.id)
    assert unchanged is not None
    assert unchanged.expires_at == before.expires_at + timedelta(minutes=32)

    queued = await gpu_experiment(services, owner[0], hypothesis, 1)
    done = await start(services, owner[0], await create_experiment(services, owner[0], hypothesis))
    await move(services, owner[0], done, "complete")
    for experiment in (queued, done):
        response = await client.post(
            f"{API}/experiments/{experiment.id}/reservation/extend",
            json={"minutes": 5},
            headers=bearer(owner[1]),
        )
        assert response.status_code == 409
        assert error_of(response)["code"] == "INVALID_TRANSITION"


async def test_experiment_json_shows_reservation_live_cost_and_status_message(
    client, services, make_user
):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await gpu_experiment(services, owner, hypothesis, 2)
    url = f"{API}/experiments/{experiment.id}"

    queued = (await client.get(url, headers=bearer(token))).json()
    assert queued["reservation"] is None and queued["mlflow"] is None
    assert queued["cost"] == {"gpu": 0.0, "cpu": 0.0, "api": 0.0, "total": 0.0, "currency": "USD"}

    started = await client.post(f"{url}/start", headers=bearer(token))
    assert started.status_code == 200, started.text
    reservation = started.json()["reservation"]
    assert reservation["pool"] == "a100-pool" and reservation["gpu_count"] == 2
    assert reservation["released_at"] is None
    assert at(reservation["expires_at"]) - at(reservation["reserved_at"]) == timedelta(hours=1)

    # an hour held: the GPU cost grows while RUNNING
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(Reservation)
            .where(Reservation.experiment_id == experiment.id)
            .values(reserved_at=at(reservation["reserved_at"]) - timedelta(hours=1))
        )
    running = (await client.get(url, headers=bearer(token))).json()
    assert 2 * A100_RATE <= running["cost"]["gpu"] < 2 * A100_RATE * 1.01
    assert running["cost"]["total"] == running["cost"]["gpu"]

    failed = await client.post(
        f"{url}/fail",
        json={"reason": "OOM", "message": "CUDA out of memory"},
        headers=bearer(token),
    )
    assert failed.status_code == 200, failed.text
    body = failed.json()
    assert body["status_message"] == "CUDA out of memory"
    assert body["failure"] == {"reason": "OOM", "message": "CUDA out of memory"}
    assert body["reservation"]["released_at"] is not None  # released in the same move
    final = body["cost"]["gpu"]
    assert 2 * A100_RATE <= final < 2 * A100_RATE * 1.01
    later = (await client.get(url, headers=bearer(token))).json()
    assert later["cost"]["gpu"] == final  # final at release

    stopped = await create_experiment(services, owner, hypothesis)
    response = await client.post(
        f"{API}/experiments/{stopped.id}/stop",
        json={"message": "wrong data"},
        headers=bearer(token),
    )
    assert response.json()["status_message"] == "wrong data"
    assert response.json()["failure"] is None


async def test_a_list_page_costs_the_same_statements_whatever_its_size(client, services, make_user):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)

    async def selects() -> int:
        with count_statements(services) as counter:
            response = await client.get(f"{API}/experiments", headers=bearer(token))
        assert response.status_code == 200
        return counter.selects()

    await start(services, owner, await gpu_experiment(services, owner, hypothesis, 1))
    await selects()  # the token is read once, then cached
    one = await selects()
    for _ in range(6):
        await start(services, owner, await gpu_experiment(services, owner, hypothesis, 1))
    assert await selects() == one
    items = (await client.get(f"{API}/experiments", headers=bearer(token))).json()["items"]
    assert len(items) == 7 and all(item["reservation"] is not None for item in items)


async def read_configured(
    services: Services, update: dict[str, str], url: str, token: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The experiment at ``url`` and the experiments list, read from a second app on the
    same database whose settings carry ``update`` (a mirror target configured)."""
    settings = services.settings.model_copy(update=update)
    configured = Services.from_settings(settings)
    app = create_app(settings, configured)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as other:
            body = (await other.get(url, headers=bearer(token))).json()
            listed = (await other.get(f"{API}/experiments", headers=bearer(token))).json()
    finally:
        await configured.close()
    return body, listed


async def test_the_mlflow_link_shows_only_with_mlflow_configured(client, services, make_user):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await start(services, owner, await create_experiment(services, owner, hypothesis))
    async with services.db.unit_of_work() as session:
        session.add(
            MirrorRun(
                experiment_id=experiment.id,
                target="mlflow",
                remote_group="12",
                run_id="abc",
                last_error="MLflow answered 503",
            )
        )
        session.add(
            MirrorQueueItem(
                experiment_id=experiment.id,
                target="mlflow",
                kind="metrics",
                points=5,
                sent=2,
                payload=b"",
            )
        )
    url = f"{API}/experiments/{experiment.id}"
    # without EXPSVC_MLFLOW_TRACKING_URI: null (and nothing of MLflow is read)
    assert (await client.get(url, headers=bearer(token))).json()["mlflow"] is None

    body, listed = await read_configured(
        services,
        {"mlflow_tracking_uri": "http://127.0.0.1:9", "mlflow_ui_url": "http://ui.test"},
        url,
        token,
    )
    assert body["mlflow"] == {
        "experiment_id": "12",
        "run_id": "abc",
        "url": "http://ui.test/#/experiments/12/runs/abc",
        "synced_at": None,
        "pending_points": 3,
        "last_error": "MLflow answered 503",
        "last_error_at": None,
    }
    assert listed["items"][0]["mlflow"] == body["mlflow"]


async def test_the_wandb_link_shows_only_with_wandb_configured(client, services, make_user):
    """Each target reads only its own rows: an MLflow row and queue item beside the W&B
    ones change nothing of the W&B link."""
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await start(services, owner, await create_experiment(services, owner, hypothesis))
    async with services.db.unit_of_work() as session:
        for target, group, points in (("wandb", "team/vision", 7), ("mlflow", "12", 100)):
            session.add(
                MirrorRun(
                    experiment_id=experiment.id,
                    target=target,
                    remote_group=group,
                    run_id=str(experiment.id),
                    last_error=f"{target} down",
                )
            )
            session.add(
                MirrorQueueItem(
                    experiment_id=experiment.id,
                    target=target,
                    kind="metrics",
                    points=points,
                    sent=1,
                    payload=b"",
                )
            )
    url = f"{API}/experiments/{experiment.id}"
    assert (await client.get(url, headers=bearer(token))).json()["wandb"] is None

    body, listed = await read_configured(
        services,
        {"wandb_project": "{hypothesis}", "wandb_base_url": "https://wandb.example"},
        url,
        token,
    )
    assert body["mlflow"] is None  # MLflow is not configured there
    assert body["wandb"] == {
        "run_path": f"team/vision/{experiment.id}",
        "url": f"https://wandb.example/team/vision/runs/{experiment.id}",
        "synced_at": None,
        "pending_points": 6,
        "last_error": "wandb down",
        "last_error_at": None,
    }
    assert listed["items"][0]["wandb"] == body["wandb"]
