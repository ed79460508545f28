"""Nothing half-written: an upload that fails for any reason — the client going away, the
store failing, the database failing after the bytes were stored, a limit — leaves no
object in the store, no row, and no quota held."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.artifacts import streamed
from app.storage.base import ArtifactStore, DirectPlan, ObjectWriter, StoreError
from tests.artifacts.helpers import (
    UPLOAD,
    MiB,
    gql_upload,
    nothing_left,
    owned,
    random_bytes,
    rest_upload,
)
from tests.graphql import error_codes
from tests.rest.helpers import API, bearer

BOUNDARY = "expsvc-test-boundary"


def _field(name: str, value: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
    ).encode()


def _file_head(name: str, filename: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()


async def _send_then_disconnect(
    app: Any, path: str, token: str, head: bytes, data: bytes
) -> list[dict[str, Any]]:
    """Call the ASGI app as a server would for a client that sends ``head`` and ``data``
    (in 64 KiB chunks, the body unfinished) and then goes away."""
    chunks = [head] + [data[i : i + 65536] for i in range(0, len(data), 65536)]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"test"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
        ],
        "server": ("test", 80),
        "client": ("127.0.0.1", 50000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if chunks:
            return {"type": "http.request", "body": chunks.pop(0), "more_body": True}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def test_client_disconnect_mid_rest_upload(app, services, make_user, store):
    run = await owned(services, make_user)
    head = _field("kind", "MODEL") + _file_head("file", "model.bin")
    await _send_then_disconnect(
        app, f"{API}/experiments/{run.id}/artifacts", run.token, head, random_bytes(11 * MiB)
    )
    await nothing_left(services, run.id)


async def test_client_disconnect_mid_graphql_upload(app, services, make_user, store):
    run = await owned(services, make_user)
    operations = {
        "query": UPLOAD,
        "variables": {"experimentId": str(run.id), "kind": "MODEL", "file": None},
    }
    head = (
        _field("operations", json.dumps(operations))
        + _field("map", json.dumps({"0": ["variables.file"]}))
        + _file_head("0", "model.bin")
    )
    sent = await _send_then_disconnect(app, "/graphql", run.token, head, random_bytes(11 * MiB))
    body = json.loads(b"".join(m.get("body", b"") for m in sent if "body" in m))
    assert error_codes(body) == ["BAD_REQUEST"]
    await nothing_left(services, run.id)


async def test_request_body_that_breaks_off(client, services, make_user, store):
    """The client's body generator fails halfway (a crashed uploader)."""
    run = await owned(services, make_user)

    async def body() -> AsyncIterator[bytes]:
        yield _field("kind", "MODEL") + _file_head("file", "model.bin")
        for _ in range(100):
            yield random_bytes(64 * 1024)
        raise ConnectionResetError("the uploader crashed")

    response = await client.post(
        f"{API}/experiments/{run.id}/artifacts",
        content=body(),
        headers={
            **bearer(run.token),
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        },
    )
    assert response.status_code == 500  # the in-process transport hands the app the error
    await nothing_left(services, run.id)


class FailingWriter(ObjectWriter):
    def __init__(self, inner: ObjectWriter, fail_after: int | None, fail_commit: bool) -> None:
        self.inner = inner
        self.fail_after = fail_after
        self.fail_commit = fail_commit
        self.written = 0

    async def write(self, chunk: bytes) -> None:
        self.written += len(chunk)
        if self.fail_after is not None and self.written > self.fail_after:
            raise StoreError("injected: the store refused a part")
        await self.inner.write(chunk)

    async def commit(self) -> None:
        if self.fail_commit:
            raise StoreError("injected: the store failed to assemble the object")
        await self.inner.commit()

    async def abort(self) -> None:
        await self.inner.abort()


class FailingStore(ArtifactStore):
    """The store under test, but its writers fail after ``fail_after`` bytes or at commit."""

    kind = "failing"

    def __init__(
        self, inner: ArtifactStore, *, fail_after: int | None = None, fail_commit: bool = False
    ) -> None:
        self.inner = inner
        self.fail_after = fail_after
        self.fail_commit = fail_commit

    async def open_writer(self, key: str) -> ObjectWriter:
        writer = await self.inner.open_writer(key)
        return FailingWriter(writer, self.fail_after, self.fail_commit)

    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        return self.inner.read(key, start, end)

    async def size(self, key: str) -> int | None:
        return await self.inner.size(key)

    async def start_direct(self, key: str, size: int, expires_seconds: int) -> DirectPlan:
        return await self.inner.start_direct(key, size, expires_seconds)

    async def finish_direct(self, key: str, plan: DirectPlan) -> None:
        await self.inner.finish_direct(key, plan)

    async def discard(self, key: str) -> None:
        await self.inner.discard(key)

    async def leftovers(self, prefix: str = "") -> list[str]:
        return await self.inner.leftovers(prefix)


@pytest.mark.parametrize("failure", ["part", "commit"])
async def test_store_error(client, services, make_user, store, monkeypatch, failure):
    failing = (
        FailingStore(store, fail_after=7 * MiB)
        if failure == "part"
        else FailingStore(store, fail_commit=True)
    )
    monkeypatch.setattr(services, "store", failing)
    run = await owned(services, make_user)
    response = await rest_upload(client, run.token, run.id, random_bytes(11 * MiB))
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTERNAL_SERVER_ERROR"
    body = await gql_upload(client, run.token, run.id, random_bytes(11 * MiB))
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    await nothing_left(services, run.id)


async def test_database_failure_after_the_bytes_are_stored(
    client, services, make_user, store, monkeypatch
):
    """The object is complete in the store, then recording it fails: the object goes."""

    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(streamed, "record", broken)
    run = await owned(services, make_user)
    response = await rest_upload(client, run.token, run.id, random_bytes(6 * MiB))
    assert response.status_code == 500
    await nothing_left(services, run.id)


async def test_limit_midway_on_both_apis(client, services, make_user, store, limits):
    limits(artifact_max_bytes=8 * MiB)
    run = await owned(services, make_user)
    response = await rest_upload(client, run.token, run.id, random_bytes(11 * MiB))
    assert response.status_code == 413
    await nothing_left(services, run.id)
    body = await gql_upload(client, run.token, run.id, random_bytes(11 * MiB))
    assert error_codes(body) == ["ARTIFACT_TOO_LARGE"]
    await nothing_left(services, run.id)
