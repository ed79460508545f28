"""The MLflow adapter of the shared mirror job (``app.integrations.mirror.sender``).

Per experiment, in order: open the run (find-or-create, so a crash between MLflow's answer
and our commit does not make a second run), log its params and tags, send every queued
metric batch in chunks of at most 1,000 points (``sent`` is committed after each chunk
MLflow accepted, so a retry resumes after it), then — once the experiment is over and
nothing is left in its queue — the final status and end time.

A chunk is sent again only if we crashed between MLflow accepting it and our commit;
MLflow's SQL store ignores a metric it already holds (same key, step, timestamp and
value), so the data converges without duplicates.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

import orjson

from app.integrations.mirror.sender import MirrorSender
from app.integrations.mlflow.client import MlflowClient
from app.integrations.mlflow.mapping import (
    FINAL_STATUS,
    TAG_EXPERIMENT_ID,
    chunks,
    experiment_name,
    tags_of,
)
from app.integrations.mlflow.queue import ARTIFACT, METRICS, decode_metrics
from app.leader import PeriodicJob
from app.mlflow_terms import (
    MAX_METRICS_PER_BATCH,
    MAX_PARAMS_PER_BATCH,
    MAX_TAGS_PER_BATCH,
    millis,
    params_of,
)
from app.models import Artifact, Experiment, Hypothesis, MirrorQueueItem, MirrorRun, User
from app.models.base import utcnow
from app.models.mirror import MLFLOW

log = logging.getLogger("expsvc.mlflow")

ITEMS_PER_READ = 16


@dataclass
class MlflowMirror(MirrorSender):
    client: MlflowClient = field(init=False)
    _experiment_ids: dict[str, str] = field(init=False, default_factory=dict)  # name → id

    def __post_init__(self) -> None:
        self.target = MLFLOW
        self.log = log
        self.interval_seconds = self.settings.mlflow_sync_interval_seconds
        self.max_backoff_seconds = self.settings.mlflow_max_backoff_seconds
        self.client = MlflowClient(self.settings)

    async def close(self) -> None:
        await self.client.close()

    # --- the steps ----------------------------------------------------------------

    async def _sync(self, experiment_id: uuid.UUID) -> None:
        run = await self.run_row(experiment_id)
        if run.run_id is None:
            run = await self._open_run(experiment_id)
        assert run.run_id is not None
        while await self._send_some(experiment_id, run):
            pass
        await self._finish_if_over(experiment_id, run)

    async def _open_run(self, experiment_id: uuid.UUID) -> MirrorRun:
        async with self.db.reader() as session:
            experiment = await session.get(Experiment, experiment_id)
            assert experiment is not None
            owner = await session.get(User, experiment.owner_id)
            hypothesis = await session.get(Hypothesis, experiment.hypothesis_id)
        assert owner is not None and hypothesis is not None
        name = experiment_name(
            self.settings.mlflow_experiment_name,
            hypothesis=hypothesis.title,
            hypothesis_id=str(hypothesis.id),
        )
        mlflow_experiment = self._experiment_ids.get(name)
        if mlflow_experiment is None:
            mlflow_experiment = await self.client.experiment_id(name)
            self._experiment_ids[name] = mlflow_experiment
        info = await self.client.find_run(mlflow_experiment, TAG_EXPERIMENT_ID, str(experiment_id))
        if info is None:
            started = experiment.started_at or experiment.created_at
            info = await self.client.create_run(
                mlflow_experiment,
                run_name=experiment.name,
                start_time=millis(started),
                tags=[{"key": TAG_EXPERIMENT_ID, "value": str(experiment_id)}],
            )
        run_id = str(info["run_id"])
        for tags in chunks(tags_of(experiment, owner.email), MAX_TAGS_PER_BATCH):
            await self.client.log_batch(run_id, tags=tags)
        for params in chunks(params_of(experiment), MAX_PARAMS_PER_BATCH):
            await self.client.log_batch(run_id, params=params)
        await self.update_run(
            experiment_id,
            remote_group=mlflow_experiment,
            run_id=run_id,
            artifact_uri=info.get("artifact_uri"),
        )
        log.info("experiment %s mirrored to MLflow run %s", experiment_id, run_id)
        return await self.run_row(experiment_id)

    async def _send_some(self, experiment_id: uuid.UUID, run: MirrorRun) -> bool:
        """Send the next few queued items; False when the queue is empty."""
        items = await self.queued(experiment_id, ITEMS_PER_READ)
        for item in items:
            if item.kind == METRICS:
                await self._send_metrics(run, item)
            elif item.kind == ARTIFACT:
                await self._send_artifact(run, item)
            else:  # written by a newer version: leave it for that version
                log.error("mlflow queue item %s has unknown kind %r", item.id, item.kind)
                return False
        return bool(items)

    async def _send_metrics(self, run: MirrorRun, item: MirrorQueueItem) -> None:
        assert run.run_id is not None
        sent = item.sent
        while sent < item.points:
            stop = min(sent + MAX_METRICS_PER_BATCH, item.points)
            await self.client.log_batch(
                run.run_id, metrics=decode_metrics(item.payload, sent, stop)
            )
            await self._progress(item, run, sent=stop, points=stop - sent)
            sent = stop
        if item.points == 0:
            await self._progress(item, run, sent=0, points=0)

    async def _send_artifact(self, run: MirrorRun, item: MirrorQueueItem) -> None:
        artifact_id = uuid.UUID(orjson.loads(item.payload)["artifact_id"])
        async with self.db.reader() as session:
            artifact = await session.get(Artifact, artifact_id)
        if artifact is not None:  # deleted meanwhile: nothing to send
            assert run.artifact_uri is not None
            await self.client.upload_artifact(
                run.artifact_uri,
                artifact.name,
                self.store.read(artifact.store_key),
                artifact.size_bytes,
            )
        await self._progress(item, run, sent=0, points=0)

    async def _progress(
        self, item: MirrorQueueItem, run: MirrorRun, *, sent: int, points: int
    ) -> None:
        """Record what MLflow accepted; the item goes once all of it was sent."""
        await self.progress(run.experiment_id, {item.id: (sent, item.points)}, points=points)

    async def _finish_if_over(self, experiment_id: uuid.UUID, run: MirrorRun) -> None:
        async with self.db.reader() as session:
            experiment = await session.get(Experiment, experiment_id)
        final = (await self.run_row(experiment_id)).final_status
        left = await self.left(experiment_id)
        if experiment is None or final is not None or left:
            return
        status = FINAL_STATUS.get(experiment.status)
        if status is None:
            return
        assert run.run_id is not None
        ended = experiment.finished_at or utcnow()
        await self.client.end_run(run.run_id, status=status, end_time=millis(ended))
        await self.update_run(experiment_id, final_status=status)


def mlflow_job(mirror: MlflowMirror) -> PeriodicJob:
    """The mirror as a leader-elected periodic job."""
    return mirror.job()
