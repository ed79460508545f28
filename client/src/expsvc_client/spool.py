"""The spool: one folder per run under ``EXPSVC_CLIENT_SPOOL`` (``~/.cache/expsvc-client``).

A run's folder ``<experiment id>-<session>`` holds its journal segments, ``run.json`` (the
server's URL, the experiment, the session), and, when the process ended before the server
took everything, ``finish.json`` (the lifecycle move still to make) and ``artifacts/``
(files to upload). A live process holds an exclusive ``flock`` on ``lock``, so
``expsvc-client sync`` leaves its folder alone; the lock goes with the process, even on
SIGKILL.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from expsvc_client.journal import unsent_points

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; sync trusts the caller
    fcntl = None  # type: ignore[assignment]


def create(root: Path, experiment_id: str, session: str, url: str) -> Path:
    folder = root / f"{experiment_id}-{session}"
    folder.mkdir(parents=True, exist_ok=False, mode=0o700)
    write_json(
        folder / "run.json",
        {
            "experiment_id": experiment_id,
            "session": session,
            "url": url,
            "pid": os.getpid(),
            "created_at": time.time(),
        },
    )
    return folder


def hold(folder: Path) -> IO[bytes] | None:
    """Take the folder's lock for this process's lifetime."""
    handle = (folder / "lock").open("wb")
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    return handle


def try_hold(folder: Path) -> IO[bytes] | None:
    """The folder's lock, or None when a live process holds it."""
    handle = (folder / "lock").open("ab")
    if fcntl is None:
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def release(handle: IO[bytes] | None) -> None:
    if handle is not None:
        handle.close()


def remove(folder: Path, handle: IO[bytes] | None) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    release(handle)


def runs(root: Path) -> list[Path]:
    """The run folders in ``root``, oldest first."""
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if (p / "run.json").is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime)


def read_run(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "run.json").read_text())
    return data


# -- the move still to make ----------------------------------------------------------------


def keep_finish(folder: Path, action: str | None, fields: dict[str, str]) -> None:
    """Record the lifecycle move (complete, fail, stop; None: none) for ``sync``."""
    if action is not None:
        write_json(folder / "finish.json", {"action": action, **fields})


def forget_finish(folder: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (folder / "finish.json").unlink()


def read_finish(folder: Path) -> dict[str, str] | None:
    path = folder / "finish.json"
    if not path.is_file():
        return None
    data: dict[str, str] = json.loads(path.read_text())
    return data


# -- artifacts ----------------------------------------------------------------------------


def keep_artifact(folder: Path, source: Path, kind: str, name: str) -> Path:
    """Copy ``source`` into the spool (with its kind and name) for a later upload."""
    target = folder / "artifacts"
    target.mkdir(exist_ok=True)
    number = len(list(target.glob("*.json"))) + 1
    copy = target / f"{number:04d}.bin"
    shutil.copyfile(source, copy)
    with copy.open("rb") as handle:
        os.fsync(handle.fileno())
    write_json(target / f"{number:04d}.json", {"kind": kind, "name": name, "file": copy.name})
    return copy


def artifacts(folder: Path) -> Iterator[tuple[Path, Path, str, str]]:
    """(description, file, kind, name) of the spooled artifacts, in order."""
    target = folder / "artifacts"
    if not target.is_dir():
        return
    for description in sorted(target.glob("*.json")):
        data = json.loads(description.read_text())
        yield description, target / data["file"], data["kind"], data["name"]


def unsent(folder: Path) -> tuple[int, int]:
    return unsent_points(folder)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` durably: a temporary file, fsynced, renamed over ``path``."""
    temporary = path.with_suffix(".tmp")
    with temporary.open("w") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
