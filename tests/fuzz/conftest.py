"""A real server on a loopback port, seeded with a user, experiments and artifacts, for the
property-based fuzz tests (schemathesis drives it with ``requests`` from a worker thread
while the server runs in the test's loop)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from app.models.enums import Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, create_running
from tests.conftest import MakeUser


@pytest.fixture(scope="session")
async def fuzz_server(app: Any) -> AsyncIterator[str]:
    """``http://127.0.0.1:<port>`` serving the session's app."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="error")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@dataclass(frozen=True)
class Seeded:
    """What the fuzzed requests can name: an ADMIN's token and existing ids."""

    token: str
    running_id: str
    queued_id: str
    artifact_id: str
    upload_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
async def seeded(services: Services, make_user: MakeUser, fuzz_server: str) -> Seeded:
    admin, token = await make_user(Role.ADMIN)
    hypothesis = await create_hypothesis(services, admin)
    running = await create_running(services, admin, hypothesis, name="running")
    queued = await create_experiment(services, admin, hypothesis, name="queued")
    headers = {"Authorization": f"Bearer {token}"}
    base = f"{fuzz_server}/api/v1/experiments/{running.id}"
    async with httpx.AsyncClient(headers=headers) as client:
        sent = await client.post(
            f"{base}/metrics/batch",
            json={"key": "loss", "steps": list(range(100)), "values": [1.0] * 100},
        )
        assert sent.status_code == 202, sent.text
        sent = await client.post(f"{base}/logs", json={"lines": [{"message": "hello"}]})
        assert sent.status_code == 202, sent.text
        sent = await client.post(
            f"{base}/artifacts", params={"kind": "MODEL", "name": "m.pt"}, content=b"0123456789"
        )
        assert sent.status_code == 201, sent.text
        artifact_id = sent.json()["id"]
        sent = await client.post(
            f"{base}/artifact-uploads", json={"name": "d.bin", "kind": "OTHER", "size_bytes": 4}
        )
        assert sent.status_code == 201, sent.text
        upload_id = sent.json()["id"]
    return Seeded(token, str(running.id), str(queued.id), artifact_id, upload_id)
