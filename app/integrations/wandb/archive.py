"""An uploaded archive of W&B run folders (tar, tar.gz or zip), unpacked safely: regular
files and folders only, no absolute paths or ``..``, a total size and count cap."""

from __future__ import annotations

import tarfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from app.errors import ValidationFailed

MAX_MEMBERS = 100_000


def _safe(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path


def unpack(archive: Path, target: Path, max_bytes: int) -> list[str]:
    """Unpack ``archive`` into ``target``; the members left out (links, devices, unsafe
    names) are answered. ``VALIDATION_FAILED`` when it is no archive, a damaged one, or
    too large."""
    try:
        return _unpack(archive, target, max_bytes)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, OSError) as bad:
        raise ValidationFailed({"archive": f"not a readable archive: {bad}"[:300]}) from None


def _unpack(archive: Path, target: Path, max_bytes: int) -> list[str]:
    skipped: list[str] = []
    total = 0
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as packed:
            members = packed.infolist()
            if len(members) > MAX_MEMBERS:
                raise ValidationFailed({"archive": f"more than {MAX_MEMBERS} members"})
            for info in members:
                path = _safe(info.filename)
                if path is None or (info.external_attr >> 16) & 0o170000 == 0o120000:
                    skipped.append(info.filename)
                    continue
                if info.is_dir():
                    continue
                total += info.file_size
                if total > max_bytes:
                    raise ValidationFailed({"archive": "unpacks to more than the limit"})
                destination = target.joinpath(*path.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with packed.open(info) as source, destination.open("wb") as out:
                    while chunk := source.read(1 << 20):
                        out.write(chunk)
        return skipped
    try:
        packed_tar = tarfile.open(archive, "r:*")  # noqa: SIM115 (closed by the with below)
    except tarfile.TarError:
        raise ValidationFailed({"archive": "not a tar, tar.gz or zip archive"}) from None
    with packed_tar:
        count = 0
        for member in packed_tar:
            count += 1
            if count > MAX_MEMBERS:
                raise ValidationFailed({"archive": f"more than {MAX_MEMBERS} members"})
            path = _safe(member.name)
            if member.isdir():
                continue
            if path is None or not member.isfile():
                skipped.append(member.name)
                continue
            total += member.size
            if total > max_bytes:
                raise ValidationFailed({"archive": "unpacks to more than the limit"})
            destination = target.joinpath(*path.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            extracted = packed_tar.extractfile(member)
            assert extracted is not None
            with extracted, destination.open("wb") as out:
                while chunk := extracted.read(1 << 20):
                    out.write(chunk)
    return skipped
