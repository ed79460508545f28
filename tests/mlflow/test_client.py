"""The MLflow client's handling of a connection the server drops without answering (what
a kept-alive connection closed by the server looks like), over real loopback TCP."""

from __future__ import annotations

import asyncio

import pytest

from app.config import Settings
from app.integrations.mlflow.client import MlflowClient, MlflowError


async def dropping_server(drops: int) -> tuple[asyncio.Server, list[int]]:
    """Drops the first ``drops`` requests unanswered, then answers 200 ``{}``."""
    seen: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            seen.append(len(seen))
            if len(seen) <= drops:
                writer.close()
                return
            body = b"{}"
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                + f"content-length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, seen


@pytest.mark.parametrize(("drops", "answered"), [(1, True), (2, False)])
async def test_a_dropped_connection_is_tried_once_more(drops: int, answered: bool) -> None:
    server, seen = await dropping_server(drops)
    port = server.sockets[0].getsockname()[1]
    client = MlflowClient(Settings(mlflow_tracking_uri=f"http://127.0.0.1:{port}"))
    try:
        if answered:
            await client.log_batch("run", metrics=[])
            assert len(seen) == 2
        else:
            with pytest.raises(MlflowError) as error:
                await client.log_batch("run", metrics=[])
            assert error.value.retryable
            assert len(seen) == 2
    finally:
        await client.close()
        server.close()
        await server.wait_closed()
