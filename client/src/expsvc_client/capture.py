"""Log lines from ``logging`` and from the process's stdout and stderr.

Both write into the run's journal, so they are batched and kept like metric points.
Captured streams still print where they printed; stdout lines are INFO, stderr lines
WARNING, and a Python traceback on stderr (from its ``Traceback …`` line to the exception's
line) ERROR.
"""

from __future__ import annotations

import io
import logging
import sys
import threading
import time
from typing import Any, TextIO

from expsvc_client.journal import JournalWriter

DEBUG, INFO, WARNING, ERROR = 0, 1, 2, 3
STDOUT, STDERR = 0, 1
_inside = threading.local()  # set while a capture writes, so nothing it logs loops back


def _level_of(record: logging.LogRecord) -> int:
    if record.levelno >= logging.ERROR:
        return ERROR
    if record.levelno >= logging.WARNING:
        return WARNING
    return INFO if record.levelno >= logging.INFO else DEBUG


class RunLogHandler(logging.Handler):
    """Writes each record (formatted, with its traceback) as log lines of the run."""

    def __init__(self, writer: JournalWriter, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.writer = writer
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if self.writer.closed or getattr(_inside, "busy", False):
            return
        try:
            text = self.format(record)
            level = _level_of(record)
            source = STDERR if level >= WARNING else STDOUT
            when = int(record.created * 1000)
            for line in text.splitlines() or [""]:
                self.writer.log(level, source, when, line)
        except Exception:
            self.handleError(record)


class LineTee(io.TextIOBase):
    """A text stream that passes writes through and journals each complete line."""

    def __init__(self, stream: TextIO, writer: JournalWriter, source: int) -> None:
        self.stream = stream
        self.writer = writer
        self.source = source
        self._partial = ""
        self._in_traceback = False
        self._lock = threading.Lock()

    # what code reading sys.stdout's attributes expects of it
    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.stream, "encoding", "utf-8"))

    def fileno(self) -> int:
        return self.stream.fileno()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        written = self.stream.write(text)
        if not self.writer.closed and not getattr(_inside, "busy", False):
            self._journal(text)
        return written if isinstance(written, int) else len(text)

    def flush(self) -> None:
        self.stream.flush()

    def finish(self) -> None:
        """Journal a last line that had no newline."""
        with self._lock:
            rest, self._partial = self._partial, ""
        if rest and not self.writer.closed:
            self._emit([rest])

    def _journal(self, text: str) -> None:
        with self._lock:
            text = self._partial + text
            *lines, self._partial = text.split("\n")
        if lines:
            self._emit(lines)

    def _emit(self, lines: list[str]) -> None:
        _inside.busy = True
        try:
            when = int(time.time() * 1000)
            for line in lines:
                line = line.rstrip("\r")
                self.writer.log(self._level(line), self.source, when, line)
        except Exception:  # never break the program's own printing
            pass
        finally:
            _inside.busy = False

    def _level(self, line: str) -> int:
        if self.source == STDOUT:
            return INFO
        if line.startswith("Traceback (most recent call last):"):
            self._in_traceback = True
            return ERROR
        if self._in_traceback:
            ends = (
                bool(line)
                and not line[0].isspace()
                and not line.startswith(
                    ("During handling of the above exception", "The above exception was")
                )
            )
            if ends:
                self._in_traceback = False
            return ERROR
        return WARNING


class Capture:
    """Replaces ``sys.stdout`` and ``sys.stderr`` until ``close``."""

    def __init__(self, writer: JournalWriter) -> None:
        self.original_out: TextIO | None = sys.stdout
        self.original_err: TextIO | None = sys.stderr
        self.out = LineTee(sys.stdout, writer, STDOUT) if sys.stdout is not None else None
        self.err = LineTee(sys.stderr, writer, STDERR) if sys.stderr is not None else None
        if self.out is not None:
            sys.stdout = self.out
        if self.err is not None:
            sys.stderr = self.err

    def close(self) -> None:
        for tee, original, name in (
            (self.out, self.original_out, "stdout"),
            (self.err, self.original_err, "stderr"),
        ):
            if tee is None:
                continue
            tee.finish()
            if getattr(sys, name) is tee:
                setattr(sys, name, original)


def capture_streams(writer: JournalWriter) -> Capture:
    return Capture(writer)


__all__: list[Any] = ["Capture", "RunLogHandler", "capture_streams"]
