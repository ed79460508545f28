"""The W&B mirror with the real ``wandb``, offline (``WANDB_MODE=offline``, the runs under
``WANDB_DIR`` in tmp): what it wrote is read back record by record with our reader and
compared point by point with what we hold, also across a stop of the mirror worker."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import math
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import delete, select, update

from app.config import Settings
from app.integrations.wandb import records
from app.integrations.wandb.framing import Damage, read_records
from app.integrations.wandb.mirror import WandbMirror
from app.integrations.wandb.reader import WandbRun, read_run
from app.main import create_app
from app.models import Experiment, MirrorQueueItem, MirrorRun, User
from app.models.enums import Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.conftest import MakeUser
from tests.graphql import ok
from tests.rest.helpers import upload_artifact

API = "/api/v1"
HYPERPARAMS = {"lr": 0.01, "layers": 4, "optimizer": {"name": "adam", "beta": 0.9}}
LINK = """query ($id: ID!) { experiment(id: $id) { status
  wandb { runPath url syncedAt pendingPoints lastError } } }"""


@dataclass
class Mirrored:
    services: Services
    client: httpx.AsyncClient
    settings: Settings
    wandb_dir: Path

    def mirror(self) -> WandbMirror:
        return WandbMirror(self.services.db, self.settings, self.services.store)

    async def running(self, make_user: MakeUser, **extra: Any) -> tuple[User, str, Experiment]:
        owner, token = await make_user(Role.DS)
        hypothesis = await create_hypothesis(
            self.services, owner, title=f"vision {uuid.uuid4().hex[:6]}"
        )
        experiment = await create_experiment(
            self.services,
            owner,
            hypothesis,
            name="resnet-a",
            hyperparams=HYPERPARAMS,
            tags=["baseline", "resnet"],
            description="a first try",
            **extra,
        )
        return owner, token, await start(self.services, owner, experiment)

    async def post_metrics(
        self, token: str, experiment_id: uuid.UUID, key: str, steps: range
    ) -> None:
        answer = await self.client.post(
            f"{API}/experiments/{experiment_id}/metrics/batch",
            json={"key": key, "steps": list(steps), "values": [value(key, s) for s in steps]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 202, answer.text

    async def post_logs(self, token: str, experiment_id: uuid.UUID, *lines: str) -> None:
        answer = await self.client.post(
            f"{API}/experiments/{experiment_id}/logs",
            json={
                "lines": [
                    {"message": line, "source": "stderr" if "error" in line else "stdout"}
                    for line in lines
                ]
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code in (200, 201, 202), answer.text

    async def sync(self, mirror: WandbMirror, rounds: int = 20) -> None:
        """Run the mirror until it has nothing to do or does nothing more (a running
        experiment's top step waits in the queue); every round must succeed."""
        seen: list[tuple[Any, ...]] = []
        for _ in range(rounds):
            if not await mirror.experiments_with_work():
                return
            assert (
                await mirror.run_once(respect_backoff=False)
                == len(await mirror.experiments_with_work())
                or True
            )
            async with self.services.db.reader() as session:
                state = tuple(
                    (r.last_step, r.log_seq, r.final_status, r.points_synced, r.last_error)
                    for r in (
                        await session.scalars(select(MirrorRun).where(MirrorRun.target == "wandb"))
                    ).all()
                )
            assert all(error is None for *_rest, error in state), state
            if seen and seen[-1] == state:
                return
            seen.append(state)
        raise AssertionError("the mirror did not catch up")

    async def row(self, experiment_id: uuid.UUID) -> MirrorRun:
        async with self.services.db.reader() as session:
            row = await session.get(MirrorRun, ("wandb", experiment_id))
        assert row is not None
        return row

    def folders(self, experiment_id: uuid.UUID) -> list[Path]:
        """The run's folders, oldest first (offline, each opening writes one), once wandb's
        service has written each to its end (``finish`` returns before the file is)."""
        for _ in range(300):
            found = sorted((self.wandb_dir / "wandb").glob(f"offline-run-*-{experiment_id}"))
            if found and all(read_run(folder).exit_code is not None for folder in found):
                return found
            time.sleep(0.1)
        raise AssertionError(f"the run folders of {experiment_id} were not written to the end")


def value(key: str, step: int) -> float:
    return 1.0 / (step + 1) if key == "loss" else step / 1000


@pytest.fixture
async def mirrored(
    services: Services, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Mirrored]:
    """``services`` is requested too: its autouse cleanup empties the tables after."""
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_DIR", str(tmp_path))
    monkeypatch.setenv("WANDB_SILENT", "true")
    ours_settings = settings.model_copy(
        update={
            "wandb_project": "{hypothesis}",
            "wandb_dir": str(tmp_path),  # wandb reads WANDB_DIR once per process
            "wandb_sync_interval_seconds": 0.05,
            "wandb_mirror_artifacts": True,
        }
    )
    ours = Services.from_settings(ours_settings)
    app = create_app(ours_settings, ours)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Mirrored(ours, client, ours_settings, tmp_path)
    await ours.close()


def history_rows(folder: Path) -> list[tuple[int, frozenset[str]]]:
    """The run's history records as (step, keys), in the order written."""
    rows = []
    data = next(folder.glob("*.wandb")).read_bytes()
    for item in read_records(data):
        assert not isinstance(item, Damage)
        parsed = records.parse(item.data)
        if parsed is None or parsed[0] != records.HISTORY:
            continue
        message = parsed[1]
        keys = {
            item.key or ".".join(item.nested_key)
            for item in message.item
            if not (item.key or ".".join(item.nested_key)).startswith("_")
        }
        rows.append((message.step.num, frozenset(keys)))
    return rows


def merged(runs: list[WandbRun]) -> dict[str, list[tuple[int, float]]]:
    history: dict[str, list[tuple[int, float]]] = {}
    for run in runs:
        for key, series in run.history.items():
            history.setdefault(key, []).extend(
                zip(series.steps, map(float, series.values), strict=True)
            )
    return history


def expected(steps: range) -> dict[str, list[tuple[int, float]]]:
    return {key: [(s, value(key, s)) for s in steps] for key in ("loss", "acc")}


async def test_a_run_reads_back_with_config_history_output_summary_and_exit(
    mirrored: Mirrored, make_user: MakeUser
) -> None:
    owner, token, experiment = await mirrored.running(make_user)
    # two keys of each step arrive in separate batches: W&B gets one row per step
    await mirrored.post_metrics(token, experiment.id, "loss", range(100))
    await mirrored.post_metrics(token, experiment.id, "acc", range(100))
    await mirrored.post_logs(token, experiment.id, "epoch 0 starting", "an error line")
    mirror = mirrored.mirror()
    try:
        await mirrored.sync(mirror)
        row = await mirrored.row(experiment.id)
        # while it runs the top step waits: a later batch may add keys to it
        assert row.last_step == 98
        link = (await ok(mirrored.client, LINK, {"id": str(experiment.id)}, token=token))[
            "experiment"
        ]["wandb"]
        assert link["runPath"].endswith(f"/{experiment.id}")
        assert link["pendingPoints"] == 2 and link["lastError"] is None
        assert link["syncedAt"] is not None

        await mirrored.post_metrics(token, experiment.id, "loss", range(100, 150))
        await mirrored.post_metrics(token, experiment.id, "acc", range(100, 150))
        await mirrored.post_logs(token, experiment.id, "done")
        await move(mirrored.services, owner, experiment, "complete")
        await mirrored.sync(mirror)
    finally:
        await mirror.close()
    row = await mirrored.row(experiment.id)
    assert (row.final_status, row.last_step, row.points_synced) == ("0", 149, 300)

    [folder] = mirrored.folders(experiment.id)
    run = read_run(folder)
    assert run.problems == []
    assert run.run_id == str(experiment.id)
    assert run.run.display_name == "resnet-a"
    assert run.run.project.startswith("vision")
    assert run.run.group.startswith("vision ")
    assert run.run.notes == "a first try"
    assert run.run.tags == ["baseline", "resnet"]
    assert HYPERPARAMS.items() <= experiment.hyperparams.items()
    assert run.config == {
        **experiment.hyperparams,
        "expsvc": {
            "experiment_id": str(experiment.id),
            "model": "xgboost",
            "framework": "sklearn",
            "type": "ML",
            "approach": None,
            "resources": {
                "gpu_type": None,
                "gpu_count": 0,
                "cpu_cores": 1,
                "memory_gb": 4,
                "max_duration_minutes": 60,
            },
        },
    }
    assert merged([run]) == expected(range(150))
    rows = history_rows(folder)
    assert rows == [(step, frozenset({"loss", "acc"})) for step in range(150)]
    assert math.isclose(run.summary["loss"], value("loss", 149))
    assert math.isclose(run.summary["acc"], value("acc", 149))
    # the best either way: loss falls, acc rises over the 150 steps
    assert math.isclose(run.summary["loss.min"], value("loss", 149))
    assert math.isclose(run.summary["loss.max"], value("loss", 0))
    assert math.isclose(run.summary["acc.max"], value("acc", 149))
    assert math.isclose(run.summary["acc.min"], value("acc", 0))
    assert run.exit_code == 0
    assert [(line.stream, line.text) for line in run.console] == [
        ("stdout", "epoch 0 starting"),
        ("stderr", "an error line"),
        ("stdout", "done"),
    ]


@pytest.mark.parametrize(("move_to", "exit_code"), [("fail", 1), ("stop", 255)])
async def test_after_a_stop_of_the_mirror_everything_arrives_once(
    mirrored: Mirrored, make_user: MakeUser, move_to: str, exit_code: int
) -> None:
    owner, token, experiment = await mirrored.running(make_user)
    await mirrored.post_metrics(token, experiment.id, "loss", range(50))
    await mirrored.post_metrics(token, experiment.id, "acc", range(50))
    await mirrored.post_logs(token, experiment.id, "before")
    first = mirrored.mirror()
    await mirrored.sync(first)
    await first.close()  # the worker stops (a deploy, a crash after its last commit)
    await asyncio.sleep(1.1)  # offline, wandb names a run's folder by the second it opened

    # meanwhile our requests go on: only queue rows are written
    await mirrored.post_metrics(token, experiment.id, "loss", range(50, 120))
    await mirrored.post_metrics(token, experiment.id, "acc", range(50, 120))
    await mirrored.post_logs(token, experiment.id, "during")
    link = (await ok(mirrored.client, LINK, {"id": str(experiment.id)}, token=token))["experiment"][
        "wandb"
    ]
    assert link["pendingPoints"] == 2 + 140
    await move(mirrored.services, owner, experiment, move_to)

    second = mirrored.mirror()
    try:
        await mirrored.sync(second)
    finally:
        await second.close()
    folders = mirrored.folders(experiment.id)
    assert len(folders) == 2  # reopened (online W&B resumes the same run)
    runs = [read_run(folder) for folder in folders]
    assert all(run.problems == [] and run.run_id == str(experiment.id) for run in runs)
    steps = Counter(step for folder in folders for step, _keys in history_rows(folder))
    assert sorted(steps) == list(range(120)) and set(steps.values()) == {1}
    assert merged(runs) == expected(range(120))
    assert runs[-1].exit_code == exit_code
    assert [line.text for run in runs for line in run.console] == ["before", "during"]
    row = await mirrored.row(experiment.id)
    assert row.final_status == str(exit_code) and row.points_synced == 240


async def test_with_wandb_down_requests_go_on_and_the_mirror_catches_up_once(
    mirrored: Mirrored, make_user: MakeUser
) -> None:
    """W&B unreachable (online, nothing listening): our requests only write queue rows,
    the mirror records the error and the gauges show it; once W&B takes runs again
    (offline here) everything arrives, once."""
    owner, token, experiment = await mirrored.running(make_user)
    await mirrored.post_metrics(token, experiment.id, "loss", range(30))
    await mirrored.post_metrics(token, experiment.id, "acc", range(30))
    down = WandbMirror(
        mirrored.services.db,
        mirrored.settings.model_copy(
            update={
                "wandb_mode": "online",
                "wandb_base_url": "http://127.0.0.1:9",
                "wandb_api_key": "x" * 40,
                "wandb_init_timeout_seconds": 2.0,
            }
        ),
        mirrored.services.store,
    )
    try:
        assert await down.run_once(respect_backoff=False) == 0
    finally:
        await down.close()
    await mirrored.post_metrics(token, experiment.id, "loss", range(30, 40))
    await mirrored.post_metrics(token, experiment.id, "acc", range(30, 40))
    await mirrored.post_logs(token, experiment.id, "still going")
    row = await mirrored.row(experiment.id)
    assert row.run_id is None and row.last_error is not None
    assert REGISTRY.get_sample_value("expsvc_mirror_failing_runs", {"target": "wandb"}) == 1
    assert REGISTRY.get_sample_value("expsvc_mirror_pending_points", {"target": "wandb"}) == 60
    await move(mirrored.services, owner, experiment, "complete")

    back = mirrored.mirror()
    try:
        await mirrored.sync(back)
    finally:
        await back.close()
    [folder] = mirrored.folders(experiment.id)
    run = read_run(folder)
    assert merged([run]) == expected(range(40))
    assert [step for step, _keys in history_rows(folder)] == list(range(40))
    assert [line.text for line in run.console] == ["still going"]
    assert run.exit_code == 0
    row = await mirrored.row(experiment.id)
    assert row.last_error is None and row.points_synced == 80


async def test_artifacts_become_wandb_artifacts_when_the_setting_says_so(
    mirrored: Mirrored, make_user: MakeUser
) -> None:
    owner, token, experiment = await mirrored.running(make_user)
    body = uuid.uuid4().bytes * 4096
    await upload_artifact(mirrored.client, token, experiment.id, "weights.bin", body)
    await move(mirrored.services, owner, experiment, "complete")
    mirror = mirrored.mirror()
    try:
        await mirrored.sync(mirror)
    finally:
        await mirror.close()
    [folder] = mirrored.folders(experiment.id)
    # the artifact record (a kind the import does not read) names the file and its MD5
    digest = base64.b64encode(hashlib.md5(body).digest())
    logged = [
        item.data
        for item in read_records(next(folder.glob("*.wandb")).read_bytes())
        if not isinstance(item, Damage) and b"weights.bin" in item.data
    ]
    assert any(digest in data and b"file" in data for data in logged), logged
    assert read_run(folder).exit_code == 0


async def test_mlflow_down_does_not_hold_the_wandb_mirror_back(
    mirrored: Mirrored, make_user: MakeUser, settings: Settings
) -> None:
    """Both targets configured: each accepted batch is queued once per target, and each
    target's job sends only its own — MLflow unreachable keeps its items and its error,
    W&B gets everything meanwhile."""
    from app.integrations.mlflow.mirror import MlflowMirror

    both = mirrored.settings.model_copy(
        update={"mlflow_tracking_uri": "http://127.0.0.1:9", "mlflow_request_timeout_seconds": 2}
    )
    ours = Services.from_settings(both)
    transport = httpx.ASGITransport(app=create_app(both, ours), raise_app_exceptions=False)
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(ours, owner, title=f"both {uuid.uuid4().hex[:6]}")
    experiment = await start(ours, owner, await create_experiment(ours, owner, hypothesis))
    mlflow = MlflowMirror(ours.db, both, ours.store)
    wandb_mirror = WandbMirror(ours.db, both, ours.store)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            other = Mirrored(ours, client, both, mirrored.wandb_dir)
            await other.post_metrics(token, experiment.id, "loss", range(20))
            await other.post_metrics(token, experiment.id, "acc", range(20))
            await move(ours, owner, experiment, "complete")
            assert await mlflow.run_once(respect_backoff=False) == 0  # MLflow is down
            await other.sync(wandb_mirror)
            link = (await ok(client, LINK, {"id": str(experiment.id)}, token=token))["experiment"][
                "wandb"
            ]
    finally:
        await wandb_mirror.close()
        await mlflow.close()
        await ours.close()
    assert link["pendingPoints"] == 0 and link["lastError"] is None
    [folder] = mirrored.folders(experiment.id)
    assert merged([read_run(folder)]) == expected(range(20))
    async with mirrored.services.db.reader() as session:
        mlflow_row = await session.get(MirrorRun, ("mlflow", experiment.id))
        queued = (await session.scalars(select(MirrorQueueItem).order_by(MirrorQueueItem.id))).all()
    assert mlflow_row is not None and "ConnectError" in (mlflow_row.last_error or "")
    assert [(item.target, item.points) for item in queued] == [("mlflow", 20), ("mlflow", 20)]


async def test_the_services_own_job_mirrors_a_run(mirrored: Mirrored, make_user: MakeUser) -> None:
    """With ``EXPSVC_WANDB_PROJECT`` set, the app's lifespan runs the W&B mirror job: a
    run started and completed through the API shows in W&B, finished."""
    app = create_app(mirrored.settings, mirrored.services)
    owner, token, experiment = await mirrored.running(make_user)
    async with app.router.lifespan_context(app):
        await mirrored.post_metrics(token, experiment.id, "loss", range(10))
        await mirrored.post_metrics(token, experiment.id, "acc", range(10))
        await move(mirrored.services, owner, experiment, "complete")
        for _ in range(600):
            if (await mirrored.row(experiment.id)).final_status is not None:
                break
            await asyncio.sleep(0.05)
    row = await mirrored.row(experiment.id)
    assert (row.final_status, row.last_step, row.last_error) == ("0", 9, None)
    [folder] = mirrored.folders(experiment.id)
    assert merged([read_run(folder)]) == expected(range(10))


async def test_rows_sent_again_after_a_lost_commit_are_not_written_twice(
    mirrored: Mirrored, make_user: MakeUser
) -> None:
    """As if our commit after W&B took the rows were lost: the cursor back and the batches
    queued again. W&B drops rows whose step is not greater than its last (the SDK for the
    open run, the server for a resumed one), so each step stays one row."""
    owner, token, experiment = await mirrored.running(make_user)
    await mirrored.post_metrics(token, experiment.id, "loss", range(40))
    await mirrored.post_metrics(token, experiment.id, "acc", range(40))
    async with mirrored.services.db.reader() as session:
        payloads = [
            (item.points, item.payload)
            for item in (
                await session.scalars(
                    select(MirrorQueueItem)
                    .where(MirrorQueueItem.target == "wandb")
                    .order_by(MirrorQueueItem.id)
                )
            ).all()
        ]
    mirror = mirrored.mirror()
    try:
        await mirrored.sync(mirror)
        assert (await mirrored.row(experiment.id)).last_step == 38
        async with mirrored.services.db.unit_of_work() as session:
            await session.execute(
                update(MirrorRun)
                .where(MirrorRun.target == "wandb", MirrorRun.experiment_id == experiment.id)
                .values(last_step=None)
            )
            await session.execute(delete(MirrorQueueItem))
            for points, payload in payloads:
                session.add(
                    MirrorQueueItem(
                        target="wandb",
                        experiment_id=experiment.id,
                        kind="metrics",
                        points=points,
                        sent=0,
                        payload=payload,
                    )
                )
        await move(mirrored.services, owner, experiment, "complete")
        await mirrored.sync(mirror)
    finally:
        await mirror.close()
    [folder] = mirrored.folders(experiment.id)
    assert [step for step, _keys in history_rows(folder)] == list(range(40))
    assert merged([read_run(folder)]) == expected(range(40))
