"""The artifact proxy routes ``mlflow`` uses with ``--serve-artifacts``, over our artifact
use cases (``app/artifacts/``: reading, streamed, removal): the same permissions, per-file
limit, quotas and all-or-nothing uploads as REST and GraphQL.

A run's artifact URI is ``mlflow-artifacts:/<hypothesis id>/<experiment id>/artifacts``
(``shapes.artifact_uri``), so every path here is
``<hypothesis id>/<experiment id>/artifacts[/<relative path>]``; the relative path is the
artifact's name (``checkpoints/epoch-3.pt``: at most 255 characters, no ``..`` segment, not
absolute, no empty segment, no backslash: ``INVALID_PARAMETER_VALUE``). A path that names
no run's artifacts (too short, ids that are not UUIDs, an experiment the caller may not
read, or one of another hypothesis than the path says) is ``RESOURCE_DOES_NOT_EXIST``.

- ``PUT …/artifacts/<path>``: the body is the file (``Content-Length``, when sent, is its
  declared size, so the per-file limit refuses it before any byte is stored). As in MLflow,
  a file written twice at one path replaces the first: the upload, once stored, deletes
  the run's other artifacts of that name (REST and GraphQL uploads included) in the
  transaction that records it (while the new one streams, the old one still counts
  against the quotas). The caller must be allowed to act (``PERMISSION_DENIED``).
- ``GET …/artifacts/<path>``: the newest artifact of that name, streamed through the
  service (on S3 too: no redirect).
- ``GET …/artifacts?path=<folder>``: MLflow's listing, ``{"files": [{"path", "is_dir",
  "file_size"}]}`` with each ``path`` relative to the folder; folders come from the ``/``
  in the names, one entry per name.
- ``DELETE …/artifacts/<path>``: the artifact at the path and everything under it as a
  folder (the whole run's when the path is the run's root); acting callers only.

The kind an upload gets: ``MODEL`` for an ``MLmodel`` file and anything under a top-level
``model/`` or ``models/`` folder (where MLflow 2 logs models), ``CHECKPOINT`` for a
``.ckpt``, ``.pt`` or ``.pth`` file, ``OTHER`` otherwise.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from starlette.responses import Response, StreamingResponse

from app.artifacts import reading, removal, streamed
from app.artifacts.names import file_name, name_error
from app.errors import NotFound
from app.experiments.service import get_experiment
from app.mlflow_api.app import ARTIFACT_PREFIXES, MlflowEndpoint
from app.mlflow_api.call import MlflowCall, invalid
from app.mlflow_api.errors import MlflowError
from app.models import Artifact
from app.models.enums import ArtifactKind
from app.storage.base import content_disposition, prefetched
from app.validation import INT64_MAX

RUN_FOLDER = "artifacts"
MODEL_FOLDERS = frozenset({"model", "models"})
CHECKPOINT_SUFFIXES = frozenset({".ckpt", ".pt", ".pth"})
OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class RunPath:
    """A path under the proxy's root: the run, and the name below its artifacts folder
    (``""`` for the folder itself)."""

    hypothesis_id: uuid.UUID
    experiment_id: uuid.UUID
    name: str


def kind_of(name: str) -> ArtifactKind:
    """The kind an artifact uploaded through MLflow gets (see the module's docstring)."""
    parts = name.split("/")
    if parts[-1] == "MLmodel" or (len(parts) > 1 and parts[0] in MODEL_FOLDERS):
        return ArtifactKind.MODEL
    if PurePosixPath(parts[-1]).suffix.lower() in CHECKPOINT_SUFFIXES:
        return ArtifactKind.CHECKPOINT
    return ArtifactKind.OTHER


def parse_path(raw: str, *, folder: bool = False) -> RunPath:
    """``<hypothesis id>/<experiment id>/artifacts[/<name>]``; ``folder``: a trailing
    ``/`` is allowed (a listing's path)."""
    parts = raw.split("/")
    if "\\" in raw or ".." in parts or raw.startswith("/"):
        raise invalid(f"Invalid path: {raw!r}")
    if folder and len(parts) > 3 and parts[-1] == "":
        parts.pop()
    if len(parts) < 3 or parts[2] != RUN_FOLDER:
        raise MlflowError(
            "RESOURCE_DOES_NOT_EXIST",
            f"No run's artifacts at {raw!r}: this service keeps artifacts per run, at "
            "<experiment id>/<run id>/artifacts/<path>",
        )
    try:
        hypothesis_id, experiment_id = uuid.UUID(parts[0]), uuid.UUID(parts[1])
    except ValueError:
        raise NotFound("run", parts[1]) from None
    name = "/".join(parts[3:])
    if name:
        problem = name_error(name)
        if problem is None and "" in parts[3:]:
            problem = "no segment may be empty (a file's path ends with its name)"
        if problem is not None:
            raise invalid(f"Invalid path {name!r}: {problem}")
    return RunPath(hypothesis_id, experiment_id, name)


async def _check_run(call: MlflowCall, where: RunPath) -> None:
    """The run exists, the caller may read it, and it is in the path's hypothesis."""
    async with call.services.db.reader() as session:
        row = await get_experiment(session, actor=call.actor, experiment_id=where.experiment_id)
    if row.hypothesis_id != where.hypothesis_id:
        raise NotFound("run", where.experiment_id)


def _path_of(call: MlflowCall) -> RunPath:
    return parse_path(str(call.request.path_params.get("artifact_path", "")))


def _declared_size(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or int(value) > INT64_MAX:
        raise invalid(f"Invalid Content-Length: {value!r}")
    return int(value)


async def upload_artifact(call: MlflowCall) -> Any:
    where = _path_of(call)
    if not where.name:
        raise invalid("Artifact path must include a filename (cannot end with '/').")
    await _check_run(call, where)
    headers = call.request.headers
    await streamed.upload_artifact(
        call.services,
        actor=call.actor,
        experiment_id=where.experiment_id,
        name=where.name,
        kind=kind_of(where.name),
        content_type=headers.get("content-type"),
        size_bytes=_declared_size(headers.get("content-length")),
        chunks=call.request.stream(),
        replace=True,
    )
    return {}


async def download_artifact(call: MlflowCall) -> Any:
    where = _path_of(call)
    if not where.name:
        raise invalid("Artifact path refers to a directory, not a file: the run's root")
    await _check_run(call, where)
    async with call.services.db.reader() as session:
        row = await reading.find_artifact(
            session, actor=call.actor, experiment_id=where.experiment_id, name=where.name
        )
    headers = {
        "Content-Disposition": content_disposition(file_name(row.name)),
        "Content-Length": str(row.size_bytes),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-cache",
    }
    media_type = row.content_type or OCTET_STREAM
    if call.request.method == "HEAD" or row.size_bytes == 0:
        return Response(headers=headers, media_type=media_type)
    body = await prefetched(call.services.store.read(row.store_key))
    return StreamingResponse(body, headers=headers, media_type=media_type)


def listing(rows: list[Artifact], folder: str) -> list[dict[str, Any]]:
    """MLflow's entries for ``folder`` (``""``: the run's root) from artifacts oldest first:
    the newest artifact of each name, folders for names with a ``/`` below it."""
    prefix = folder + "/" if folder else ""
    newest = {row.name: row for row in rows if row.name.startswith(prefix)}
    entries: dict[tuple[str, bool], dict[str, Any]] = {}
    for name, row in newest.items():
        head, separator, _rest = name[len(prefix) :].partition("/")
        if not head:
            continue  # a name with an empty segment has no place in a folder tree
        if separator:
            entries[(head, True)] = {"path": head, "is_dir": True}
        else:
            entries[(head, False)] = {"path": head, "is_dir": False, "file_size": row.size_bytes}
    return [entries[key] for key in sorted(entries)]


async def list_artifacts(call: MlflowCall) -> Any:
    raw = call.text("path", required=False) or ""
    where = parse_path(raw, folder=True)
    await _check_run(call, where)
    async with call.services.db.reader() as session:
        rows = await reading.list_artifacts(
            session,
            actor=call.actor,
            experiment_id=where.experiment_id,
            folder=where.name or None,
        )
    return {"files": listing(rows, where.name)}


async def delete_artifacts(call: MlflowCall) -> Any:
    where = _path_of(call)
    await _check_run(call, where)
    await removal.delete_artifacts(
        call.services, actor=call.actor, experiment_id=where.experiment_id, path=where.name
    )
    return {}


_ONE = "/artifacts/{artifact_path:path}"

ENDPOINTS: list[MlflowEndpoint] = [
    MlflowEndpoint("PUT", _ONE, upload_artifact, body="raw", prefixes=ARTIFACT_PREFIXES),
    MlflowEndpoint("GET", _ONE, download_artifact, body="raw", prefixes=ARTIFACT_PREFIXES),
    MlflowEndpoint("DELETE", _ONE, delete_artifacts, body="raw", prefixes=ARTIFACT_PREFIXES),
    MlflowEndpoint("GET", "/artifacts", list_artifacts, body="raw", prefixes=ARTIFACT_PREFIXES),
]
