"""The records of a ``.wandb`` transaction log that a run's import (or a reader of a
mirrored run) needs, decoded with ``protobuf`` and the descriptors of ``proto.py`` (the
field numbers of ``wandb/proto/wandb_internal.proto``), without ``wandb``.

``decode_record`` answers plain dataclasses; ``reader.py`` reads the frequent history and
summary records from the parsed message directly (``parse``), which is what makes a
million points quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import DecodeError as _ProtobufDecodeError

from app.integrations.wandb.proto import Record as _Record

# Record.record_type (wandb_internal.proto)
HISTORY, SUMMARY, OUTPUT, CONFIG, FILES = 2, 3, 4, 5, 6
OUTPUT_RAW, RUN, EXIT, FINAL = 13, 17, 18, 20
_KINDS = {
    "history": HISTORY,
    "summary": SUMMARY,
    "output": OUTPUT,
    "config": CONFIG,
    "files": FILES,
    "output_raw": OUTPUT_RAW,
    "run": RUN,
    "exit": EXIT,
}


class DecodeError(ValueError):
    """Bytes that are not a well-formed protobuf message."""


def parse(data: bytes) -> tuple[int, Any] | None:
    """(record type, the parsed sub-message) of a Record of a type an import uses, else
    None; ``DecodeError`` when the bytes are not a well-formed Record."""
    try:
        record = _Record.FromString(data)
    except _ProtobufDecodeError as error:
        raise DecodeError(str(error)) from None
    name = record.WhichOneof("record_type")
    if name is None:
        return None
    return _KINDS[name], getattr(record, name)


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


def key_of(message: Any) -> str:
    """An Item message's key: ``key``, else its ``nested_key`` parts joined with dots."""
    key: str = message.key
    if not key:
        nested = message.nested_key
        key = nested[0] if len(nested) == 1 else ".".join(nested)
    return key


def item_of(message: Any) -> Item:
    """An Item message (HistoryItem, ConfigItem, SummaryItem) as an ``Item``."""
    return Item(key_of(message), message.value_json)


def _timestamp(message: Any) -> datetime:
    return datetime.fromtimestamp(message.seconds + message.nanos / 1e9, UTC)


def _run(message: Any) -> Run:
    return Run(
        run_id=message.run_id,
        entity=message.entity,
        project=message.project,
        display_name=message.display_name,
        notes=message.notes,
        group=message.run_group,
        job_type=message.job_type,
        host=message.host,
        tags=list(message.tags),
        start_time=_timestamp(message.start_time) if message.HasField("start_time") else None,
        config=[item_of(update) for update in message.config.update],
    )


def _history(message: Any) -> History:
    step = message.step.num if message.HasField("step") else None
    return History([item_of(item) for item in message.item], step)


def _updates(message: Any) -> Updates:
    return Updates(
        [item_of(update) for update in message.update],
        [item_of(removed).key for removed in message.remove],
    )


def _output(message: Any) -> Output:
    stamp = _timestamp(message.timestamp) if message.HasField("timestamp") else None
    return Output("stdout" if message.output_type == 1 else "stderr", message.line, stamp)


def _exit(message: Any) -> Exit:
    return Exit(message.exit_code, message.runtime)


def _files(message: Any) -> Files:
    return Files([item.path for item in message.files])


_DECODERS: dict[int, Callable[[Any], Decoded]] = {
    HISTORY: _history,
    SUMMARY: _updates,
    OUTPUT: _output,
    OUTPUT_RAW: _output,
    CONFIG: _updates,
    FILES: _files,
    RUN: _run,
    EXIT: _exit,
}


def decode(kind: int, message: Any) -> Decoded:
    """A parsed sub-message (``parse``) as its dataclass."""
    return _DECODERS[kind](message)


def decode_record(data: bytes) -> Tagged | None:
    """The record's content when it is of a type a run's import uses, else None.
    ``DecodeError`` when the bytes are not a well-formed Record."""
    parsed = parse(data)
    if parsed is None:
        return None
    kind, message = parsed
    return Tagged(kind, _DECODERS[kind](message))
