"""Replacing artifacts by name (an upload with ``replace``) and deleting them: the rows, the
stored objects and the quotas stay in step, and only callers who may act may do either."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from app.artifacts import reading, removal, streamed
from app.errors import Forbidden, NotFound
from app.models import Artifact
from app.models.enums import ArtifactKind, Role
from app.services import Services
from tests.artifacts.helpers import (
    Owned,
    assert_accounting,
    chunked,
    nothing_left,
    owned,
    random_bytes,
)

pytestmark = pytest.mark.usefixtures("store")


async def upload(
    services: Services,
    run: Owned,
    name: str,
    data: bytes,
    *,
    replace: bool = False,
    chunks: AsyncIterator[bytes] | None = None,
    declared: bool = False,
) -> Artifact:
    return await streamed.upload_artifact(
        services,
        actor=run.user,
        experiment_id=run.id,
        name=name,
        kind=ArtifactKind.OTHER,
        content_type=None,
        size_bytes=len(data) if declared else None,
        chunks=chunks if chunks is not None else chunked(data),
        replace=replace,
    )


async def names_and_sizes(services: Services, run: Owned) -> list[tuple[str, int]]:
    async with services.db.reader() as session:
        rows = await reading.list_artifacts(session, actor=run.user, experiment_id=run.id)
    return sorted((row.name, row.size_bytes) for row in rows)


async def objects(services: Services, run: Owned) -> int:
    return len(await services.store.leftovers(f"experiments/{run.id}/"))


async def test_replace_deletes_only_the_same_name(services, make_user):
    run = await owned(services, make_user)
    await upload(services, run, "a/model.bin", random_bytes(3000))
    await upload(services, run, "a/model.bin", random_bytes(2000))  # without replace: kept
    await upload(services, run, "a/model.bin.bak", random_bytes(100))
    await upload(services, run, "other/model.bin", random_bytes(100))
    latest = await upload(services, run, "a/model.bin", b"newest", replace=True)
    assert await names_and_sizes(services, run) == [
        ("a/model.bin", 6),
        ("a/model.bin.bak", 100),
        ("other/model.bin", 100),
    ]
    assert await objects(services, run) == 3
    async with services.db.reader() as session:
        found = await reading.find_artifact(
            session, actor=run.user, experiment_id=run.id, name="a/model.bin"
        )
    assert found.id == latest.id
    await assert_accounting(services)


@pytest.mark.parametrize("declared", [True, False])
async def test_concurrent_replaces_leave_one_artifact(services, make_user, declared):
    """Every upload has its row and bytes in flight before any records itself, so their
    recording transactions overlap: each must see the ones before it. (A declared size
    is reserved exactly, so recording gives nothing back: no quota update takes the
    experiment's lock for it.)"""
    run = await owned(services, make_user)
    count = 4
    barrier = asyncio.Barrier(count)

    async def held(data: bytes) -> AsyncIterator[bytes]:
        yield data[:10]
        await barrier.wait()
        yield data[10:]

    payloads = [random_bytes(1000 + i) for i in range(count)]
    stored = await asyncio.gather(
        *(
            upload(
                services,
                run,
                "weights.pt",
                data,
                replace=True,
                chunks=held(data),
                declared=declared,
            )
            for data in payloads
        )
    )
    assert len({row.id for row in stored}) == count
    listed = await names_and_sizes(services, run)
    assert len(listed) == 1 and listed[0][0] == "weights.pt"
    assert await objects(services, run) == 1
    await assert_accounting(services)


async def test_delete_a_name_and_a_folder(services, make_user):
    run = await owned(services, make_user)
    for name in ("dir", "dir/a.txt", "dir/sub/b.txt", "dir2/c.txt", "dir.txt", "d%r/x", "d_r/y"):
        await upload(services, run, name, name.encode())
    assert (
        await removal.delete_artifacts(services, actor=run.user, experiment_id=run.id, path="dir")
        == 3
    )
    assert (
        await removal.delete_artifacts(services, actor=run.user, experiment_id=run.id, path="d%r")
        == 1
    )  # a LIKE wildcard in a name matches only itself
    assert [name for name, _ in await names_and_sizes(services, run)] == [
        "d_r/y",
        "dir.txt",
        "dir2/c.txt",
    ]
    assert await objects(services, run) == 3
    await assert_accounting(services)
    assert (
        await removal.delete_artifacts(services, actor=run.user, experiment_id=run.id, path="") == 3
    )
    await nothing_left(services, run.id)


async def test_who_may_delete(services, make_user):
    observer, _token = await make_user(Role.DS)
    run = await owned(services, make_user, observers=(observer,))
    await upload(services, run, "kept.txt", b"kept")
    stranger, _token = await make_user(Role.DS)
    with pytest.raises(NotFound):
        await removal.delete_artifacts(services, actor=stranger, experiment_id=run.id, path="")
    with pytest.raises(Forbidden):
        await removal.delete_artifacts(services, actor=observer, experiment_id=run.id, path="")
    assert await names_and_sizes(services, run) == [("kept.txt", 4)]
    curator, _token = await make_user(Role.CURATOR)
    deleted = await removal.delete_artifacts(
        services, actor=curator, experiment_id=run.id, path="kept.txt"
    )
    assert deleted == 1
    await nothing_left(services, run.id)


async def test_an_observer_may_not_replace(services, make_user):
    observer, _token = await make_user(Role.DS)
    run = await owned(services, make_user, observers=(observer,))
    await upload(services, run, "kept.txt", b"kept")
    as_observer = Owned(observer, "", run.hypothesis, run.experiment)
    with pytest.raises(Forbidden):
        await upload(services, as_observer, "kept.txt", b"mine", replace=True)
    assert await names_and_sizes(services, run) == [("kept.txt", 4)]
    assert await objects(services, run) == 1
    await assert_accounting(services)
