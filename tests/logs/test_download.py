"""The text download of a 1,000,000-line log: complete, in order, and streamed in chunks."""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from app.models.enums import Role
from tests.logs.helpers import bulk_load, running
from tests.logs.streaming import StreamingASGITransport
from tests.logs.test_rest import local_app, url, wired
from tests.rest.helpers import bearer

LINES = 1_000_000
MAX_CHUNK_BYTES = 1024 * 1024

log = logging.getLogger(__name__)


@pytest.fixture
async def streaming(services, app):
    """A client that receives the body chunk by chunk as the app sends it."""
    target = app if wired() else local_app(services)
    async with httpx.AsyncClient(
        transport=StreamingASGITransport(target), base_url="http://test"
    ) as client:
        yield client


async def test_a_million_line_log_downloads_as_a_stream(streaming, services, make_user):
    run = await running(services, make_user, Role.DS)
    started = time.monotonic()
    await bulk_load(services, run.id, LINES)
    loaded = time.monotonic()
    chunks = lines = biggest = 0
    first = tail = b""
    async with streaming.stream(
        "GET", url(run.id), params={"format": "text"}, headers=bearer(run.token)
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.headers["content-disposition"] == (
            f'attachment; filename="experiment-{run.id}.log"'
        )
        assert "content-length" not in response.headers
        async for chunk in response.aiter_raw():
            chunks += 1
            lines += chunk.count(b"\n")
            biggest = max(biggest, len(chunk))
            first = first or chunk.split(b"\n", 1)[0]
            tail = (tail + chunk)[-200:]
    done = time.monotonic()
    log.warning(
        "1M-line download: load %.1f s, download %.1f s, %d chunks",
        loaded - started,
        done - loaded,
        chunks,
    )
    assert lines == LINES
    assert first == b"2026-01-01T00:00:00.000000+00:00 INFO [stdout] line 1"
    assert tail.splitlines()[-1] == b"2026-01-01T00:00:00.000000+00:00 INFO [stdout] line 1000000"
    assert chunks > 1 and biggest <= MAX_CHUNK_BYTES
