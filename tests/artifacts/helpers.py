"""Builders and checks shared by the artifact tests."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select

from app.artifacts.quota import installation_used
from app.models import Artifact, ArtifactUpload, Experiment, Hypothesis, User
from app.models.enums import Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.rest.helpers import API, bearer

MiB = 1024 * 1024

ARTIFACT_FIELDS = "id name kind sizeBytes sha256 contentType createdAt downloadUrl"
UPLOAD = f"""
mutation($experimentId: ID!, $file: Upload!, $kind: ArtifactKind!, $name: String,
         $sizeBytes: BigInt) {{
  uploadArtifact(experimentId: $experimentId, file: $file, kind: $kind, name: $name,
                 sizeBytes: $sizeBytes) {{ {ARTIFACT_FIELDS} }}
}}
"""


@dataclass
class Owned:
    """An experiment and its owner, with the owner's token."""

    user: User
    token: str
    hypothesis: Hypothesis
    experiment: Experiment

    @property
    def id(self) -> uuid.UUID:
        return self.experiment.id

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


async def owned(
    services: Services,
    make_user: Any,
    *,
    status: str = "RUNNING",
    role: Role = Role.DS,
    observers: tuple[User, ...] = (),
) -> Owned:
    """An experiment of a fresh user, moved to ``status`` (QUEUED, RUNNING or COMPLETED)."""
    user, token = await make_user(role)
    hypothesis = await create_hypothesis(services, user, observers=observers)
    experiment = await create_experiment(services, user, hypothesis)
    if status in ("RUNNING", "COMPLETED"):
        experiment = await start(services, user, experiment)
    if status == "COMPLETED":
        experiment = await move(services, user, experiment, "complete")
    return Owned(user, token, hypothesis, experiment)


def random_bytes(size: int) -> bytes:
    return os.urandom(size)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def rest_upload(
    client: httpx.AsyncClient,
    token: str,
    experiment_id: uuid.UUID | str,
    data: bytes,
    *,
    kind: str = "MODEL",
    filename: str = "model.bin",
    content_type: str = "application/octet-stream",
    fields: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
) -> httpx.Response:
    """``curl -F kind=MODEL -F file=@model.bin``: the form fields first, then the file."""
    return await client.post(
        f"{API}/experiments/{experiment_id}/artifacts",
        data={"kind": kind, **(fields or {})},
        files={"file": (filename, data, content_type)},
        params=params,
        headers=bearer(token),
    )


def graphql_multipart(
    variables: dict[str, Any], data: bytes, filename: str = "model.bin"
) -> dict[str, Any]:
    """httpx ``data``/``files`` of a GraphQL multipart request uploading ``data`` as $file."""
    operations = {"query": UPLOAD, "variables": {**variables, "file": None}}
    return {
        "data": {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        "files": {"0": (filename, data, "application/octet-stream")},
    }


async def gql_upload(
    client: httpx.AsyncClient,
    token: str,
    experiment_id: uuid.UUID | str,
    data: bytes,
    *,
    kind: str = "MODEL",
    name: str | None = None,
    size_bytes: int | None = None,
    filename: str = "model.bin",
) -> dict[str, Any]:
    variables: dict[str, Any] = {"experimentId": str(experiment_id), "kind": kind}
    if name is not None:
        variables["name"] = name
    if size_bytes is not None:
        variables["sizeBytes"] = size_bytes
    response = await client.post(
        "/graphql", headers=bearer(token), **graphql_multipart(variables, data, filename)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def download(
    client: httpx.AsyncClient, token: str, url: str, **headers: str
) -> httpx.Response:
    return await client.get(url, headers={**bearer(token), **headers})


async def chunked(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


# --- what must be true after every test ---------------------------------------------------


async def rows_of(services: Services, experiment_id: uuid.UUID) -> tuple[int, int]:
    """(artifact rows, upload rows) of an experiment."""
    async with services.db.reader() as session:
        artifacts = await session.scalar(
            select(func.count())
            .select_from(Artifact)
            .where(Artifact.experiment_id == experiment_id)
        )
        uploads = await session.scalar(
            select(func.count())
            .select_from(ArtifactUpload)
            .where(ArtifactUpload.experiment_id == experiment_id)
        )
    return int(artifacts or 0), int(uploads or 0)


async def nothing_left(services: Services, experiment_id: uuid.UUID) -> None:
    """No artifact, no upload in flight, no byte in the store, no quota held."""
    assert await rows_of(services, experiment_id) == (0, 0)
    assert await services.store.leftovers(f"experiments/{experiment_id}/") == []
    await assert_accounting(services)
    async with services.db.reader() as session:
        held = await session.scalar(
            select(Experiment.artifact_bytes).where(Experiment.id == experiment_id)
        )
    assert held == 0


async def assert_accounting(services: Services) -> None:
    """The counters hold exactly the stored artifacts plus the reservations in flight."""
    async with services.db.reader() as session:
        stored = dict(
            (
                await session.execute(
                    select(Artifact.experiment_id, func.sum(Artifact.size_bytes)).group_by(
                        Artifact.experiment_id
                    )
                )
            ).all()
        )
        reserved = dict(
            (
                await session.execute(
                    select(
                        ArtifactUpload.experiment_id, func.sum(ArtifactUpload.reserved_bytes)
                    ).group_by(ArtifactUpload.experiment_id)
                )
            ).all()
        )
        counters = dict(
            (await session.execute(select(Experiment.id, Experiment.artifact_bytes))).all()
        )
        used = await installation_used(session)
    for experiment_id, held in counters.items():
        expected = int(stored.get(experiment_id) or 0) + int(reserved.get(experiment_id) or 0)
        assert held == expected, f"experiment {experiment_id}: {held} held, {expected} expected"
    total = sum(int(v or 0) for v in stored.values()) + sum(int(v or 0) for v in reserved.values())
    assert used == total
