"""Artifact fixtures: the stores under test (the local folder always, S3 through moto's
standalone server when moto is installed), and settings a test can tighten."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from app.services import Services
from app.storage.base import ArtifactStore
from app.storage.s3 import S3Store, ensure_bucket
from tests.s3 import DUMMY_CREDENTIALS, MotoServer, moto_available

S3_PART_SIZE = 5 * 1024 * 1024  # S3's smallest part: a 12 MiB file is a 3-part upload


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    if not moto_available():
        pytest.skip("moto[server] is not installed")
    saved = {name: os.environ.get(name) for name in DUMMY_CREDENTIALS}
    os.environ.update(DUMMY_CREDENTIALS)
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
async def s3_store(moto_server: MotoServer) -> AsyncIterator[S3Store]:
    store = S3Store(
        "s3://expsvc-test/artifacts", endpoint_url=moto_server.url, part_size=S3_PART_SIZE
    )
    await ensure_bucket(store)
    yield store
    await store.close()


@pytest.fixture(params=["local", "s3"])
def store(
    request: pytest.FixtureRequest, services: Services, monkeypatch: pytest.MonkeyPatch
) -> ArtifactStore:
    """The store the app uses in this test: each test using it runs on both."""
    if request.param == "s3":
        chosen: ArtifactStore = request.getfixturevalue("s3_store")
        monkeypatch.setattr(services, "store", chosen)
    return services.store


@pytest.fixture
def limits(services: Services, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``limits(artifact_max_bytes=…, artifact_quota_per_experiment_bytes=…, …)``."""

    def tighten(**values: Any) -> None:
        monkeypatch.setattr(services, "settings", services.settings.model_copy(update=values))

    return tighten
