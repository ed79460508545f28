"""Log batches: validating incoming lines (REST bodies and GraphQL inputs alike).

A batch is all or nothing: one bad line refuses the whole batch with every bad field named.
A message longer than ``MAX_MESSAGE_BYTES`` of UTF-8 is not refused: it is cut to fit and
ends with a visible marker saying how much was cut.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter, field_validator
from pydantic import ValidationError as PydanticValidationError

from app.errors import PayloadTooLarge, ValidationFailed
from app.experiments.system_log import SYSTEM_SOURCE
from app.models.enums import LogLevel
from app.validation import UtcDateTime, field_errors

MAX_MESSAGE_BYTES = 64 * 1024
SOURCES = ("stdout", "stderr", SYSTEM_SOURCE)
DEFAULT_SOURCE = "stdout"
MAX_REPORTED_ERRORS = 50

Source = Literal["stdout", "stderr", "system"]


@dataclass(frozen=True)
class LogLineData:
    """One validated line, ready to store (its sequence number comes at insert time)."""

    level: LogLevel
    message: str
    source: str
    timestamp: datetime


class LogLineIn(BaseModel):
    """One line as sent; ``level`` is case-insensitive, ``source`` defaults to stdout."""

    model_config = ConfigDict(extra="forbid")

    level: LogLevel = LogLevel.INFO
    message: str
    timestamp: UtcDateTime | None = None
    source: Source | None = None

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        if value is None:
            return LogLevel.INFO
        return value.upper() if isinstance(value, str) else value

    @field_validator("timestamp", mode="before")
    @classmethod
    def _epoch_millis(cls, value: Any) -> Any:
        """Numbers are epoch milliseconds (as in the metric batches), not pydantic's guess."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return datetime.fromtimestamp(value / 1000, tz=UTC)
            except (OverflowError, OSError, ValueError):
                raise ValueError("must be an ISO-8601 time or epoch milliseconds") from None
        return value


_LINES = TypeAdapter(list[LogLineIn])
# Lines validated per call. pydantic-core keeps the interpreter for a whole call, so one
# call over 10,000 lines, even in a worker thread, would keep the event loop waiting ~25 ms
VALIDATION_CHUNK = 500
_SURROGATE = re.compile("[\ud800-\udfff]")


def truncate_message(message: str, limit: int = MAX_MESSAGE_BYTES) -> str:
    """``message`` if it fits in ``limit`` bytes of UTF-8; otherwise its head and a marker.

    The result (head + marker) is at most ``limit`` bytes, cut on a character boundary.
    Characters PostgreSQL cannot store (NUL, lone surrogates) become U+FFFD.
    """
    if "\x00" in message:
        message = message.replace("\x00", "\ufffd")
    try:
        encoded = message.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates (JSON allows "\ud800"; UTF-8 does not)
        message = _SURROGATE.sub("\ufffd", message)
        encoded = message.encode("utf-8")
    if len(encoded) <= limit:
        return message
    # The marker with the total size is at least as long as the final one
    room = limit - len(_marker(len(encoded)).encode("utf-8"))
    head = encoded[:room].decode("utf-8", "ignore")
    return head + _marker(len(encoded) - len(head.encode("utf-8")))


def _marker(cut_bytes: int) -> str:
    return f"… [truncated {cut_bytes} bytes]"


def _check_count(count: int, limit: int) -> None:
    if count == 0:
        raise ValidationFailed({"lines": "a batch needs at least one line"})
    if count > limit:
        raise PayloadTooLarge(
            f"a batch holds at most {limit} lines", details={"limit": limit, "lines": count}
        )


def parse_lines(items: Sequence[Any], *, now: datetime, limit: int) -> list[LogLineData]:
    """Validate raw lines (mappings) into ``LogLineData``; all or nothing.

    ``now`` stamps lines sent without a timestamp; more than ``limit`` lines is
    ``PAYLOAD_TOO_LARGE``, an empty batch or any bad line ``VALIDATION_FAILED``.
    """
    _check_count(len(items), limit)
    parsed: list[LogLineIn] = []
    errors: dict[str, str] = {}
    for start in range(0, len(items), VALIDATION_CHUNK):
        try:
            parsed.extend(_LINES.validate_python(items[start : start + VALIDATION_CHUNK]))
        except PydanticValidationError as exc:
            for path, message in field_errors(exc).items():
                index, _, rest = path.partition(".")
                where = f"lines.{start + int(index)}" + (f".{rest}" if rest else "")
                errors.setdefault(where, message)
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
    if errors:
        reported = dict(list(errors.items())[:MAX_REPORTED_ERRORS])
        raise ValidationFailed(reported, message="invalid log batch; nothing was written")
    return [_line(line, now) for line in parsed]


def _line(line: LogLineIn, now: datetime) -> LogLineData:
    stamp = line.timestamp or now
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return LogLineData(
        level=line.level,
        message=truncate_message(line.message),
        source=line.source or DEFAULT_SOURCE,
        timestamp=stamp,
    )


BODY_FIELDS = ("lines", "batch_id")


def parse_batch(body: Any, *, now: datetime, limit: int) -> tuple[list[LogLineData], Any]:
    """A REST body ``{"lines": [...], "batch_id"?}`` into validated lines and the batch id
    as sent (the use case checks it: ``check_batch_id``)."""
    if not isinstance(body, Mapping):
        raise ValidationFailed({"body": "must be an object {lines: [...]}"})
    unknown = sorted(str(key) for key in body if key not in BODY_FIELDS)
    if unknown:
        raise ValidationFailed({"body": "unknown fields: " + ", ".join(unknown)})
    lines = body.get("lines")
    if not isinstance(lines, list):
        raise ValidationFailed({"lines": "must be a list of lines"})
    return parse_lines(lines, now=now, limit=limit), body.get("batch_id")
