"""HTTP ``Range`` for downloads (RFC 9110 §14): one byte range, or the whole object."""

from __future__ import annotations

import re
from dataclasses import dataclass

# ASCII digits only: ``str.isdigit`` also accepts ``²`` and other digits ``int`` refuses
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class Unsatisfiable(Exception):
    """A well-formed range that selects no byte of the object (answer 416)."""


def parse_range(
    header: str | None, size: int, *, if_range: str | None = None, etag: str | None = None
) -> ByteRange | None:
    """The one range the client asked for, or None to send the whole object.

    Unknown units, malformed specs and several ranges at once are ignored (the whole
    object is sent, as the RFC allows); a range starting past the end raises
    ``Unsatisfiable``. With ``If-Range``, the range applies only if the entity tag still
    matches.
    """
    if not header or (if_range is not None and if_range != etag):
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = (part.strip() for part in spec.strip().partition("-"))
    if not dash or not (first or last):
        return None
    if (first and not _DIGITS.fullmatch(first)) or (last and not _DIGITS.fullmatch(last)):
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable()
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable()
    end = min(int(last), size - 1) if last else size - 1
    return ByteRange(start, end)
