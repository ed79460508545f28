"""Validating log lines: defaults, the 64 KiB cut with its marker, all-or-nothing errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from app.errors import PayloadTooLarge, ValidationFailed
from app.logs.schemas import MAX_MESSAGE_BYTES, parse_batch, parse_lines, truncate_message
from app.models.enums import LogLevel

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MARKER = re.compile(r"… \[truncated (\d+) bytes\]$")


def test_defaults_level_info_source_stdout_time_received():
    (line,) = parse_lines([{"message": "hello"}], now=NOW, limit=10)
    assert (line.level, line.source, line.timestamp, line.message) == (
        LogLevel.INFO,
        "stdout",
        NOW,
        "hello",
    )


def test_explicit_fields_and_lenient_spellings():
    lines = parse_lines(
        [
            {
                "level": "warning",
                "message": "a",
                "source": "stderr",
                "timestamp": "2026-01-01T00:00:01Z",
            },
            {"level": "ERROR", "message": "b", "source": "system", "timestamp": 1767225600000},
            {"level": None, "message": "c", "timestamp": "2026-01-01T00:00:02"},
        ],
        now=NOW,
        limit=10,
    )
    assert [line.level for line in lines] == [LogLevel.WARNING, LogLevel.ERROR, LogLevel.INFO]
    assert [line.source for line in lines] == ["stderr", "system", "stdout"]
    assert lines[0].timestamp == datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert lines[1].timestamp == datetime(2026, 1, 1, tzinfo=UTC)
    assert lines[2].timestamp == datetime(2026, 1, 1, 0, 0, 2, tzinfo=UTC)


def test_a_message_at_the_limit_is_kept_whole():
    message = "x" * MAX_MESSAGE_BYTES
    assert truncate_message(message) == message


@pytest.mark.parametrize("unit", ["x", "é", "€", "😀"])
def test_a_longer_message_is_cut_to_fit_with_a_visible_marker(unit):
    message = unit * (MAX_MESSAGE_BYTES // len(unit.encode()) + 1000)
    cut = truncate_message(message)
    encoded = cut.encode("utf-8")
    assert len(encoded) <= MAX_MESSAGE_BYTES
    assert len(encoded) > MAX_MESSAGE_BYTES - 40  # it fills the room, minus the marker
    match = MARKER.search(cut)
    assert match is not None
    head = cut[: match.start()]
    assert message.startswith(head)
    assert int(match.group(1)) == len(message.encode()) - len(head.encode())


def test_a_huge_message_is_cut_not_refused():
    (line,) = parse_lines([{"message": "y" * 5_000_000}], now=NOW, limit=10)
    assert len(line.message.encode()) <= MAX_MESSAGE_BYTES
    assert line.message.endswith(f"… [truncated {5_000_000 - line.message.index('…')} bytes]")


def test_characters_postgresql_cannot_store_are_replaced():
    assert truncate_message("a\x00b") == "a\ufffdb"
    assert truncate_message("a\ud800b") == "a\ufffdb"


def test_an_empty_batch_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        parse_lines([], now=NOW, limit=10)
    assert caught.value.fields == {"lines": "a batch needs at least one line"}


def test_too_many_lines_is_payload_too_large_before_any_line_is_read():
    with pytest.raises(PayloadTooLarge):
        parse_lines([object()] * 11, now=NOW, limit=10)


def test_every_bad_line_is_named_and_nothing_is_kept():
    items = [
        {"message": "fine"},
        {"level": "LOUD", "message": "x"},
        {"message": 42},
        {"message": "x", "source": "stdin"},
        {"message": "x", "timestamp": "yesterday"},
        {"message": "x", "colour": "red"},
        {"level": "INFO"},
        "just a string",
    ]
    with pytest.raises(ValidationFailed) as caught:
        parse_lines(items, now=NOW, limit=100)
    assert set(caught.value.fields) == {
        "lines.1.level",
        "lines.2.message",
        "lines.3.source",
        "lines.4.timestamp",
        "lines.5.colour",
        "lines.6.message",
        "lines.7",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([{"message": "x"}], "body"),
        ({"lines": {"message": "x"}}, "lines"),
        ({}, "lines"),
        ({"lines": [{"message": "x"}], "extra": 1}, "body"),
    ],
)
def test_the_rest_body_shape(body, field):
    with pytest.raises(ValidationFailed) as caught:
        parse_batch(body, now=NOW, limit=10)
    assert field in caught.value.fields
