"""Checks on what a caller names: artifact names, kinds, sizes and checksums."""

from __future__ import annotations

import re

from app.models.enums import ArtifactKind
from app.validation import name_problem

MAX_NAME_LENGTH = 255
MAX_CONTENT_TYPE_LENGTH = 255
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DRIVE = re.compile(r"[A-Za-z]:")


def name_error(name: str | None) -> str | None:
    """Why ``name`` is not a valid artifact name, or None.

    At most 255 characters; a relative path is fine (``checkpoints/epoch-3.pt``) but not an
    absolute one, not one with a ``..`` segment, and no control or bidirectional
    formatting characters.
    """
    if name is None or not name.strip():
        return "a name is required (or a file name in the upload)"
    if len(name) > MAX_NAME_LENGTH:
        return f"at most {MAX_NAME_LENGTH} characters"
    if problem := name_problem(name):
        return problem
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "must be a relative name, not an absolute path"
    if ".." in re.split(r"[/\\]", name):
        return "must not contain '..'"
    return None


def parse_kind(value: str | ArtifactKind | None) -> ArtifactKind | None:
    if isinstance(value, ArtifactKind):
        return value
    if value is None:
        return None
    try:
        return ArtifactKind(value.strip().upper())
    except ValueError:
        return None


def kind_error(value: str | ArtifactKind | None) -> str | None:
    if parse_kind(value) is None:
        return "must be one of " + ", ".join(kind.value for kind in ArtifactKind)
    return None


def sha256_error(value: str | None) -> str | None:
    if value is not None and not _SHA256.fullmatch(value):
        return "must be 64 lower-case hexadecimal digits"
    return None


def clean_content_type(value: str | None) -> str | None:
    """A content type worth keeping (printable, short), else None."""
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > MAX_CONTENT_TYPE_LENGTH or not value.isprintable():
        return None
    return value


def file_name(name: str) -> str:
    """The last segment of a name: what a download is saved as."""
    return re.split(r"[/\\]", name)[-1] or "artifact"
