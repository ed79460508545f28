"""Who may upload, list and download: the contract's roles."""

from __future__ import annotations

from app.models.enums import Role
from tests.artifacts.helpers import (
    gql_upload,
    nothing_left,
    owned,
    rest_upload,
)
from tests.graphql import error_codes
from tests.rest.helpers import API, bearer, error_of


async def test_another_ds_sees_nothing(client, services, make_user):
    run = await owned(services, make_user)
    artifact = (await rest_upload(client, run.token, run.id, b"weights")).json()
    _other, token = await make_user(Role.DS)
    upload = await rest_upload(client, token, run.id, b"intruder")
    assert upload.status_code == 404 and error_of(upload)["code"] == "NOT_FOUND"
    listing = await client.get(f"{API}/experiments/{run.id}/artifacts", headers=bearer(token))
    assert listing.status_code == 404
    content = await client.get(artifact["download_url"], headers=bearer(token))
    assert content.status_code == 404
    assert error_codes(await gql_upload(client, token, run.id, b"x")) == ["NOT_FOUND"]
    direct = await client.post(
        f"{API}/experiments/{run.id}/artifact-uploads",
        json={"name": "x", "kind": "MODEL", "size_bytes": 10},
        headers=bearer(token),
    )
    assert direct.status_code == 404


async def test_an_observer_reads_but_may_not_upload(client, services, make_user):
    observer, token = await make_user(Role.DS)
    run = await owned(services, make_user, observers=(observer,))
    artifact = (await rest_upload(client, run.token, run.id, b"weights")).json()
    listing = await client.get(f"{API}/experiments/{run.id}/artifacts", headers=bearer(token))
    assert listing.status_code == 200 and len(listing.json()["artifacts"]) == 1
    content = await client.get(artifact["download_url"] + "?redirect=false", headers=bearer(token))
    assert content.status_code == 200 and content.content == b"weights"
    refused = await rest_upload(client, token, run.id, b"mine")
    assert refused.status_code == 403 and error_of(refused)["code"] == "FORBIDDEN"
    assert error_codes(await gql_upload(client, token, run.id, b"x")) == ["FORBIDDEN"]
    listing = await client.get(f"{API}/experiments/{run.id}/artifacts", headers=bearer(token))
    assert len(listing.json()["artifacts"]) == 1


async def test_a_curator_uploads_to_any_experiment(client, services, make_user):
    run = await owned(services, make_user)
    _curator, token = await make_user(Role.CURATOR)
    response = await rest_upload(client, token, run.id, b"curated", kind="REPORT")
    assert response.status_code == 201
    body = await gql_upload(client, token, run.id, b"again", kind="OTHER")
    assert "errors" not in body


async def test_graphql_upload_without_a_token_is_unauthenticated(client, services, make_user):
    run = await owned(services, make_user)
    body = await gql_upload(client, "", run.id, b"x")
    assert error_codes(body) == ["UNAUTHENTICATED"]
    await nothing_left(services, run.id)
