"""Slow and oversized clients against a real server, over raw sockets: the header timeout
(``app/http_protocol.py``), the body timeout (``app/read_timeouts.py``) and the request
size limit seen from the wire."""

from __future__ import annotations

import asyncio
import contextlib

import orjson
import pytest

from app.models.enums import Role


async def connect(address: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = address.split(":")
    return await asyncio.open_connection(host, int(port))


async def read_until_closed(reader: asyncio.StreamReader, seconds: float = 10) -> bytes:
    """Everything the server sends until it closes the connection."""
    async with asyncio.timeout(seconds):
        return await reader.read()


async def request(address: str, raw: bytes) -> bytes:
    reader, writer = await connect(address)
    writer.write(raw)
    await writer.drain()
    answer = await read_until_closed(reader)
    writer.close()
    return answer


async def test_slowloris_headers_get_408_and_are_closed(start_server):
    address = await start_server(http_header_timeout_seconds=0.5)

    async def slowloris() -> bytes:
        reader, writer = await connect(address)
        writer.write(b"POST /graphql HTTP/1.1\r\nHost: test\r\n")
        answer = asyncio.ensure_future(read_until_closed(reader))
        sent = 0
        with contextlib.suppress(ConnectionError):
            while not answer.done():  # a header line every 0.1 s: never complete
                writer.write(f"X-Slow-{sent}: 1\r\n".encode())
                await writer.drain()
                sent += 1
                await asyncio.sleep(0.1)
        writer.close()
        return await answer

    answers = await asyncio.gather(*(slowloris() for _ in range(20)))
    assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers), answers[:1]


async def test_a_connection_that_sends_nothing_is_closed(start_server):
    address = await start_server(http_header_timeout_seconds=0.3)
    reader, writer = await connect(address)
    assert (await read_until_closed(reader)).startswith(b"HTTP/1.1 408 ")
    writer.close()


async def test_requests_with_prompt_headers_are_served_on_a_kept_alive_connection(start_server):
    """The header clock runs from a request's first byte: a kept-alive connection idle for
    longer than the header timeout (within uvicorn's keep-alive) is still served."""
    address = await start_server(http_header_timeout_seconds=0.3)
    reader, writer = await connect(address)
    for _ in range(2):
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200 ")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        await asyncio.sleep(0.6)  # idle for twice the header timeout
    writer.close()


@pytest.mark.parametrize("path", ["/graphql", "/api/v1/experiments"])
async def test_a_stalled_body_gets_408_and_is_closed(start_server, make_user, path):
    address = await start_server(http_body_timeout_seconds=0.5)
    _, token = await make_user(Role.DS)
    reader, writer = await connect(address)
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: 1000\r\n\r\n".encode()
        + b'{"query": "'
    )
    await writer.drain()
    answer = await read_until_closed(reader)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408 ")
    body = orjson.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert body["error"]["code"] == "REQUEST_TIMEOUT"


async def test_a_body_arriving_slowly_but_steadily_is_served(start_server):
    address = await start_server(http_body_timeout_seconds=0.5)
    body = b'{"query": "{ __typename }"}'
    reader, writer = await connect(address)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    for start in range(0, len(body), 7):  # 4 chunks, 0.2 s apart: 0.8 s in all
        writer.write(body[start : start + 7])
        await writer.drain()
        await asyncio.sleep(0.2)
    answer = await read_until_closed(reader)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert orjson.loads(answer.split(b"\r\n\r\n", 1)[1]) == {"data": {"__typename": "Query"}}


async def test_a_declared_oversized_body_is_refused_before_it_is_sent(start_server):
    address = await start_server(max_request_bytes=4096)
    answer = await request(
        address,
        b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b"Content-Length: 301000000\r\n\r\n",  # and not one byte of it
    )
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b'"PAYLOAD_TOO_LARGE"' in answer


async def test_a_chunked_oversized_body_is_cut_at_the_limit(start_server):
    """The server answers once the limit is passed: the client has sent a few KiB of the
    50 MB it meant to, and the server has read no more."""
    address = await start_server(max_request_bytes=4096)
    reader, writer = await connect(address)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b" " * 1024
    sent = 0
    answer = asyncio.ensure_future(read_until_closed(reader))
    with contextlib.suppress(ConnectionError):
        while sent < 50_000_000 and not answer.done():
            writer.write(b"400\r\n" + chunk + b"\r\n")
            await writer.drain()
            sent += len(chunk)
            await asyncio.sleep(0.001)
    assert (await answer).startswith(b"HTTP/1.1 413 ")
    assert sent < 1_000_000
    writer.close()
