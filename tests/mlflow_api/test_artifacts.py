"""The MLflow artifact proxy routes through the ASGI app: uploads, replacing, listing,
downloads and deletes over our artifact rules (permissions, limits, nothing half-written).
The real ``mlflow`` client against a real server is in ``test_artifacts_client.py``."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from app.mlflow_api.app import ARTIFACT_PREFIXES
from app.mlflow_api.artifacts import kind_of
from app.models.enums import ArtifactKind, Role
from app.services import Services
from tests.artifacts import conftest as artifact_fixtures
from tests.artifacts.helpers import (
    Owned,
    assert_accounting,
    nothing_left,
    owned,
    random_bytes,
    rest_upload,
    rows_of,
)
from tests.builders import create_hypothesis
from tests.rest.helpers import API, bearer

# The artifact tests' fixtures: the store under test (local, and S3 through moto) and limits
moto_server = artifact_fixtures.moto_server
s3_store = artifact_fixtures.s3_store
store = artifact_fixtures.store
limits = artifact_fixtures.limits

ROOT = "/api/2.0/mlflow-artifacts/artifacts"


def run_path(run: Owned, name: str = "") -> str:
    """The path of ``name`` under the run's artifact URI, as the client builds it."""
    base = f"{run.hypothesis.id}/{run.id}/artifacts"
    return f"{base}/{name}" if name else base


async def put(
    client: httpx.AsyncClient, run: Owned, name: str, data: bytes, token: str | None = None
) -> httpx.Response:
    return await client.put(
        f"{ROOT}/{run_path(run, name)}",
        content=data,
        headers={**bearer(token or run.token), "Content-Type": "application/octet-stream"},
    )


async def get(
    client: httpx.AsyncClient, run: Owned, name: str, token: str | None = None
) -> httpx.Response:
    return await client.get(f"{ROOT}/{run_path(run, name)}", headers=bearer(token or run.token))


async def listing(
    client: httpx.AsyncClient, run: Owned, folder: str = "", token: str | None = None
) -> httpx.Response:
    return await client.get(
        ROOT, params={"path": run_path(run, folder)}, headers=bearer(token or run.token)
    )


async def files(client: httpx.AsyncClient, run: Owned, folder: str = "") -> list[dict[str, Any]]:
    response = await listing(client, run, folder)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["files"]
    return found


async def our_artifacts(client: httpx.AsyncClient, run: Owned) -> list[dict[str, Any]]:
    """The run's artifacts as our REST API lists them."""
    response = await client.get(f"{API}/experiments/{run.id}/artifacts", headers=run.headers)
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.json()["artifacts"]
    return found


def code_of(response: httpx.Response) -> str:
    code: str = response.json()["error_code"]
    return code


async def stored_objects(services: Services, run: Owned) -> list[str]:
    return await services.store.leftovers(f"experiments/{run.id}/")


# --- uploading, listing, downloading ----------------------------------------------------


@pytest.mark.usefixtures("store")
async def test_upload_list_and_download(client, services, make_user):
    run = await owned(services, make_user)
    contents = {
        "metrics.json": b'{"auc": 0.91}',
        "plots/loss.png": random_bytes(3000),
        "model/MLmodel": b"flavors: {}\n",
        "model/data/model.pkl": random_bytes(1500),
        "epoch-3.ckpt": random_bytes(200),
    }
    for name, data in contents.items():
        response = await put(client, run, name, data)
        assert response.status_code == 200, response.text
        assert response.json() == {}

    assert await files(client, run) == [
        {"path": "epoch-3.ckpt", "is_dir": False, "file_size": 200},
        {"path": "metrics.json", "is_dir": False, "file_size": len(contents["metrics.json"])},
        {"path": "model", "is_dir": True},
        {"path": "plots", "is_dir": True},
    ]
    assert await files(client, run, "model") == [
        {"path": "MLmodel", "is_dir": False, "file_size": len(contents["model/MLmodel"])},
        {"path": "data", "is_dir": True},
    ]
    assert await files(client, run, "model/data/") == [
        {"path": "model.pkl", "is_dir": False, "file_size": 1500}
    ]
    assert await files(client, run, "nothing-here") == []
    assert await files(client, run, "metrics.json") == []  # a file is not a folder

    for name, data in contents.items():
        response = await get(client, run, name)
        assert response.status_code == 200
        assert response.content == data
        assert response.headers["content-length"] == str(len(data))
        assert response.headers["content-type"] == "application/octet-stream"
        assert name.rsplit("/", 1)[-1] in response.headers["content-disposition"]

    rows = await our_artifacts(client, run)
    kinds = {row["name"]: (row["kind"], row["size_bytes"]) for row in rows}
    assert kinds == {
        "metrics.json": ("OTHER", len(contents["metrics.json"])),
        "plots/loss.png": ("OTHER", 3000),
        "model/MLmodel": ("MODEL", len(contents["model/MLmodel"])),
        "model/data/model.pkl": ("MODEL", 1500),
        "epoch-3.ckpt": ("CHECKPOINT", 200),
    }
    await assert_accounting(services)


async def test_the_ajax_alias_serves_the_same_routes(client, services, make_user):
    run = await owned(services, make_user)
    ajax = ARTIFACT_PREFIXES[1] + "/artifacts"
    assert ajax.startswith("/ajax-api/")
    response = await client.put(
        f"{ajax}/{run_path(run, 'notes.txt')}", content=b"hello", headers=run.headers
    )
    assert response.status_code == 200
    listed = await client.get(ajax, params={"path": run_path(run)}, headers=run.headers)
    assert listed.json() == {"files": [{"path": "notes.txt", "is_dir": False, "file_size": 5}]}
    fetched = await client.get(f"{ajax}/{run_path(run, 'notes.txt')}", headers=run.headers)
    assert fetched.content == b"hello"


async def test_head_and_an_empty_file(client, services, make_user):
    run = await owned(services, make_user)
    assert (await put(client, run, "empty.txt", b"")).status_code == 200
    assert (await put(client, run, "data.bin", b"12345")).status_code == 200
    assert await files(client, run) == [
        {"path": "data.bin", "is_dir": False, "file_size": 5},
        {"path": "empty.txt", "is_dir": False, "file_size": 0},
    ]
    empty = await get(client, run, "empty.txt")
    assert empty.status_code == 200 and empty.content == b""
    head = await client.head(f"{ROOT}/{run_path(run, 'data.bin')}", headers=run.headers)
    assert head.status_code == 200
    assert head.headers["content-length"] == "5" and head.content == b""


async def test_a_streamed_body_of_unknown_size(client, services, make_user):
    run = await owned(services, make_user)
    data = random_bytes(300_000)

    async def chunks() -> AsyncIterator[bytes]:
        for offset in range(0, len(data), 65_536):
            yield data[offset : offset + 65_536]

    response = await client.put(
        f"{ROOT}/{run_path(run, 'big/blob.bin')}", content=chunks(), headers=run.headers
    )
    assert response.status_code == 200, response.text
    assert (await get(client, run, "big/blob.bin")).content == data


async def test_names_with_spaces_and_accents(client, services, make_user):
    run = await owned(services, make_user)
    name = "rapports/résumé final #2.txt"
    response = await client.put(
        f"{ROOT}/{run_path(run, quote(name))}", content=b"bonjour", headers=run.headers
    )
    assert response.status_code == 200, response.text
    assert await files(client, run, "rapports") == [
        {"path": "résumé final #2.txt", "is_dir": False, "file_size": 7}
    ]
    fetched = await client.get(f"{ROOT}/{run_path(run, quote(name))}", headers=run.headers)
    assert fetched.content == b"bonjour"
    assert [row["name"] for row in await our_artifacts(client, run)] == [name]


async def test_a_completed_run_still_takes_artifacts(client, services, make_user):
    run = await owned(services, make_user, status="COMPLETED")
    assert (await put(client, run, "late.txt", b"after the end")).status_code == 200
    assert (await get(client, run, "late.txt")).content == b"after the end"


# --- replacing and deleting -------------------------------------------------------------


@pytest.mark.usefixtures("store")
async def test_a_second_upload_to_a_path_replaces_the_first(client, services, make_user):
    run = await owned(services, make_user)
    assert (await put(client, run, "model/weights.bin", random_bytes(4000))).status_code == 200
    assert (await put(client, run, "other.txt", b"kept")).status_code == 200
    newer = random_bytes(1000)
    assert (await put(client, run, "model/weights.bin", newer)).status_code == 200

    assert await files(client, run, "model") == [
        {"path": "weights.bin", "is_dir": False, "file_size": 1000}
    ]
    assert (await get(client, run, "model/weights.bin")).content == newer
    names = sorted(row["name"] for row in await our_artifacts(client, run))
    assert names == ["model/weights.bin", "other.txt"]
    assert len(await stored_objects(services, run)) == 2  # the replaced object is gone
    await assert_accounting(services)


async def test_replacing_also_replaces_an_artifact_uploaded_through_rest(
    client, services, make_user
):
    run = await owned(services, make_user)
    first = await rest_upload(client, run.token, run.id, b"from rest", filename="report.html")
    assert first.status_code == 201
    again = await rest_upload(client, run.token, run.id, b"rest twice", filename="report.html")
    assert again.status_code == 201  # REST keeps both
    assert await files(client, run) == [
        {"path": "report.html", "is_dir": False, "file_size": len(b"rest twice")}
    ]
    assert (await get(client, run, "report.html")).content == b"rest twice"
    assert (await put(client, run, "report.html", b"mlflow")).status_code == 200
    rows = await our_artifacts(client, run)
    assert [(row["name"], row["size_bytes"]) for row in rows] == [("report.html", 6)]
    await assert_accounting(services)


async def test_a_refused_replacement_keeps_the_old_artifact(client, services, make_user, limits):
    run = await owned(services, make_user)
    assert (await put(client, run, "model.pt", b"old weights")).status_code == 200
    limits(artifact_max_bytes=20)
    refused = await put(client, run, "model.pt", random_bytes(21))
    assert refused.status_code == 400 and code_of(refused) == "RESOURCE_LIMIT_EXCEEDED"
    assert (await get(client, run, "model.pt")).content == b"old weights"
    assert await rows_of(services, run.id) == (1, 0)
    assert len(await stored_objects(services, run)) == 1
    await assert_accounting(services)


@pytest.mark.usefixtures("store")
async def test_delete_a_file_and_a_folder(client, services, make_user):
    run = await owned(services, make_user)
    for name in ("a.txt", "ab.txt", "dir/x.txt", "dir/sub/y.txt", "dirt.txt"):
        assert (await put(client, run, name, name.encode())).status_code == 200
    deleted = await client.delete(f"{ROOT}/{run_path(run, 'a.txt')}", headers=run.headers)
    assert deleted.status_code == 200 and deleted.json() == {}
    deleted = await client.delete(f"{ROOT}/{run_path(run, 'dir')}", headers=run.headers)
    assert deleted.status_code == 200
    assert [entry["path"] for entry in await files(client, run)] == ["ab.txt", "dirt.txt"]
    assert len(await stored_objects(services, run)) == 2
    missing = await client.delete(f"{ROOT}/{run_path(run, 'never')}", headers=run.headers)
    assert missing.status_code == 200  # as MLflow: deleting nothing is no error
    everything = await client.delete(f"{ROOT}/{run_path(run)}", headers=run.headers)
    assert everything.status_code == 200
    await nothing_left(services, run.id)


# --- who may ----------------------------------------------------------------------------


async def test_another_ds_sees_no_run(client, services, make_user):
    run = await owned(services, make_user)
    assert (await put(client, run, "secret.txt", b"mine")).status_code == 200
    _other, token = await make_user(Role.DS)
    answers = [
        await put(client, run, "intruder.txt", b"x", token=token),
        await get(client, run, "secret.txt", token=token),
        await listing(client, run, token=token),
        await client.delete(f"{ROOT}/{run_path(run, 'secret.txt')}", headers=bearer(token)),
    ]
    for response in answers:
        assert response.status_code == 404
        assert code_of(response) == "RESOURCE_DOES_NOT_EXIST"
    assert [row["name"] for row in await our_artifacts(client, run)] == ["secret.txt"]


async def test_an_observer_reads_but_may_not_write(client, services, make_user):
    observer, token = await make_user(Role.DS)
    run = await owned(services, make_user, observers=(observer,))
    assert (await put(client, run, "shared/report.txt", b"for all")).status_code == 200
    assert [e["path"] for e in (await listing(client, run, "shared", token)).json()["files"]] == [
        "report.txt"
    ]
    assert (await get(client, run, "shared/report.txt", token)).content == b"for all"
    refused = [
        await put(client, run, "shared/report.txt", b"mine now", token=token),
        await put(client, run, "new.txt", b"mine", token=token),
        await client.delete(f"{ROOT}/{run_path(run, 'shared')}", headers=bearer(token)),
    ]
    for response in refused:
        assert response.status_code == 403
        assert code_of(response) == "PERMISSION_DENIED"
    assert [(r["name"], r["size_bytes"]) for r in await our_artifacts(client, run)] == [
        ("shared/report.txt", 7)
    ]
    await assert_accounting(services)


async def test_without_a_token_is_unauthenticated(client, services, make_user):
    run = await owned(services, make_user)
    response = await client.put(f"{ROOT}/{run_path(run, 'x.txt')}", content=b"x")
    assert response.status_code == 401 and code_of(response) == "UNAUTHENTICATED"
    await nothing_left(services, run.id)


# --- limits -----------------------------------------------------------------------------


async def test_a_file_over_the_limit_is_refused_with_nothing_written(
    client, services, make_user, limits
):
    limits(artifact_max_bytes=1000)
    run = await owned(services, make_user)
    declared = await put(client, run, "big.bin", random_bytes(1001))
    assert declared.status_code == 400
    assert code_of(declared) == "RESOURCE_LIMIT_EXCEEDED"
    assert "1000" in declared.json()["message"]
    data = random_bytes(5000)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: crossed midway
        for offset in range(0, len(data), 700):
            yield data[offset : offset + 700]

    streamed = await client.put(
        f"{ROOT}/{run_path(run, 'big.bin')}", content=chunks(), headers=run.headers
    )
    assert streamed.status_code == 400 and code_of(streamed) == "RESOURCE_LIMIT_EXCEEDED"
    assert await files(client, run) == []
    await nothing_left(services, run.id)


async def test_the_experiment_quota_holds(client, services, make_user, limits):
    limits(artifact_quota_per_experiment_bytes=1500)
    run = await owned(services, make_user)
    assert (await put(client, run, "one.bin", random_bytes(1000))).status_code == 200
    refused = await put(client, run, "two.bin", random_bytes(1000))
    assert refused.status_code == 400 and code_of(refused) == "RESOURCE_LIMIT_EXCEEDED"
    assert [entry["path"] for entry in await files(client, run)] == ["one.bin"]
    assert await rows_of(services, run.id) == (1, 0)
    await assert_accounting(services)


# --- paths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "%2E%2E/outside.txt",  # '..', escaped so the client does not resolve it
        "dir/%2e%2e/%2e%2e/x",
        "dir//x.txt",  # an empty segment
        "dir/",  # no file name
        "dir%5Cx.txt",  # a backslash
        "C:/windows.txt",
        "a" * 256,
        "bad%00name",
    ],
)
async def test_bad_paths_are_refused(client, services, make_user, name):
    run = await owned(services, make_user)
    response = await client.put(
        f"{ROOT}/{run.hypothesis.id}/{run.id}/artifacts/{name}", content=b"x", headers=run.headers
    )
    assert response.status_code == 400, response.text
    assert code_of(response) == "INVALID_PARAMETER_VALUE"
    await nothing_left(services, run.id)


async def test_bad_listing_paths_are_refused(client, services, make_user):
    run = await owned(services, make_user)
    for path in (f"{run_path(run)}/../other", f"/{run_path(run)}", f"{run_path(run)}/a\\b"):
        response = await client.get(ROOT, params={"path": path}, headers=run.headers)
        assert response.status_code == 400 and code_of(response) == "INVALID_PARAMETER_VALUE"


async def test_paths_that_name_no_run(client, services, make_user):
    run = await owned(services, make_user)
    elsewhere = await create_hypothesis(services, run.user, title="another")
    unknown = uuid.uuid4()
    paths = [
        f"{run.hypothesis.id}/{unknown}/artifacts/x.txt",  # no such run
        f"{elsewhere.id}/{run.id}/artifacts/x.txt",  # the run is not in that hypothesis
        f"{run.hypothesis.id}/not-a-uuid/artifacts/x.txt",
        f"{run.hypothesis.id}/{run.id}/x.txt",  # not under the run's artifacts
        f"{run.hypothesis.id}/models/m-0123/artifacts/MLmodel",  # a logged model's place
        "x.txt",
    ]
    for path in paths:
        for response in (
            await client.put(f"{ROOT}/{path}", content=b"x", headers=run.headers),
            await client.get(f"{ROOT}/{path}", headers=run.headers),
        ):
            assert response.status_code == 404, (path, response.text)
            assert code_of(response) == "RESOURCE_DOES_NOT_EXIST"
    for folder in ("", str(run.hypothesis.id), f"{elsewhere.id}/{run.id}/artifacts"):
        response = await client.get(ROOT, params={"path": folder}, headers=run.headers)
        assert response.status_code == 404 and code_of(response) == "RESOURCE_DOES_NOT_EXIST"
    await nothing_left(services, run.id)


async def test_downloads_of_what_is_not_a_file(client, services, make_user):
    run = await owned(services, make_user)
    assert (await put(client, run, "dir/x.txt", b"x")).status_code == 200
    missing = await get(client, run, "dir/y.txt")
    assert missing.status_code == 404 and code_of(missing) == "RESOURCE_DOES_NOT_EXIST"
    folder = await get(client, run, "dir")
    assert folder.status_code == 404 and code_of(folder) == "RESOURCE_DOES_NOT_EXIST"
    root = await client.get(f"{ROOT}/{run_path(run)}", headers=run.headers)
    assert root.status_code == 400 and code_of(root) == "INVALID_PARAMETER_VALUE"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("MLmodel", ArtifactKind.MODEL),
        ("model/MLmodel", ArtifactKind.MODEL),
        ("model/data/model.pkl", ArtifactKind.MODEL),
        ("models/classifier/weights.bin", ArtifactKind.MODEL),
        ("model/last.ckpt", ArtifactKind.MODEL),
        ("epoch-3.ckpt", ArtifactKind.CHECKPOINT),
        ("checkpoints/step-100.PT", ArtifactKind.CHECKPOINT),
        ("best.pth", ArtifactKind.CHECKPOINT),
        ("model.txt", ArtifactKind.OTHER),
        ("plots/model", ArtifactKind.OTHER),
        ("reports/my_model/notes.md", ArtifactKind.OTHER),
    ],
)
def test_the_kind_an_upload_gets(name, kind):
    assert kind_of(name) is kind
