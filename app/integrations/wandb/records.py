"""The records of a ``.wandb`` transaction log that a run's import (or a reader of a
mirrored run) needs, decoded from protobuf's wire format without ``wandb`` or ``protobuf``.

The field numbers are those of ``wandb/proto/wandb_internal.proto`` (``Record`` and the
messages it holds); unknown fields and record types are skipped, as protobuf skips them,
so a newer ``wandb`` that adds fields still reads. A hand decoder of the ~15 fields used
keeps the server free of ``wandb`` (large) and of generated code pinned to one protobuf
runtime; ``tests/wandb`` checks it against what the real ``wandb`` writes.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

# Record.record_type (wandb_internal.proto)
HISTORY, SUMMARY, OUTPUT, CONFIG, FILES = 2, 3, 4, 5, 6
OUTPUT_RAW, RUN, EXIT, FINAL = 13, 17, 18, 20


class DecodeError(ValueError):
    """Bytes that are not a well-formed protobuf message."""


def _varint(data: bytes, position: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if position >= len(data):
            raise DecodeError("truncated varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, position
        shift += 7
        if shift > 63:
            raise DecodeError("varint too long")


def fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a message: varints and fixed-width numbers as ints,
    length-delimited fields as bytes. ``DecodeError`` on malformed input."""
    position = 0
    size = len(data)
    while position < size:
        byte = data[position]
        if byte < 0x80:  # a one-byte key (fields 1-15), the common case
            key = byte
            position += 1
        else:
            key, position = _varint(data, position)
        number, wire = key >> 3, key & 7
        if wire == 2:
            byte = data[position] if position < size else 0x80
            if byte < 0x80:
                length = byte
                position += 1
            else:
                length, position = _varint(data, position)
            end = position + length
            if end > size:
                raise DecodeError("truncated field")
            yield number, data[position:end]
            position = end
        elif wire == 0:
            value, position = _varint(data, position)
            yield number, value
        elif wire == 1:
            if position + 8 > size:
                raise DecodeError("truncated field")
            yield number, struct.unpack_from("<q", data, position)[0]
            position += 8
        elif wire == 5:
            if position + 4 > size:
                raise DecodeError("truncated field")
            yield number, struct.unpack_from("<i", data, position)[0]
            position += 4
        else:
            raise DecodeError(f"unsupported wire type {wire}")


def _signed(value: int) -> int:
    """An int64/int32 varint as the signed number it encodes."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _text(value: int | bytes) -> str:
    if not isinstance(value, bytes):
        raise DecodeError("expected a length-delimited field")
    return value.decode("utf-8", "replace")


def _message(value: int | bytes) -> bytes:
    if not isinstance(value, bytes):
        raise DecodeError("expected a message")
    return value


def _number(value: int | bytes) -> int:
    if isinstance(value, bytes):
        raise DecodeError("expected a number")
    return _signed(value)


@dataclass
class Item:
    """A HistoryItem, ConfigItem or SummaryItem: a key (``nested_key`` joined with dots
    when the key is nested) and its value as JSON text."""

    key: str
    value_json: str


@dataclass
class Run:
    run_id: str = ""
    entity: str = ""
    project: str = ""
    display_name: str = ""
    notes: str = ""
    group: str = ""
    job_type: str = ""
    host: str = ""
    tags: list[str] = field(default_factory=list)
    start_time: datetime | None = None
    config: list[Item] = field(default_factory=list)


@dataclass
class History:
    items: list[Item]
    step: int | None


@dataclass
class Output:
    stream: str  # "stdout" or "stderr"
    line: str
    timestamp: datetime | None


@dataclass
class Exit:
    exit_code: int
    runtime: int


@dataclass
class Updates:
    """A ConfigRecord or SummaryRecord: keys set and keys removed."""

    update: list[Item]
    remove: list[str]


@dataclass
class Files:
    paths: list[str]


Decoded = Run | History | Output | Exit | Updates | Files


@dataclass
class Tagged:
    """A decoded record with its type (``CONFIG`` and ``SUMMARY`` share ``Updates``)."""

    kind: int
    value: Decoded


def _item(data: bytes) -> Item:
    key = ""
    nested: list[str] = []
    value_json = ""
    for number, value in fields(data):
        if number == 1:
            key = _text(value)
        elif number == 2:
            nested.append(_text(value))
        elif number == 16:
            value_json = _text(value)
    return Item(".".join(nested) if nested and not key else key, value_json)


def _timestamp(data: bytes) -> datetime:
    seconds = 0
    nanos = 0
    for number, value in fields(data):
        if number == 1:
            seconds = _number(value)
        elif number == 2:
            nanos = _number(value)
    return datetime.fromtimestamp(seconds + nanos / 1e9, UTC)


def _run(data: bytes) -> Run:
    run = Run()
    for number, value in fields(data):
        if number == 1:
            run.run_id = _text(value)
        elif number == 2:
            run.entity = _text(value)
        elif number == 3:
            run.project = _text(value)
        elif number == 4:
            run.config = _updates(_message(value)).update
        elif number == 6:
            run.group = _text(value)
        elif number == 7:
            run.job_type = _text(value)
        elif number == 8:
            run.display_name = _text(value)
        elif number == 9:
            run.notes = _text(value)
        elif number == 10:
            run.tags.append(_text(value))
        elif number == 13:
            run.host = _text(value)
        elif number == 17:
            run.start_time = _timestamp(_message(value))
    return run


def _history(data: bytes) -> History:
    items: list[Item] = []
    step: int | None = None
    for number, value in fields(data):
        if number == 1:
            items.append(_item(_message(value)))
        elif number == 2:  # HistoryStep { int64 num = 1; }
            step = 0
            for inner, num in fields(_message(value)):
                if inner == 1:
                    step = _number(num)
    return History(items, step)


def _updates(data: bytes) -> Updates:
    update: list[Item] = []
    remove: list[str] = []
    for number, value in fields(data):
        if number == 1:
            update.append(_item(_message(value)))
        elif number == 2:
            remove.append(_item(_message(value)).key)
    return Updates(update, remove)


def _output(data: bytes) -> Output:
    stream = "stderr"  # OutputType STDERR = 0 is the default
    line = ""
    timestamp: datetime | None = None
    for number, value in fields(data):
        if number == 1:
            stream = "stdout" if _number(value) == 1 else "stderr"
        elif number == 2:
            timestamp = _timestamp(_message(value))
        elif number == 3:
            line = _text(value)
    return Output(stream, line, timestamp)


def _exit(data: bytes) -> Exit:
    code = 0
    runtime = 0
    for number, value in fields(data):
        if number == 1:
            code = _signed32(_number(value))
        elif number == 2:
            runtime = _number(value)
    return Exit(code, runtime)


def _signed32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def _files(data: bytes) -> Files:
    paths: list[str] = []
    for number, value in fields(data):
        if number == 1:
            for inner, path in fields(_message(value)):
                if inner == 1:
                    paths.append(_text(path))
    return Files(paths)


_DECODERS: dict[int, Callable[[bytes], Decoded]] = {
    HISTORY: _history,
    SUMMARY: _updates,
    OUTPUT: _output,
    OUTPUT_RAW: _output,
    CONFIG: _updates,
    FILES: _files,
    RUN: _run,
    EXIT: _exit,
}


def decode_record(data: bytes) -> Tagged | None:
    """The record's content when it is of a type a run's import uses, else None.
    ``DecodeError`` when the bytes are not a well-formed Record."""
    found: Tagged | None = None
    for number, value in fields(data):
        decoder = _DECODERS.get(number)
        if decoder is not None:
            found = Tagged(number, decoder(_message(value)))
    return found
