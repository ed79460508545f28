"""The pieces without I/O: names, ranges, and the streaming multipart reader."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.artifacts.multipart import MultipartReader, boundary_of
from app.artifacts.names import file_name, name_error
from app.artifacts.ranges import ByteRange, Unsatisfiable, parse_range
from app.errors import BadRequest, PayloadTooLarge


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("model.pt", True),
        ("ckpt/epoch-3/model.pt", True),
        ("模型.bin", True),
        ("a" * 255, True),
        ("a" * 256, False),
        ("", False),
        ("/abs", False),
        ("\\\\server\\share", False),
        ("D:/x", False),
        ("..", False),
        ("a/../b", False),
        ("a\\..\\b", False),
        ("tab\there", False),
        ("nul\x00", False),
        ("del\x7f", False),
        ("line\u2028sep", False),
    ],
)
def test_names(name: str, ok: bool) -> None:
    assert (name_error(name) is None) is ok


def test_file_name_is_the_last_segment() -> None:
    assert file_name("ckpt/epoch-3/model.pt") == "model.pt"
    assert file_name("win\\model.pt") == "model.pt"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-0", ByteRange(0, 0)),
        ("bytes=0-", ByteRange(0, 99)),
        ("bytes=90-200", ByteRange(90, 99)),
        ("bytes=-10", ByteRange(90, 99)),
        ("bytes=-1000", ByteRange(0, 99)),
        ("Bytes = 5-6", ByteRange(5, 6)),
        (None, None),
        ("bytes=5-2", None),
        ("bytes=a-b", None),
        ("bytes=1-2,4-5", None),
        ("lines=1-2", None),
        ("bytes=-", None),
        ("bytes=--5", None),
    ],
)
def test_ranges(header: str | None, expected: ByteRange | None) -> None:
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize(
    ("header", "size"), [("bytes=100-", 100), ("bytes=-0", 100), ("bytes=-5", 0)]
)
def test_unsatisfiable_ranges(header: str, size: int) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, size)


def test_if_range_must_match_the_etag() -> None:
    assert parse_range("bytes=0-1", 10, if_range='"a"', etag='"b"') is None
    assert parse_range("bytes=0-1", 10, if_range='"a"', etag='"a"') == ByteRange(0, 1)


BODY = (
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="kind"\r\n\r\n'
    b"MODEL\r\n"
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="file"; filename="w.bin"\r\n'
    b"Content-Type: application/x-weights\r\n\r\n"
    b"\r\n--XyZnot-a-boundary\r\n\x00\xff" + bytes(range(256)) * 40 + b"\r\n"
    b"--XyZ--\r\n"
)
PAYLOAD = b"\r\n--XyZnot-a-boundary\r\n\x00\xff" + bytes(range(256)) * 40


async def _pieces(data: bytes, size: int) -> AsyncIterator[bytes]:
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


@pytest.mark.parametrize("piece", [1, 2, 7, 64, 1000, len(BODY)])
async def test_multipart_reader_whatever_the_chunking(piece: int) -> None:
    reader = MultipartReader(_pieces(BODY, piece), b"XyZ")
    kind = await reader.next_part()
    assert kind is not None and (kind.name, kind.filename) == ("kind", None)
    assert await reader.read_value(100) == b"MODEL"
    file = await reader.next_part()
    assert file is not None
    assert (file.name, file.filename, file.content_type) == (
        "file",
        "w.bin",
        "application/x-weights",
    )
    assert b"".join([chunk async for chunk in reader.data()]) == PAYLOAD
    assert await reader.next_part() is None


async def test_multipart_reader_skips_unread_parts_and_limits_fields() -> None:
    reader = MultipartReader(_pieces(BODY, 10), b"XyZ")
    assert (await reader.next_part()) is not None
    with pytest.raises(PayloadTooLarge):
        await reader.read_value(3)
    reader = MultipartReader(_pieces(BODY, 10), b"XyZ")
    await reader.next_part()
    file = await reader.next_part()  # the rest of "kind" is skipped
    assert file is not None and file.name == "file"


async def test_truncated_multipart_body() -> None:
    reader = MultipartReader(_pieces(BODY[:-40], 50), b"XyZ")
    await reader.next_part()
    await reader.next_part()
    with pytest.raises(BadRequest):
        async for _chunk in reader.data():
            pass


def test_boundary_of_a_content_type() -> None:
    assert boundary_of("multipart/form-data; boundary=abc") == b"abc"
    assert boundary_of("application/octet-stream") is None
    with pytest.raises(BadRequest):
        boundary_of("multipart/form-data")


async def test_star_file_name() -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="x"; '
        b"filename*=UTF-8''%E6%A8%A1%E5%9E%8B.bin\r\n\r\nabc\r\n--b--\r\n"
    )
    reader = MultipartReader(_pieces(body, 5), b"b")
    part = await reader.next_part()
    assert part is not None and part.filename == "模型.bin"


async def test_graphql_multipart_must_start_with_operations(client) -> None:
    files = {"0": ("a.bin", b"x")}
    answer = await client.post("/graphql", files=files)
    assert answer.status_code == 400
    bad_map = await client.post(
        "/graphql",
        data={"operations": '{"query": "{ __typename }"}', "map": '{"0": ["nowhere.deep"]}'},
        files=files,
    )
    assert bad_map.status_code == 400
