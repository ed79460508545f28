"""Importing W&B runs: the two steps a client's import calls around the ordinary metric,
log and artifact endpoints (``app/integrations/wandb/importer.py``), and the upload of an
archive of run folders that the server imports itself, as the uploader."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import httpx
from pydantic import Field

from app.errors import BadRequest, Forbidden, InvalidTransition, PayloadTooLarge
from app.integrations.wandb import service as imports
from app.integrations.wandb.archive import unpack
from app.rest.body import QueryModel
from app.rest.endpoints import Call, Endpoint
from app.rest.experiments import experiment_answer
from app.rest.schemas import ExperimentOut

TAGS = ("imports",)


async def begin_wandb_run(call: Call) -> Any:
    data = call.body_as(imports.ImportRunData)
    async with call.services.db.unit_of_work() as session:
        begun = await imports.begin_import(
            session,
            actor=call.actor,
            data=data,
            settings=call.settings,
            hooks=call.services.start_hooks,
        )
        answer = await experiment_answer(session, call, begun.experiment)
    return {"experiment": answer, "created": begun.created}


async def finish_wandb_run(call: Call) -> Any:
    data = call.body_as(imports.FinishImportData)
    async with call.services.db.unit_of_work() as session:
        row = await imports.finish_import(
            session,
            actor=call.actor,
            experiment_id=call.path_id(),
            data=data,
            settings=call.settings,
        )
        return await experiment_answer(session, call, row)


class ArchiveQuery(QueryModel):
    hypothesis_title: str | None = Field(
        default=None, description="Import into this hypothesis (the W&B project's by default)"
    )


async def import_wandb_archive(call: Call) -> Any:
    # the reader needs protobuf: imported when an archive comes, not at start-up
    from app.integrations.wandb.importer import Importer
    from app.integrations.wandb.reader import find_runs

    query = call.query_as(ArchiveQuery)
    limit = call.settings.artifact_max_bytes
    with tempfile.TemporaryDirectory(prefix="expsvc-wandb-") as work:
        archive = Path(work) / "upload"
        size = 0
        with archive.open("wb") as out:
            async for chunk in call.request.stream():
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(f"an archive over {limit} bytes")
                out.write(chunk)
        if size == 0:
            raise BadRequest("send the archive (tar, tar.gz or zip) as the body")
        target = Path(work) / "runs"
        target.mkdir()
        skipped = await asyncio.to_thread(unpack, archive, target, limit)
        archive.unlink()
        folders = find_runs([target])
        transport = httpx.ASGITransport(app=call.request.app)
        headers = {"authorization": call.request.headers.get("authorization", "")}
        reports = []
        async with httpx.AsyncClient(
            transport=transport, base_url="http://expsvc", headers=headers, timeout=None
        ) as client:
            importer = Importer(client, hypothesis=query.hypothesis_title)
            for folder in folders:
                report = await importer.import_folder(folder)
                report.folder = str(folder.relative_to(target))
                reports.append(report.as_json())
    return {"runs": reports, "skipped_members": skipped}


_RUN = {
    "type": "object",
    "description": "One run's import: its experiment, what went in, "
    "and what could not be read (`problems`) or was refused (`error`)",
}

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST",
        "/imports/wandb/runs",
        begin_wandb_run,
        "Begin a W&B run's import: its experiment, RUNNING since the run's own start",
        request_model=imports.ImportRunData,
        response_schema={
            "type": "object",
            "required": ["experiment", "created"],
            "properties": {
                "experiment": {"type": "object", "description": "The experiment"},
                "created": {"type": "boolean"},
            },
        },
        tags=TAGS,
        description="Finds the experiment an earlier import of this run (same caller, W&B "
        "project and run id) made — `created: false`, left as it is — or creates one owned "
        "by the caller under the hypothesis `hypothesis_title` (the caller's own, created "
        "if missing; the project's name by default) and starts it at `started_at`. Then "
        "send metrics, logs and artifacts through their endpoints and end it with "
        "`/imports/wandb/runs/{id}/finish`.",
    ),
    Endpoint(
        "POST",
        "/imports/wandb/runs/{id}/finish",
        finish_wandb_run,
        "End an imported run: COMPLETED, FAILED or STOPPED at its own end time",
        request_model=imports.FinishImportData,
        response_model=ExperimentOut,
        errors=(Forbidden, InvalidTransition),
        tags=TAGS,
        description="Only the caller who imported the run may finish it (FORBIDDEN "
        "otherwise); `finished_at` may not be in the future nor before the start.",
    ),
    Endpoint(
        "POST",
        "/imports/wandb",
        import_wandb_archive,
        "Import the W&B run folders of an uploaded archive, as the caller",
        # the format is read from the bytes, whatever the Content-Type says
        request_content={
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
        },
        query_model=ArchiveQuery,
        response_schema={
            "type": "object",
            "properties": {
                "runs": {"type": "array", "items": _RUN},
                "skipped_members": {"type": "array", "items": {"type": "string"}},
            },
        },
        errors=(BadRequest,),
        tags=TAGS,
        description="The body is a tar, tar.gz or zip (told apart by its bytes) of "
        "`wandb/run-*` or `wandb/offline-run-*` folders (`tar czf runs.tgz wandb`). Each "
        "run is imported as `expsvc import wandb` imports it, through this API as the "
        "uploader, and answered with its report. Links and unsafe names in the archive "
        "are left out (`skipped_members`).",
    ),
]
