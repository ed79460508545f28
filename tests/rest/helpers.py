"""Small builders for the REST tests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import httpx

from app.hypotheses.service import create_hypothesis
from app.models import User
from app.services import Services

API = "/api/v1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def new_hypothesis(
    services: Services, owner: User, *, observers: Sequence[User] = (), title: str = "h"
) -> uuid.UUID:
    async with services.db.unit_of_work() as session:
        row = await create_hypothesis(
            session, actor=owner, title=title, observer_ids=[u.id for u in observers]
        )
    return row.id


def experiment_body(hypothesis_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hypothesis_id": str(hypothesis_id),
        "name": "gbm baseline",
        "type": "ML",
        "model": "lightgbm",
        "framework": "sklearn",
    }
    return body | overrides


async def create_experiment(
    client: httpx.AsyncClient, token: str, hypothesis_id: uuid.UUID, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        f"{API}/experiments",
        json=experiment_body(hypothesis_id, **overrides),
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def act(
    client: httpx.AsyncClient, token: str, experiment_id: str, move: str, body: Any = None
) -> httpx.Response:
    return await client.post(
        f"{API}/experiments/{experiment_id}/{move}", json=body, headers=bearer(token)
    )


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


async def upload_artifact(
    client: httpx.AsyncClient,
    token: str,
    experiment_id: uuid.UUID,
    name: str,
    body: bytes,
    kind: str = "MODEL",
) -> None:
    """``POST …/artifacts`` (multipart), which must answer 201."""
    answer = await client.post(
        f"{API}/experiments/{experiment_id}/artifacts",
        files={"file": (name, body, "application/octet-stream")},
        data={"kind": kind},
        headers=bearer(token),
    )
    assert answer.status_code == 201, answer.text
