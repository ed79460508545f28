"""``expsvc serve``'s one-line warnings about backing services that do not answer (here:
S3 through moto, a closed port for Redis and MLflow, a real Redis when configured)."""

from __future__ import annotations

import os
import socket

from app.config import Settings
from app.startup_checks import backing_service_warnings
from app.storage.s3 import S3Store, ensure_bucket
from tests.pg import TEST_REDIS_ENV
from tests.s3 import MotoServer


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_nothing_configured_nothing_to_say() -> None:
    assert await backing_service_warnings(Settings()) == []


async def test_each_silent_service_is_one_line(moto_server: MotoServer) -> None:
    port = closed_port()
    settings = Settings(
        redis_url=f"redis://:secret@127.0.0.1:{port}/0",
        artifact_store_url="s3://no-such-bucket/artifacts",
        s3_endpoint_url=moto_server.url,
        mlflow_tracking_uri=f"http://127.0.0.1:{port}",
    )
    redis, s3, mlflow = await backing_service_warnings(settings)
    assert redis.startswith(f"Redis at redis://127.0.0.1:{port} does not answer")
    assert "secret" not in redis
    assert s3.startswith('the S3 bucket "no-such-bucket" does not exist at http://127.0.0.1:')
    assert mlflow.startswith(f"MLflow at http://127.0.0.1:{port} does not answer")


async def test_answering_services_say_nothing(moto_server: MotoServer) -> None:
    store = S3Store("s3://startup-checks/a", endpoint_url=moto_server.url)
    await ensure_bucket(store)
    await store.close()
    settings = Settings(
        redis_url=os.environ.get(TEST_REDIS_ENV, ""),
        artifact_store_url="s3://startup-checks/artifacts",
        s3_endpoint_url=moto_server.url,
        mlflow_tracking_uri=moto_server.url,  # any HTTP answer will do
    )
    assert await backing_service_warnings(settings) == []


async def test_an_unreachable_s3_endpoint_is_one_line() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    settings = Settings(artifact_store_url="s3://b/a", s3_endpoint_url=url)
    (line,) = await backing_service_warnings(settings)
    assert line.startswith(f"S3 at {url} does not answer")
