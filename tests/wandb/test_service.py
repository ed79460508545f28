"""The import's service rules, in process: a move dated in the past (an imported run's own
start and end) is the owner's alone and never in the future or before the start; the
import finds a run again by (caller, project, run id); only the importer finishes it; and
the archive upload imports as the uploader."""

from __future__ import annotations

import io
import tarfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.errors import Forbidden, NotFound, ValidationFailed
from app.experiments import service as experiments
from app.integrations.wandb import service as imports
from app.integrations.wandb.importer import Importer
from app.integrations.wandb.reader import read_run
from app.models.base import utcnow
from app.models.enums import ExperimentStatus, FailureReason, Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, create_running
from tests.conftest import MakeUser
from tests.resources.helpers import reservation_of
from tests.wandb.conftest import run_folder


async def test_owner_may_date_the_start_and_end_in_the_past(
    services: Services, make_user: MakeUser
) -> None:
    owner, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await create_experiment(services, owner, hypothesis)
    began = utcnow() - timedelta(days=30)
    async with services.db.unit_of_work() as session:
        started = await experiments.start_experiment(
            session, actor=owner, experiment_id=experiment.id, at=began
        )
    assert started.started_at == began
    assert started.last_activity_at is not None and started.last_activity_at > began
    async with services.db.unit_of_work() as session:
        done = await experiments.complete_experiment(
            session, actor=owner, experiment_id=experiment.id, at=began + timedelta(hours=2)
        )
    assert done.finished_at == began + timedelta(hours=2)
    assert done.duration_seconds == 7200


async def test_dating_a_move_is_refused_to_others_and_outside_the_run(
    services: Services, make_user: MakeUser
) -> None:
    owner, _ = await make_user(Role.DS)
    curator, _ = await make_user(Role.CURATOR)  # may act on every experiment, not date it
    hypothesis = await create_hypothesis(services, owner)
    queued = await create_experiment(services, owner, hypothesis)
    past = utcnow() - timedelta(days=1)
    with pytest.raises(Forbidden):
        async with services.db.unit_of_work() as session:
            await experiments.start_experiment(
                session, actor=curator, experiment_id=queued.id, at=past
            )
    with pytest.raises(ValidationFailed):
        async with services.db.unit_of_work() as session:
            await experiments.start_experiment(
                session, actor=owner, experiment_id=queued.id, at=utcnow() + timedelta(hours=1)
            )
    running = await create_running(services, owner, hypothesis)
    with pytest.raises(Forbidden):
        async with services.db.unit_of_work() as session:
            await experiments.stop_experiment(
                session, actor=curator, experiment_id=running.id, at=utcnow()
            )
    with pytest.raises(ValidationFailed):  # before its start
        async with services.db.unit_of_work() as session:
            await experiments.fail_experiment(
                session,
                actor=owner,
                experiment_id=running.id,
                reason=FailureReason.USER_ERROR,
                at=past,
            )
    async with services.db.reader() as session:
        for row in (queued, running):
            again = await experiments.get_experiment(session, actor=owner, experiment_id=row.id)
            assert again.status is row.status  # nothing moved
    # undated, the curator's moves stay as they were
    async with services.db.unit_of_work() as session:
        stopped = await experiments.stop_experiment(
            session, actor=curator, experiment_id=running.id
        )
    assert stopped.status is ExperimentStatus.STOPPED


def _run_data(**more: object) -> imports.ImportRunData:
    values: dict[str, object] = {
        "project": "vision",
        "run_id": "abc123",
        "name": "resnet-a",
        "started_at": utcnow() - timedelta(hours=3),
    }
    values.update(more)
    return imports.ImportRunData.model_validate(values)


async def test_a_run_is_found_again_and_only_its_importer_finishes_it(
    services: Services, make_user: MakeUser
) -> None:
    owner, _ = await make_user(Role.DS)
    other, _ = await make_user(Role.DS)
    curator, _ = await make_user(Role.CURATOR)
    async with services.db.unit_of_work() as session:
        first = await imports.begin_import(
            session,
            actor=owner,
            data=_run_data(),
            settings=services.settings,
            hooks=services.start_hooks,
        )
    assert first.created and first.experiment.status is ExperimentStatus.RUNNING
    # it ran elsewhere, long ago: nothing of our pools is held for it
    assert await reservation_of(services, first.experiment.id) is None
    async with services.db.unit_of_work() as session:
        again = await imports.begin_import(
            session,
            actor=owner,
            data=_run_data(name="renamed"),
            settings=services.settings,
            hooks=None,
        )
    assert not again.created and again.experiment.id == first.experiment.id
    async with services.db.unit_of_work() as session:
        theirs = await imports.begin_import(
            session, actor=other, data=_run_data(), settings=services.settings, hooks=None
        )
    assert theirs.created and theirs.experiment.owner_id == other.id

    end = imports.FinishImportData(status="COMPLETED", finished_at=utcnow())
    with pytest.raises(NotFound):  # not visible to another DS
        async with services.db.unit_of_work() as session:
            await imports.finish_import(
                session,
                actor=other,
                experiment_id=first.experiment.id,
                data=end,
                settings=services.settings,
            )
    with pytest.raises(Forbidden):  # visible to a curator, still not theirs to finish
        async with services.db.unit_of_work() as session:
            await imports.finish_import(
                session,
                actor=curator,
                experiment_id=first.experiment.id,
                data=end,
                settings=services.settings,
            )
    plain = await create_running(services, owner, await create_hypothesis(services, owner))
    with pytest.raises(NotFound):  # not an import
        async with services.db.unit_of_work() as session:
            await imports.finish_import(
                session, actor=owner, experiment_id=plain.id, data=end, settings=services.settings
            )
    async with services.db.unit_of_work() as session:
        done = await imports.finish_import(
            session,
            actor=owner,
            experiment_id=first.experiment.id,
            data=imports.FinishImportData(
                status="COMPLETED",
                finished_at=utcnow(),
                hyperparams={"lr": 0.2},
                wandb={"summary": {"acc": 1.0}, "exit_code": 0},
            ),
            settings=services.settings,
        )
    assert done.hyperparams == {"lr": 0.2}  # the run's final config, set while RUNNING
    assert done.config == {"wandb": {"summary": {"acc": 1.0}, "exit_code": 0}}
    assert done.status is ExperimentStatus.COMPLETED


def _archive(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as packed:
        packed.add(folder, arcname=f"wandb/{folder.name}", recursive=True)
        link = tarfile.TarInfo("wandb/evil-link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        packed.addfile(link)
    return buffer.getvalue()


async def test_an_uploaded_archive_is_imported_as_the_uploader(
    client: httpx.AsyncClient, make_user: MakeUser, wandb_dir: Path
) -> None:
    _, token = await make_user(Role.DS)
    headers = {"Authorization": f"Bearer {token}"}
    body = _archive(run_folder(wandb_dir, "broken"))
    refused = await client.post("/api/v1/imports/wandb", content=body)
    assert refused.status_code == 401
    answer = await client.post(
        "/api/v1/imports/wandb",
        content=body,
        params={"hypothesis_title": "uploaded"},
        headers={**headers, "Content-Type": "application/gzip"},
    )
    assert answer.status_code == 200, answer.text
    (report,) = answer.json()["runs"]
    assert "wandb/evil-link" in answer.json()["skipped_members"]  # links are left out
    assert report["status"] == "FAILED" and report["points"] == 5 and report["created"]
    stored = await client.get(
        f"/api/v1/experiments/{report['experiment_id']}/metrics",
        params={"key": "train/loss"},
        headers=headers,
    )
    assert [p["value"] for p in stored.json()["points"]] == [0.0, 1.0, 2.0, 3.0, 4.0]
    again = await client.post("/api/v1/imports/wandb", content=body, headers=headers)
    (second,) = again.json()["runs"]
    assert second["already_imported"] and second["experiment_id"] == report["experiment_id"]


class _CutAfter(httpx.AsyncBaseTransport):
    """The in-process app's transport that breaks the connection after ``batches`` metric
    batches went through: an import interrupted half-way."""

    def __init__(self, app: Any, batches: int) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.left = batches

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/metrics/batch"):
            if self.left <= 0:
                raise httpx.ConnectError("cut", request=request)
            self.left -= 1
        return await self.inner.handle_async_request(request)


async def test_an_interrupted_import_resumes_without_duplicates(
    app: Any, make_user: MakeUser, wandb_dir: Path
) -> None:
    _, token = await make_user(Role.DS)
    folder = run_folder(wandb_dir, "resnet-a")
    headers = {"Authorization": f"Bearer {token}"}

    def importer(transport: httpx.AsyncBaseTransport) -> tuple[httpx.AsyncClient, Importer]:
        client = httpx.AsyncClient(
            transport=transport, base_url="http://test/api/v1", headers=headers
        )
        return client, Importer(client, batch_points=3_000, senders=1)

    client, first = importer(_CutAfter(app, batches=4))
    async with client:
        with pytest.raises(httpx.ConnectError):
            await first.import_folder(folder)
    client, second = importer(httpx.ASGITransport(app=app))
    async with client:
        report = await second.import_folder(folder)
        assert report.error is None and not report.created and report.status == "COMPLETED"
        run = read_run(folder)
        for key, series in run.history.items():
            answer = await client.get(
                f"/experiments/{report.experiment_id}/metrics",
                params={"key": key, "max_points": 10_000},
            )
            points = answer.json()["points"]
            assert [p["step"] for p in points] == series.steps, key  # each step once
            assert [p["value"] for p in points] == series.values, key
