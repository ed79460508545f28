"""Limits: the per-file maximum, the experiment's and the installation's quotas, names and
kinds. Each refusal answers its code and leaves nothing behind; quotas hold under
concurrent uploads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from app.artifacts import streamed
from app.errors import StorageLimitExceeded
from app.logs import service as logs
from tests.artifacts.helpers import (
    MiB,
    assert_accounting,
    gql_upload,
    nothing_left,
    owned,
    random_bytes,
    rest_upload,
    rows_of,
)
from tests.graphql import error_codes
from tests.rest.helpers import API, error_of

pytestmark = pytest.mark.usefixtures("store")


async def _system_lines(services, run) -> list[str]:
    async with services.db.reader() as session:
        page = await logs.read_lines(session, actor=run.user, experiment_id=run.id, first=100)
    return [line.message for line in page.lines if line.source == "system"]


async def test_per_file_limit_declared_is_refused_before_any_byte(
    client, services, make_user, limits
):
    limits(artifact_max_bytes=MiB)
    run = await owned(services, make_user)
    response = await rest_upload(
        client, run.token, run.id, random_bytes(2 * MiB), params={"size_bytes": 2 * MiB}
    )
    assert response.status_code == 413
    error = error_of(response)
    assert error["code"] == "ARTIFACT_TOO_LARGE"
    assert error["details"] == {"limit_bytes": MiB, "size_bytes": 2 * MiB}
    await nothing_left(services, run.id)


async def test_per_file_limit_crossed_midway(client, services, make_user, limits):
    limits(artifact_max_bytes=MiB)
    run = await owned(services, make_user)
    fine = await rest_upload(client, run.token, run.id, random_bytes(MiB), filename="ok.bin")
    assert fine.status_code == 201
    response = await rest_upload(client, run.token, run.id, random_bytes(MiB + 1))
    assert response.status_code == 413
    assert error_of(response)["code"] == "ARTIFACT_TOO_LARGE"
    listing = await client.get(f"{API}/experiments/{run.id}/artifacts", headers=run.headers)
    assert [a["name"] for a in listing.json()["artifacts"]] == ["ok.bin"]
    await assert_accounting(services)


async def test_per_file_limit_over_graphql(client, services, make_user, limits):
    limits(artifact_max_bytes=1000)
    run = await owned(services, make_user)
    midway = await gql_upload(client, run.token, run.id, random_bytes(5000))
    assert error_codes(midway) == ["ARTIFACT_TOO_LARGE"]
    declared = await gql_upload(client, run.token, run.id, random_bytes(5000), size_bytes=5000)
    assert error_codes(declared) == ["ARTIFACT_TOO_LARGE"]
    await nothing_left(services, run.id)


async def test_experiment_quota_declared_and_midway(client, services, make_user, limits):
    limits(artifact_quota_per_experiment_bytes=3 * MiB)
    run = await owned(services, make_user)
    first = await rest_upload(client, run.token, run.id, random_bytes(2 * MiB))
    assert first.status_code == 201
    declared = await rest_upload(
        client, run.token, run.id, random_bytes(2 * MiB), params={"size_bytes": 2 * MiB}
    )
    assert declared.status_code == 507
    error = error_of(declared)
    assert error["code"] == "STORAGE_LIMIT_EXCEEDED"
    assert error["details"]["scope"] == "experiment"
    assert error["details"]["limit_bytes"] == 3 * MiB
    midway = await rest_upload(client, run.token, run.id, random_bytes(2 * MiB))
    assert midway.status_code == 507
    exact = await rest_upload(client, run.token, run.id, random_bytes(MiB))
    assert exact.status_code == 201, "the quota is usable to the last byte"
    listing = await client.get(f"{API}/experiments/{run.id}/artifacts", headers=run.headers)
    assert len(listing.json()["artifacts"]) == 2
    await assert_accounting(services)
    prefix = f"experiments/{run.id}/"
    assert len(await services.store.leftovers(prefix)) == 2


async def test_installation_quota(client, services, make_user, limits):
    limits(storage_quota_bytes=2 * MiB)
    one = await owned(services, make_user)
    two = await owned(services, make_user)
    assert (await rest_upload(client, one.token, one.id, random_bytes(MiB + 10))).status_code == 201
    refused = await rest_upload(client, two.token, two.id, random_bytes(MiB))
    assert refused.status_code == 507
    assert error_of(refused)["details"]["scope"] == "installation"
    await nothing_left(services, two.id)
    gql = await gql_upload(client, two.token, two.id, random_bytes(MiB), size_bytes=MiB)
    assert error_codes(gql) == ["STORAGE_LIMIT_EXCEEDED"]
    await nothing_left(services, two.id)


@pytest.mark.parametrize("declared", [True, False])
async def test_concurrent_uploads_never_exceed_the_quota(
    client, services, make_user, limits, declared
):
    limits(artifact_quota_per_experiment_bytes=3 * MiB)
    run = await owned(services, make_user)
    size = MiB
    params = {"size_bytes": size} if declared else None
    answers = await asyncio.gather(
        *(
            rest_upload(
                client, run.token, run.id, random_bytes(size), filename=f"{i}.bin", params=params
            )
            for i in range(5)
        )
    )
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [201, 201, 201, 507, 507]
    await assert_accounting(services)
    assert len(await services.store.leftovers(f"experiments/{run.id}/")) == 3


async def _interleaved(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """The bytes as a slow client sends them: concurrent uploads' chunks interleave."""
    for offset in range(0, len(data), size):
        await asyncio.sleep(0.001)
        yield data[offset : offset + size]


async def _upload_all(services, run, sizes: list[int], *, declared: bool) -> list[str]:
    """Stream uploads of these sizes at once; each answers "stored" or the error's code."""

    async def one(number: int, size: int) -> str:
        try:
            await streamed.upload_artifact(
                services,
                actor=run.user,
                experiment_id=run.id,
                name=f"{number}.bin",
                kind="MODEL",
                content_type=None,
                size_bytes=size if declared else None,
                chunks=_interleaved(random_bytes(size)),
            )
        except StorageLimitExceeded as exc:
            return exc.code
        return "stored"

    return list(await asyncio.gather(*(one(n, size) for n, size in enumerate(sizes))))


@pytest.mark.parametrize("declared", [True, False])
async def test_concurrent_uploads_that_fit_are_all_stored(services, make_user, limits, declared):
    limits(artifact_quota_per_experiment_bytes=5 * MiB)
    run = await owned(services, make_user)
    answers = await _upload_all(services, run, [MiB] * 5, declared=declared)
    assert answers == ["stored"] * 5
    assert await rows_of(services, run.id) == (5, 0)
    await assert_accounting(services)


@pytest.mark.parametrize("declared", [True, False])
async def test_as_many_concurrent_uploads_as_fit_are_stored(services, make_user, limits, declared):
    """12 uploads of 900 KiB at once with 5.3 MiB free: 6 fit, and 6 are stored (not
    fewer: partial reservations of uploads that cannot all finish must not crowd out the
    ones that can); the other 6 are refused and leave nothing behind."""
    limits(artifact_quota_per_experiment_bytes=int(5.3 * MiB))
    run = await owned(services, make_user)
    answers = await _upload_all(services, run, [900 * 1024] * 12, declared=declared)
    assert sorted(answers) == ["STORAGE_LIMIT_EXCEEDED"] * 6 + ["stored"] * 6
    assert await rows_of(services, run.id) == (6, 0)
    assert len(await services.store.leftovers(f"experiments/{run.id}/")) == 6
    await assert_accounting(services)


async def test_the_installation_quota_under_concurrent_uploads(services, make_user, limits):
    limits(storage_quota_bytes=int(2.5 * MiB))
    one = await owned(services, make_user)
    two = await owned(services, make_user)
    first, second = await asyncio.gather(
        _upload_all(services, one, [600 * 1024] * 3, declared=False),
        _upload_all(services, two, [600 * 1024] * 3, declared=False),
    )
    assert sorted(first + second) == ["STORAGE_LIMIT_EXCEEDED"] * 2 + ["stored"] * 4
    assert (await rows_of(services, one.id))[1] == (await rows_of(services, two.id))[1] == 0
    await assert_accounting(services)


async def test_a_refusal_on_a_running_experiment_is_logged(client, services, make_user, limits):
    limits(artifact_max_bytes=100, artifact_quota_per_experiment_bytes=150)
    run = await owned(services, make_user)
    assert (await rest_upload(client, run.token, run.id, b"x" * 200)).status_code == 413
    assert (await rest_upload(client, run.token, run.id, b"x" * 100)).status_code == 201
    assert (await rest_upload(client, run.token, run.id, b"x" * 100)).status_code == 507
    lines = await _system_lines(services, run)
    assert len(lines) == 2
    assert lines[0].startswith("artifact upload refused (ARTIFACT_TOO_LARGE)")
    assert lines[1].startswith("artifact upload refused (STORAGE_LIMIT_EXCEEDED)")


async def test_no_log_line_after_the_run(client, services, make_user, limits):
    limits(artifact_max_bytes=100)
    run = await owned(services, make_user, status="COMPLETED")
    assert (await rest_upload(client, run.token, run.id, b"x" * 200)).status_code == 413
    assert await _system_lines(services, run) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("/etc/passwd", "absolute"),
        ("C:\\model.pt", "absolute"),
        ("../../secret", "'..'"),
        ("ckpt/../../x", "'..'"),
        ("bad\nname", "control"),
        ("bell\x07", "control"),
        ("x" * 256, "255"),
        ("   ", "required"),
    ],
)
async def test_bad_names_are_refused(client, services, make_user, name, message):
    run = await owned(services, make_user)
    response = await rest_upload(client, run.token, run.id, b"data", fields={"name": name})
    assert response.status_code == 422
    assert message in error_of(response)["details"]["fields"]["name"]
    await nothing_left(services, run.id)


async def test_names_may_be_relative_paths_of_255_characters(client, services, make_user):
    run = await owned(services, make_user)
    for name in ("checkpoints/epoch-3.pt", "a" * 255, "vérsion 2 (final).bin", "..hidden"):
        response = await rest_upload(client, run.token, run.id, b"data", fields={"name": name})
        assert response.status_code == 201, (name, response.text)
        assert response.json()["name"] == name


async def test_kind_must_be_one_of_the_enum(client, services, make_user):
    run = await owned(services, make_user)
    response = await rest_upload(client, run.token, run.id, b"data", kind="WEIGHTS")
    assert response.status_code == 422
    assert "MODEL" in error_of(response)["details"]["fields"]["kind"]
    missing = await client.post(
        f"{API}/experiments/{run.id}/artifacts",
        files={"file": ("a.bin", b"data")},
        headers=run.headers,
    )
    assert missing.status_code == 422
    await nothing_left(services, run.id)
