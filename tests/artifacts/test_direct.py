"""Direct uploads: createArtifactUpload hands out URL(s), the client sends the bytes there,
completeArtifactUpload checks size and checksum before the artifact becomes visible. And
the sweeper, which cleans up uploads whose lease ran out."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

import httpx
import pytest

from app.artifacts import direct, reservations
from app.artifacts.sweeper import sweep_expired_uploads
from app.models.base import utcnow
from app.models.enums import ArtifactKind
from app.storage.base import StoreError
from tests.artifacts.helpers import (
    ARTIFACT_FIELDS,
    MiB,
    assert_accounting,
    download,
    nothing_left,
    owned,
    random_bytes,
    rows_of,
    sha256,
)
from tests.graphql import error_codes, gql, ok
from tests.rest.helpers import API, error_of

CREATE = """
mutation($e: ID!, $n: String!, $k: ArtifactKind!, $s: BigInt!, $h: String) {
  createArtifactUpload(experimentId: $e, name: $n, kind: $k, sizeBytes: $s, sha256: $h) {
    id urls partSizeBytes expiresAt
  }
}
"""
COMPLETE = f"mutation($id: ID!) {{ completeArtifactUpload(id: $id) {{ {ARTIFACT_FIELDS} }} }}"


async def create(
    client: httpx.AsyncClient, token: str, experiment_id: Any, size: int, digest: str | None
) -> dict[str, Any]:
    variables = {"e": str(experiment_id), "n": "big.ckpt", "k": "CHECKPOINT", "s": size}
    if digest is not None:
        variables["h"] = digest
    body = await gql(client, CREATE, variables, token=token)
    return body


async def put_parts(
    client: httpx.AsyncClient, upload: dict[str, Any], data: bytes, parts: range | None = None
) -> None:
    """PUT each part to its URL: the service's own through the test client, S3's directly."""
    size = upload["partSizeBytes"]
    async with httpx.AsyncClient() as outside:
        for index in parts if parts is not None else range(len(upload["urls"])):
            url = upload["urls"][index]
            sender = client if url.startswith("http://test/") else outside
            answer = await sender.put(url, content=data[index * size : (index + 1) * size])
            assert answer.status_code == 200, answer.text


async def test_round_trip(client, services, make_user, store):
    run = await owned(services, make_user)
    data = random_bytes(11 * MiB + 5)
    created = await create(client, run.token, run.id, len(data), sha256(data))
    upload = created["data"]["createArtifactUpload"]
    assert len(upload["urls"]) == (3 if store.kind == "s3" else 1)
    assert await rows_of(services, run.id) == (0, 1)
    await assert_accounting(services)
    await put_parts(client, upload, data)
    done = await ok(client, COMPLETE, {"id": upload["id"]}, token=run.token)
    artifact = done["completeArtifactUpload"]
    assert artifact["id"] == upload["id"]
    assert (artifact["sizeBytes"], artifact["sha256"]) == (len(data), sha256(data))
    got = await download(client, run.token, artifact["downloadUrl"] + "?redirect=false")
    assert got.content == data
    assert await rows_of(services, run.id) == (1, 0)
    await assert_accounting(services)
    again = await gql(client, COMPLETE, {"id": upload["id"]}, token=run.token)
    assert error_codes(again) == ["NOT_FOUND"]


async def test_the_local_url_is_the_services_own(client, services, make_user):
    run = await owned(services, make_user)
    upload = (await create(client, run.token, run.id, 10, None))["data"]["createArtifactUpload"]
    assert upload["partSizeBytes"] == 10
    (url,) = upload["urls"]
    assert url.startswith(f"http://test{API}/artifact-uploads/{upload['id']}?token=")


async def test_completing_early_keeps_the_upload(client, services, make_user, store):
    run = await owned(services, make_user)
    data = random_bytes(11 * MiB)
    upload = (await create(client, run.token, run.id, len(data), None))["data"][
        "createArtifactUpload"
    ]
    if store.kind == "s3":
        await put_parts(client, upload, data, range(1))
    early = await gql(client, COMPLETE, {"id": upload["id"]}, token=run.token)
    assert error_codes(early) == ["VALIDATION_FAILED"]
    assert "parts" in early["errors"][0]["extensions"]["details"]["fields"]
    assert await rows_of(services, run.id) == (0, 1)
    await put_parts(client, upload, data)
    done = await ok(client, COMPLETE, {"id": upload["id"]}, token=run.token)
    assert done["completeArtifactUpload"]["sha256"] == sha256(data)


async def test_size_mismatch_is_refused_and_cleaned_up(client, services, make_user, store):
    run = await owned(services, make_user)
    data = random_bytes(4 * MiB)
    upload = (await create(client, run.token, run.id, len(data), None))["data"][
        "createArtifactUpload"
    ]
    await put_parts(client, upload, data[:-1000])
    refused = await gql(client, COMPLETE, {"id": upload["id"]}, token=run.token)
    assert error_codes(refused) == ["VALIDATION_FAILED"]
    assert "sizeBytes" in refused["errors"][0]["extensions"]["details"]["fields"]
    await nothing_left(services, run.id)


async def test_checksum_mismatch_is_refused_and_cleaned_up(client, services, make_user, store):
    run = await owned(services, make_user)
    data = random_bytes(6 * MiB)
    upload = (await create(client, run.token, run.id, len(data), sha256(b"other")))["data"][
        "createArtifactUpload"
    ]
    await put_parts(client, upload, data)
    refused = await gql(client, COMPLETE, {"id": upload["id"]}, token=run.token)
    assert error_codes(refused) == ["VALIDATION_FAILED"]
    fields = refused["errors"][0]["extensions"]["details"]["fields"]
    assert sha256(data) in fields["sha256"]
    await nothing_left(services, run.id)


async def test_local_put_rules(client, services, make_user):
    run = await owned(services, make_user)
    upload = (await create(client, run.token, run.id, 100, None))["data"]["createArtifactUpload"]
    (url,) = upload["urls"]
    too_much = await client.put(url, content=b"x" * 101)
    assert too_much.status_code == 413 and error_of(too_much)["code"] == "PAYLOAD_TOO_LARGE"
    forged = await client.put(url.split("?")[0] + "?token=forged", content=b"x" * 100)
    assert forged.status_code == 403
    unknown = await client.put(
        f"{API}/artifact-uploads/00000000-0000-0000-0000-000000000000?token=x", content=b"x"
    )
    assert unknown.status_code == 404
    assert await services.store.leftovers(f"experiments/{run.id}/") == []
    retried = await client.put(url, content=b"y" * 100)
    assert retried.status_code == 200
    assert retried.headers["etag"] == f'"{sha256(b"y" * 100)}"'
    done = await ok(client, COMPLETE, {"id": upload["id"]}, token=run.token)
    assert done["completeArtifactUpload"]["sizeBytes"] == 100


async def test_limits_are_checked_at_creation(client, services, make_user, limits, store):
    limits(artifact_max_bytes=10 * MiB, artifact_quota_per_experiment_bytes=15 * MiB)
    run = await owned(services, make_user)
    too_large = await create(client, run.token, run.id, 10 * MiB + 1, None)
    assert error_codes(too_large) == ["ARTIFACT_TOO_LARGE"]
    first = await create(client, run.token, run.id, 10 * MiB, None)
    assert "errors" not in first
    over_quota = await create(client, run.token, run.id, 6 * MiB, None)
    assert error_codes(over_quota) == ["STORAGE_LIMIT_EXCEEDED"]
    await assert_accounting(services)
    bad = await gql(
        client,
        CREATE,
        {"e": str(run.id), "n": "../x", "k": "MODEL", "s": 0, "h": "ABC"},
        token=run.token,
    )
    fields = bad["errors"][0]["extensions"]["details"]["fields"]
    assert set(fields) == {"name", "sizeBytes", "sha256"}


async def test_rest_direct_upload(client, services, make_user):
    run = await owned(services, make_user)
    data = random_bytes(1000)
    created = await client.post(
        f"{API}/experiments/{run.id}/artifact-uploads",
        json={"name": "r.bin", "kind": "REPORT", "size_bytes": 1000, "sha256": sha256(data)},
        headers=run.headers,
    )
    assert created.status_code == 201, created.text
    upload = created.json()
    assert set(upload) == {"id", "urls", "part_size_bytes", "expires_at"}
    assert (await client.put(upload["urls"][0], content=data)).status_code == 200
    done = await client.post(f"{API}/artifact-uploads/{upload['id']}/complete", headers=run.headers)
    assert done.status_code == 201, done.text
    assert done.json()["sha256"] == sha256(data)


# --- the sweeper ---------------------------------------------------------------------------


async def test_sweeper_removes_expired_direct_uploads(client, services, make_user, store):
    run = await owned(services, make_user)
    data = random_bytes(6 * MiB)
    upload = (await create(client, run.token, run.id, len(data), None))["data"][
        "createArtifactUpload"
    ]
    await put_parts(client, upload, data, range(1))
    assert await sweep_expired_uploads(services) == 0
    later = utcnow() + timedelta(seconds=services.settings.artifact_upload_expiry_seconds + 1)
    assert await sweep_expired_uploads(services, now=later) == 1
    await nothing_left(services, run.id)


async def test_sweeper_cleans_up_after_a_crashed_stream(services, make_user, store):
    """A process died mid-upload: its row, reservation and partial object remain until
    the lease runs out."""
    run = await owned(services, make_user)
    spec = reservations.UploadSpec(
        experiment_id=run.id,
        name="model.bin",
        kind=ArtifactKind.MODEL,
        content_type=None,
        declared_size=8 * MiB,
    )
    upload = await reservations.begin(
        services,
        actor=run.user,
        spec=spec,
        mode=reservations.STREAM,
        expires_at=utcnow() + timedelta(seconds=reservations.STREAM_LEASE_SECONDS),
    )
    writer = await services.store.open_writer(upload.store_key)
    await writer.write(random_bytes(6 * MiB))  # then the process "dies"
    assert await services.store.leftovers(f"experiments/{run.id}/") != []
    assert await rows_of(services, run.id) == (0, 1)
    await assert_accounting(services)
    later = utcnow() + timedelta(seconds=reservations.STREAM_LEASE_SECONDS + 1)
    assert await sweep_expired_uploads(services, now=later) == 1
    with contextlib.suppress(StoreError):  # only to let go of the dead writer's file handle
        await writer.abort()
    await nothing_left(services, run.id)


@pytest.mark.usefixtures("store")
async def test_completing_an_expired_upload_cleans_it_up(
    client, services, make_user, limits, monkeypatch
):
    limits(artifact_upload_expiry_seconds=60)
    run = await owned(services, make_user)
    upload = (await create(client, run.token, run.id, 10, None))["data"]["createArtifactUpload"]
    await put_parts(client, upload, b"0123456789")
    future = utcnow() + timedelta(seconds=120)
    monkeypatch.setattr(direct, "utcnow", lambda: future)
    refused = await gql(client, COMPLETE, {"id": upload["id"]}, token=run.token)
    assert error_codes(refused) == ["NOT_FOUND"]
    await nothing_left(services, run.id)
