"""The run's journal: what ``run.log`` returned on is already in the operating system.

Every point, log line and progress report is appended to a memory-mapped file in the run's
spool folder. A store into a shared file mapping lands in the page cache at once, so it
survives a SIGKILL of the training process (only a crash of the machine can lose what was
not yet written back; the sender ``msync``s while the server is unreachable).

A journal is a sequence of segment files ``seg-000001.xsj`` … of a fixed size. Each begins
with a 64-byte header:

======  =========================================================================
offset  field (little-endian unsigned 64-bit)
======  =========================================================================
0       magic ``XSJ1`` and padding
8       committed: the end of the last whole record (the writer's)
16      sealed: 1 once the writer moved to the next segment (the writer's)
24      acked: the end of what the server accepted (the sender's)
32, 40  intent: the range being sent, ``start``/``end`` (the sender's; 0, 0 when none)
======  =========================================================================

Records follow, each starting with its type byte. A record is written before ``committed``
moves past it, so a reader never sees half of one. Keys are written once per segment as
``KEY`` records and points refer to them by number; a segment is read on its own.
"""

from __future__ import annotations

import contextlib
import functools
import math
import mmap
import os
import re
import struct
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAGIC = b"XSJ1\0\0\0\0"
HEADER = 64
COMMITTED, SEALED, ACKED, INTENT_START, INTENT_END = 8, 16, 24, 32, 40
SEGMENT_BYTES = 16 * 1024 * 1024

KEY, POINT, LOG, PROGRESS = 1, 2, 3, 4
_U64 = struct.Struct("<Q")
_POINT = struct.Struct("<BIqdq")  # type, key number, step, value, epoch ms
_KEY = struct.Struct("<BIH")  # type, key number, length of the UTF-8 name that follows
_LOG = struct.Struct("<BBBqI")  # type, level, source, epoch ms, length of the UTF-8 text
_PROGRESS = struct.Struct("<Bqqqq")  # type, step, total steps, epoch, total epochs (-1: unset)

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
SOURCES = ("stdout", "stderr")
# The server's rules, checked here so a bad key fails at ``run.log`` and never a batch
KEY_RE = re.compile(r"^[A-Za-z0-9_\-./ ]{1,250}$")
MAX_STEP = 2**53 - 1
MAX_MESSAGE_BYTES = 64 * 1024


class JournalClosed(RuntimeError):
    """``run.log`` after the run finished."""


class SpoolFull(Exception):
    """The journal holds as many unsent bytes as it may; see ``Journal(max_bytes=)``."""


def segment_path(folder: Path, number: int) -> Path:
    return folder / f"seg-{number:06d}.xsj"


def segment_numbers(folder: Path) -> list[int]:
    numbers = []
    for path in folder.glob("seg-*.xsj"):
        try:
            numbers.append(int(path.stem[4:]))
        except ValueError:
            continue
    return sorted(numbers)


class Segment:
    """One segment file, mapped shared and writable (header fields are read and written
    through the mapping, so the writer and the sender see each other's at once)."""

    def __init__(self, path: Path, number: int, create_size: int = 0) -> None:
        self.path = path
        self.number = number
        flags = os.O_RDWR | (os.O_CREAT | os.O_EXCL if create_size else 0)
        fd = os.open(path, flags, 0o600)
        try:
            if create_size:
                os.ftruncate(fd, create_size)
            self.size = os.fstat(fd).st_size
            self.map = mmap.mmap(fd, self.size)
        finally:
            os.close(fd)
        if create_size:
            self.map[0:8] = MAGIC
            self.set(COMMITTED, HEADER)
            self.set(ACKED, HEADER)
        elif self.map[0:8] != MAGIC:
            self.map.close()
            raise ValueError(f"{path} is not a journal segment")

    def get(self, offset: int) -> int:
        value: int = _U64.unpack_from(self.map, offset)[0]
        return value

    def set(self, offset: int, value: int) -> None:
        _U64.pack_into(self.map, offset, value)

    @property
    def committed(self) -> int:
        return self.get(COMMITTED)

    @property
    def sealed(self) -> bool:
        return self.get(SEALED) == 1

    @property
    def acked(self) -> int:
        return self.get(ACKED)

    def sync(self) -> None:
        """Write the mapping back to disk (fsync of a mapped file)."""
        self.map.flush()

    def close(self) -> None:
        with contextlib.suppress(BufferError, ValueError):
            self.map.close()


class JournalWriter:
    """The training side: appends records; thread-safe (one lock, held for one call)."""

    def __init__(
        self, folder: Path, *, segment_bytes: int = SEGMENT_BYTES, max_bytes: int = 0
    ) -> None:
        self.folder = folder
        self.segment_bytes = segment_bytes
        self.max_bytes = max_bytes  # unsent bytes allowed on disk (0: no limit)
        self._lock = threading.Lock()
        self._key_numbers: dict[str, int] = {}  # every key seen, numbered once
        self._defined: dict[str, int] = {}  # the keys the current segment has a KEY record of
        existing = segment_numbers(folder)
        self._segment = Segment(
            segment_path(folder, (existing[-1] + 1) if existing else 1),
            (existing[-1] + 1) if existing else 1,
            create_size=segment_bytes,
        )
        self._map = self._segment.map
        self._end = HEADER
        self._limit = segment_bytes
        self.closed = False

    @property
    def segment_number(self) -> int:
        return self._segment.number

    # -- the hot path ---------------------------------------------------------------------

    def points(self, metrics: Mapping[str, Any], step: int, epoch_ms: int) -> None:
        """Append one point per key of ``metrics``, all at ``step``: all of them or none
        (a bad key or value raises and commits nothing of the call)."""
        with self._lock:
            if self.closed:
                raise JournalClosed(f"the run's journal in {self.folder} is closed: it ended")
            defined = self._defined
            for key in metrics:
                if key not in defined:
                    self._define(metrics)
                    break
            end = self._end
            if end + _POINT.size * len(metrics) > self._limit:
                self._roll(_POINT.size * len(metrics))
                self._define(metrics)
                defined, end = self._defined, self._end
            pack, buffer = _POINT.pack_into, self._map
            start = end
            try:
                for key, value in metrics.items():
                    pack(buffer, end, POINT, defined[key], step, value, epoch_ms)
                    end += _POINT.size
            except (struct.error, TypeError, ValueError, OverflowError):
                self._refuse_values(metrics, start)
            self._end = end
            _U64.pack_into(buffer, COMMITTED, end)

    # -- the rest -------------------------------------------------------------------------

    def log(self, level: int, source: int, epoch_ms: int, message: str) -> None:
        data = message.encode("utf-8", "replace")
        if len(data) > MAX_MESSAGE_BYTES:
            cut = len(data) - MAX_MESSAGE_BYTES
            data = data[:MAX_MESSAGE_BYTES].decode("utf-8", "ignore").encode()
            data += f"… [truncated {cut} bytes]".encode()
        with self._lock:
            if self.closed:
                raise JournalClosed(f"the run's journal in {self.folder} is closed: it ended")
            need = _LOG.size + len(data)
            if self._end + need > self._limit:
                self._roll(need)
            end = self._end
            _LOG.pack_into(self._map, end, LOG, level, source, epoch_ms, len(data))
            self._map[end + _LOG.size : end + need] = data
            self._commit(end + need)

    def progress(
        self,
        step: int | None,
        total_steps: int | None,
        epoch: int | None,
        total_epochs: int | None,
    ) -> None:
        values = [-1 if v is None else v for v in (step, total_steps, epoch, total_epochs)]
        with self._lock:
            if self.closed:
                raise JournalClosed(f"the run's journal in {self.folder} is closed: it ended")
            if self._end + _PROGRESS.size > self._limit:
                self._roll(_PROGRESS.size)
            _PROGRESS.pack_into(self._map, self._end, PROGRESS, *values)
            self._commit(self._end + _PROGRESS.size)

    def close(self) -> None:
        """Seal the last segment: nothing more will be written to this journal."""
        with self._lock:
            if not self.closed:
                self._segment.set(SEALED, 1)
                self._segment.close()
                self.closed = True

    def _commit(self, end: int) -> None:
        self._end = end
        _U64.pack_into(self._map, COMMITTED, end)

    def _define(self, metrics: Mapping[str, Any]) -> None:
        """Write KEY records for the keys of ``metrics`` this segment lacks (checking each
        new name first, so a bad one writes nothing)."""
        for key in metrics:
            if key not in self._key_numbers and (not isinstance(key, str) or not KEY_RE.match(key)):
                raise ValueError(
                    f"metric key {key!r}: 1-250 characters of letters, digits, space and _ - . /"
                )
        for key in metrics:
            if key in self._defined:
                continue
            number = self._key_numbers.setdefault(key, len(self._key_numbers) + 1)
            name = key.encode()
            need = _KEY.size + len(name)
            if self._end + need + _POINT.size * len(metrics) > self._limit:
                self._roll(need + _POINT.size * len(metrics))
                self._define(metrics)
                return
            _KEY.pack_into(self._map, self._end, KEY, number, len(name))
            self._map[self._end + _KEY.size : self._end + need] = name
            self._commit(self._end + need)
            self._defined[key] = number

    def _refuse_values(self, metrics: Mapping[str, Any], start: int) -> None:
        self._end = start
        for key, value in metrics.items():
            try:
                _POINT.pack(POINT, 0, 0, value, 0)
            except (struct.error, TypeError, ValueError, OverflowError):
                raise TypeError(
                    f"metric {key!r}: the value must be a number (int, float, a numpy or "
                    f"torch scalar), not {type(value).__name__}"
                ) from None
        raise TypeError("metric values must be numbers")

    def _roll(self, need: int) -> None:
        """Seal this segment and start the next (one big enough for ``need`` bytes)."""
        if self.max_bytes and self._unsent_bytes() + self.segment_bytes > self.max_bytes:
            raise SpoolFull(
                f"the journal in {self.folder} holds {self.max_bytes} unsent bytes; "
                "the server has not accepted them"
            )
        old = self._segment
        number = old.number + 1
        self._segment = Segment(
            segment_path(self.folder, number),
            number,
            create_size=max(self.segment_bytes, HEADER + need),
        )
        self._map, self._end, self._limit = self._segment.map, HEADER, self._segment.size
        self._defined = {}
        old.set(SEALED, 1)
        old.close()

    def _unsent_bytes(self) -> int:
        total = 0
        for number in segment_numbers(self.folder):
            try:
                total += segment_path(self.folder, number).stat().st_size
            except FileNotFoundError:
                continue
        return total


# -- reading ---------------------------------------------------------------------------------


@dataclass
class Series:
    steps: list[int] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    times: list[int] = field(default_factory=list)


@dataclass
class Chunk:
    """The records of ``[start, end)`` of one segment, grouped for sending."""

    segment: int
    start: int
    end: int
    series: dict[str, Series] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)
    progress: dict[str, int] | None = None
    points: int = 0

    @property
    def batch_id(self) -> str:
        return f"{self.segment}.{self.start}.{self.end}"

    def empty(self) -> bool:
        return not self.points and not self.lines and self.progress is None


_INF = float("inf")


def _wire(value: float) -> Any:
    """A float as the server's JSON takes it (NaN and infinities as strings)."""
    if value != value:
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def read_chunk(
    segment: Segment,
    start: int,
    *,
    stop: int | None = None,
    max_points: int = 10_000,
    max_lines: int = 1_000,
    max_bytes: int = 1024 * 1024,
    keys: dict[int, str] | None = None,
) -> Chunk:
    """Read whole records from ``start`` up to ``stop`` (default: what is committed), ending
    early once ``max_points`` points, ``max_lines`` log lines or ``max_bytes`` of log text are
    in the chunk. ``keys`` holds the key numbers this segment defined before ``start``
    (updated in place); without it the segment is scanned from its beginning for them."""
    buffer = segment.map
    end = segment.committed if stop is None else stop
    if keys is None:
        keys = {}
        scan_keys(segment, HEADER, start, keys)
    chunk = Chunk(segment.number, start, start)
    series = chunk.series
    offset = start
    unpack_point = _POINT.unpack_from
    text_bytes = 0
    fast = True  # try the one-call read once per chunk, at its first point
    while offset < end:
        kind = buffer[offset]
        if kind == POINT and fast:
            fast = False
            taken = _points_in_a_row(buffer, offset, end, max_points - chunk.points, keys, series)
            if taken:
                offset += taken * _POINT.size
                chunk.points += taken
                if chunk.points >= max_points:
                    break
                continue
        if kind == POINT:
            _, number, step, value, when = unpack_point(buffer, offset)
            offset += _POINT.size
            name = keys[number]
            target = series.get(name)
            if target is None:
                target = series[name] = Series()
            target.steps.append(step)
            target.values.append(value if value - value == 0 else _wire(value))
            target.times.append(when)
            chunk.points += 1
            if chunk.points >= max_points:
                break
        elif kind == KEY:
            offset = _key_record(buffer, offset, keys)
        elif kind == LOG:
            _, level, source, when, length = _LOG.unpack_from(buffer, offset)
            body = offset + _LOG.size
            chunk.lines.append(
                {
                    "level": LEVELS[level],
                    "source": SOURCES[source],
                    "timestamp": when,
                    "message": bytes(buffer[body : body + length]).decode("utf-8", "replace"),
                }
            )
            offset = body + length
            text_bytes += length
            if len(chunk.lines) >= max_lines or text_bytes >= max_bytes:
                break
        elif kind == PROGRESS:
            _, *values = _PROGRESS.unpack_from(buffer, offset)
            offset += _PROGRESS.size
            names = ("step", "total_steps", "epoch", "total_epochs")
            report = dict(chunk.progress or {})
            report.update({n: v for n, v in zip(names, values) if v >= 0})
            chunk.progress = report
        else:
            raise ValueError(f"{segment.path}: unknown record type {kind} at {offset}")
    chunk.end = offset
    return chunk


def _key_record(buffer: Any, offset: int, keys: dict[int, str]) -> int:
    """Read the KEY record at ``offset`` into ``keys``; the offset after it."""
    _, number, length = _KEY.unpack_from(buffer, offset)
    body = offset + _KEY.size
    keys[number] = bytes(buffer[body : body + length]).decode()
    return int(body + length)


@functools.lru_cache(maxsize=16)
def _records(count: int) -> struct.Struct:
    return struct.Struct("<" + "BIqdq" * count)


def _points_in_a_row(
    buffer: Any, start: int, end: int, limit: int, keys: dict[int, str], series: dict[str, Series]
) -> int:
    """The common case in a few C calls: POINT records only, from ``start``, their keys in
    one repeating order (a training loop logging the same dict), every value finite. Reads
    as many as hold (up to ``limit``, a whole number of rounds) into ``series``; 0 when the
    case does not hold (the record-by-record read then does it)."""
    size = _POINT.size
    count = min((end - start) // size, limit)
    if count < 64 or buffer[start : start + count * size : size] != bytes([POINT]) * count:
        return 0
    numbers = _records(count).unpack_from(buffer, start)[1::5]
    period = len(set(numbers[:64]))
    count -= count % period
    pattern = numbers[:period]
    if not count or len(set(pattern)) != period or numbers[:count] != pattern * (count // period):
        return 0
    flat = _records(count).unpack_from(buffer, start)
    values = flat[3::5]
    if not math.isfinite(sum(values)):
        return 0
    steps, times = flat[2::5], flat[4::5]
    for j, number in enumerate(pattern):
        name = keys[number]
        target = series.get(name)
        if target is None:
            target = series[name] = Series()
        target.steps.extend(steps[j::period])
        target.values.extend(values[j::period])
        target.times.extend(times[j::period])
    return count


def scan_keys(segment: Segment, start: int, stop: int, keys: dict[int, str]) -> None:
    """Collect the KEY records of ``[start, stop)`` into ``keys``."""
    buffer = segment.map
    offset = start
    while offset < stop:
        kind = buffer[offset]
        if kind == POINT:
            offset += _POINT.size
        elif kind == KEY:
            offset = _key_record(buffer, offset, keys)
        elif kind == LOG:
            length = _LOG.unpack_from(buffer, offset)[4]
            offset += _LOG.size + length
        elif kind == PROGRESS:
            offset += _PROGRESS.size
        else:
            raise ValueError(f"{segment.path}: unknown record type {kind} at {offset}")


def open_segments(folder: Path) -> Iterator[Segment]:
    """The folder's segments in order, each opened for reading and header updates."""
    for number in segment_numbers(folder):
        yield Segment(segment_path(folder, number), number)


def unsent_points(folder: Path) -> tuple[int, int]:
    """(points, log lines) in ``folder``'s journal past what the server accepted."""
    points = lines = 0
    for segment in open_segments(folder):
        try:
            chunk = read_chunk(
                segment, segment.acked, max_points=2**62, max_lines=2**62, max_bytes=2**62
            )
            points += chunk.points
            lines += len(chunk.lines)
        finally:
            segment.close()
    return points, lines
