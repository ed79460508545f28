"""Uploads (REST multipart, raw body, GraphQL multipart) and downloads, on both stores."""

from __future__ import annotations

import httpx

from tests.artifacts.helpers import (
    MiB,
    download,
    gql_upload,
    nothing_left,
    owned,
    random_bytes,
    rest_upload,
    sha256,
)
from tests.graphql import ok
from tests.rest.helpers import API, error_of

# Over two S3 parts (5 MiB in the tests), so the S3 store uses a multipart upload
LARGE = 12 * MiB + 12345


async def test_rest_multipart_upload_is_stored_and_downloads_byte_for_byte(
    client, services, make_user, store
):
    run = await owned(services, make_user)
    data = random_bytes(LARGE)
    response = await rest_upload(client, run.token, run.id, data, kind="CHECKPOINT")
    assert response.status_code == 201, response.text
    artifact = response.json()
    assert artifact["name"] == "model.bin"
    assert artifact["kind"] == "CHECKPOINT"
    assert artifact["size_bytes"] == len(data)
    assert artifact["sha256"] == sha256(data)
    assert artifact["content_type"] == "application/octet-stream"
    url = f"{API}/experiments/{run.id}/artifacts/{artifact['id']}/content"
    assert artifact["download_url"] == url
    got = await download(client, run.token, url + "?redirect=false")
    assert got.status_code == 200
    assert got.headers["content-length"] == str(len(data))
    assert got.headers["etag"] == f'"{sha256(data)}"'
    assert got.headers["accept-ranges"] == "bytes"
    assert 'filename="model.bin"' in got.headers["content-disposition"]
    assert got.content == data
    listing = await client.get(f"{API}/experiments/{run.id}/artifacts", headers=run.headers)
    assert listing.json() == {"artifacts": [artifact]}
    one = await client.get(
        f"{API}/experiments/{run.id}/artifacts/{artifact['id']}", headers=run.headers
    )
    assert one.json() == artifact
    assert await store.leftovers(f"experiments/{run.id}/") == [
        f"experiments/{run.id}/{artifact['id']}"
    ]


async def test_graphql_multipart_upload_and_experiment_artifacts(
    client, services, make_user, store
):
    run = await owned(services, make_user)
    data = random_bytes(LARGE)
    body = await gql_upload(client, run.token, run.id, data, kind="MODEL", name="ckpt/final.pt")
    assert "errors" not in body, body
    artifact = body["data"]["uploadArtifact"]
    assert artifact["name"] == "ckpt/final.pt"
    assert artifact["sizeBytes"] == len(data)
    assert artifact["sha256"] == sha256(data)
    got = await download(client, run.token, artifact["downloadUrl"] + "?redirect=false")
    assert got.content == data
    assert 'filename="final.pt"' in got.headers["content-disposition"]
    query = "query($id: ID!) { experiment(id: $id) { artifacts { id name sizeBytes kind } } }"
    listed = await ok(client, query, {"id": str(run.id)}, token=run.token)
    assert listed["experiment"]["artifacts"] == [
        {"id": artifact["id"], "name": "ckpt/final.pt", "sizeBytes": len(data), "kind": "MODEL"}
    ]


async def test_graphql_file_name_is_the_default_name(client, services, make_user):
    run = await owned(services, make_user)
    body = await gql_upload(
        client, run.token, run.id, b"report", kind="REPORT", filename="report.html"
    )
    assert body["data"]["uploadArtifact"]["name"] == "report.html"


async def test_raw_body_upload_like_curl_upload_file(client, services, make_user, store):
    run = await owned(services, make_user)
    data = random_bytes(3 * MiB)
    response = await client.post(
        f"{API}/experiments/{run.id}/artifacts",
        params={"kind": "dataset", "name": "train.parquet"},
        content=data,
        headers={**run.headers, "Content-Type": "application/vnd.apache.parquet"},
    )
    assert response.status_code == 201, response.text
    artifact = response.json()
    assert (artifact["kind"], artifact["name"]) == ("DATASET", "train.parquet")
    assert artifact["content_type"] == "application/vnd.apache.parquet"
    assert artifact["sha256"] == sha256(data)
    got = await download(client, run.token, artifact["download_url"] + "?redirect=false")
    assert got.headers["content-type"] == "application/vnd.apache.parquet"
    assert got.content == data


async def test_empty_file(client, services, make_user, store):
    run = await owned(services, make_user)
    response = await rest_upload(client, run.token, run.id, b"", filename="empty.txt")
    assert response.status_code == 201, response.text
    assert response.json()["size_bytes"] == 0
    assert response.json()["sha256"] == sha256(b"")
    got = await download(client, run.token, response.json()["download_url"] + "?redirect=false")
    assert got.status_code == 200 and got.content == b""


async def test_uploads_are_allowed_after_the_run_and_before_it(client, services, make_user):
    for status in ("COMPLETED", "QUEUED"):
        run = await owned(services, make_user, status=status)
        response = await rest_upload(
            client, run.token, run.id, b"final report", kind="REPORT", filename="report.md"
        )
        assert response.status_code == 201, (status, response.text)


async def test_ranges(client, services, make_user, store):
    run = await owned(services, make_user)
    data = random_bytes(2 * MiB + 7)
    artifact = (await rest_upload(client, run.token, run.id, data)).json()
    url = artifact["download_url"] + "?redirect=false"
    size = len(data)
    cases = {
        "bytes=10-19": (10, 19),
        "bytes=1048570-": (1048570, size - 1),
        "bytes=-100": (size - 100, size - 1),
        f"bytes=5-{size * 2}": (5, size - 1),
    }
    for header, (start, end) in cases.items():
        got = await download(client, run.token, url, Range=header)
        assert got.status_code == 206, header
        assert got.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert got.headers["content-length"] == str(end - start + 1)
        assert got.content == data[start : end + 1], header
    past = await download(client, run.token, url, Range=f"bytes={size}-")
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{size}"
    assert error_of(past)["code"] == "RANGE_NOT_SATISFIABLE"
    for ignored in ("bytes=0-1,5-6", "items=0-5", "bytes=9-3"):
        whole = await download(client, run.token, url, Range=ignored)
        assert whole.status_code == 200 and whole.content == data, ignored
    stale = await download(client, run.token, url, Range="bytes=0-9", **{"If-Range": '"x"'})
    assert stale.status_code == 200
    fresh = await download(
        client, run.token, url, Range="bytes=0-9", **{"If-Range": f'"{sha256(data)}"'}
    )
    assert fresh.status_code == 206 and fresh.content == data[:10]
    head = await client.head(url, headers={**run.headers, "Range": "bytes=0-99"})
    assert head.status_code == 206 and head.headers["content-length"] == "100"
    assert head.content == b""


async def test_s3_download_redirects_to_a_presigned_url(
    client, services, make_user, s3_store, monkeypatch
):
    monkeypatch.setattr(services, "store", s3_store)
    run = await owned(services, make_user)
    data = random_bytes(MiB + 3)
    artifact = (await rest_upload(client, run.token, run.id, data, filename="w.safetensors")).json()
    answer = await download(client, run.token, artifact["download_url"])
    assert answer.status_code == 307
    assert answer.headers["cache-control"] == "no-store"
    location = answer.headers["location"]
    assert location.startswith(s3_store.endpoint_url or "")
    async with httpx.AsyncClient() as outside:  # the client follows it, without our token
        whole = await outside.get(location)
        assert whole.status_code == 200 and whole.content == data
        assert "w.safetensors" in whole.headers["content-disposition"]
        part = await outside.get(location, headers={"Range": "bytes=100-199"})
        assert part.status_code == 206 and part.content == data[100:200]


async def test_download_of_an_unknown_artifact_is_not_found(client, services, make_user):
    run = await owned(services, make_user)
    for artifact_id in ("00000000-0000-0000-0000-000000000000", "nope"):
        got = await download(
            client, run.token, f"{API}/experiments/{run.id}/artifacts/{artifact_id}/content"
        )
        assert got.status_code == 404
        assert error_of(got)["code"] == "NOT_FOUND"
    await nothing_left(services, run.id)


async def test_download_url_is_absolute_with_a_public_base_url(client, services, make_user, limits):
    limits(public_base_url="https://expsvc.example.com/")
    run = await owned(services, make_user)
    artifact = (await rest_upload(client, run.token, run.id, b"x")).json()
    assert artifact["download_url"].startswith("https://expsvc.example.com/api/v1/experiments/")
    query = "query($id: ID!) { experiment(id: $id) { artifacts { downloadUrl } } }"
    data = await ok(client, query, {"id": str(run.id)}, token=run.token)
    assert data["experiment"]["artifacts"][0]["downloadUrl"] == artifact["download_url"]


async def test_uploads_need_a_token(client, services, make_user):
    run = await owned(services, make_user)
    response = await client.post(
        f"{API}/experiments/{run.id}/artifacts", files={"file": ("a", b"x")}
    )
    assert response.status_code == 401
    listing = await client.get(f"{API}/experiments/{run.id}/artifacts")
    assert listing.status_code == 401
