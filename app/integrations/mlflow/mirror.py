"""The MLflow mirror: a background job that sends what ``mlflow_queue`` holds.

Per experiment, in order: open the run (find-or-create, so a crash between MLflow's answer
and our commit does not make a second run), log its params and tags, send every queued
metric batch in chunks of at most 1,000 points (``sent`` is committed after each chunk
MLflow accepted, so a retry resumes after it), then — once the experiment is over and
nothing is left in its queue — the final status and end time.

Any failure stops that experiment's work for this round, is recorded on its
``mlflow_runs`` row (``last_error``) and retried with exponential backoff; the queue keeps
everything meanwhile. A chunk is sent again only if we crashed between MLflow accepting it
and our commit; MLflow's SQL store ignores a metric it already holds (same key, step,
timestamp and value), so the data converges without duplicates.

The job runs on one replica at a time (``app.leader``); experiments are worked on
concurrently, each by one task.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass, field

import orjson
from sqlalchemy import delete, func, select, union, update

from app.config import Settings
from app.db import Database
from app.integrations.mlflow import gauges
from app.integrations.mlflow.client import MlflowClient, MlflowError
from app.integrations.mlflow.mapping import (
    FINAL_STATUS,
    TAG_EXPERIMENT_ID,
    chunks,
    experiment_name,
    tags_of,
)
from app.integrations.mlflow.queue import ARTIFACT, METRICS, decode_metrics, ensure_run_row
from app.leader import LeaderLock, PeriodicJob
from app.mlflow_terms import (
    MAX_METRICS_PER_BATCH,
    MAX_PARAMS_PER_BATCH,
    MAX_TAGS_PER_BATCH,
    millis,
    params_of,
)
from app.models import (
    Artifact,
    Experiment,
    Hypothesis,
    MlflowQueueItem,
    MlflowRun,
    User,
)
from app.models.base import utcnow
from app.models.enums import TERMINAL_STATUSES
from app.storage import ArtifactStore

log = logging.getLogger("expsvc.mlflow")

JOB_NAME = "mlflow-mirror"
EXPERIMENTS_PER_ROUND = 200
CONCURRENCY = 4
ITEMS_PER_READ = 16
MAX_ERROR_CHARS = 2000


@dataclass
class _Backoff:
    failures: int = 0
    retry_at: float = 0.0


@dataclass
class MlflowMirror:
    db: Database
    settings: Settings
    store: ArtifactStore
    client: MlflowClient = field(init=False)
    _experiment_ids: dict[str, str] = field(default_factory=dict)  # name → MLflow id
    _backoff: dict[uuid.UUID, _Backoff] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.client = MlflowClient(self.settings)

    async def close(self) -> None:
        await self.client.close()

    # --- one round ------------------------------------------------------------------

    async def run_once(self, *, respect_backoff: bool = True) -> int:
        """Work on every experiment that has something to send (and whose retry is due);
        return how many were brought fully up to date."""
        now = time.monotonic()
        due = [
            experiment_id
            for experiment_id in await self.experiments_with_work()
            if not respect_backoff or self._backoff.get(experiment_id, _Backoff()).retry_at <= now
        ]
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one(experiment_id: uuid.UUID) -> bool:
            async with limit:
                return await self.sync_experiment(experiment_id)

        done = await asyncio.gather(*(one(experiment_id) for experiment_id in due))
        await self.refresh_gauges()
        return sum(done)

    async def experiments_with_work(self) -> list[uuid.UUID]:
        """Experiments with queued items, a run to open or a final status to send."""
        queued = select(MlflowQueueItem.experiment_id)
        unopened_or_unfinished = (
            select(MlflowRun.experiment_id)
            .join(Experiment, Experiment.id == MlflowRun.experiment_id)
            .where(
                MlflowRun.run_id.is_(None)
                | (
                    MlflowRun.final_status.is_(None)
                    & Experiment.status.in_(list(TERMINAL_STATUSES))
                )
            )
        )
        query = union(queued, unopened_or_unfinished).limit(EXPERIMENTS_PER_ROUND)
        async with self.db.reader() as session:
            return list((await session.scalars(query)).all())

    async def sync_experiment(self, experiment_id: uuid.UUID) -> bool:
        """Bring one experiment's run up to date; False if a call failed (recorded)."""
        try:
            await self._sync(experiment_id)
        except Exception as exc:
            retryable = not isinstance(exc, MlflowError) or exc.retryable
            gauges.ERRORS.labels(retryable=str(retryable).lower()).inc()
            if not isinstance(exc, MlflowError):
                log.exception("mlflow mirror of experiment %s failed", experiment_id)
            else:
                log.warning("mlflow mirror of experiment %s: %s", experiment_id, exc)
            await self._record_error(experiment_id, f"{exc}", retryable)
            return False
        self._backoff.pop(experiment_id, None)
        return True

    # --- the steps ----------------------------------------------------------------

    async def _sync(self, experiment_id: uuid.UUID) -> None:
        run = await self._run_row(experiment_id)
        if run.run_id is None:
            run = await self._open_run(experiment_id)
        assert run.run_id is not None
        while await self._send_some(experiment_id, run):
            pass
        await self._finish_if_over(experiment_id, run)

    async def _run_row(self, experiment_id: uuid.UUID) -> MlflowRun:
        async with self.db.unit_of_work() as session:
            await ensure_run_row(session, experiment_id)
            run = await session.get(MlflowRun, experiment_id)
            assert run is not None
            return run

    async def _open_run(self, experiment_id: uuid.UUID) -> MlflowRun:
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
        async with self.db.unit_of_work() as session:
            run = await session.get(MlflowRun, experiment_id)
            assert run is not None
            run.mlflow_experiment_id = mlflow_experiment
            run.run_id = run_id
            run.artifact_uri = info.get("artifact_uri")
            run.synced_at = utcnow()
            run.last_error = None
            run.last_error_at = None
        log.info("experiment %s mirrored to MLflow run %s", experiment_id, run_id)
        return run

    async def _send_some(self, experiment_id: uuid.UUID, run: MlflowRun) -> bool:
        """Send the next few queued items; False when the queue is empty."""
        async with self.db.reader() as session:
            items = (
                await session.scalars(
                    select(MlflowQueueItem)
                    .where(MlflowQueueItem.experiment_id == experiment_id)
                    .order_by(MlflowQueueItem.id)
                    .limit(ITEMS_PER_READ)
                )
            ).all()
        for item in items:
            if item.kind == METRICS:
                await self._send_metrics(run, item)
            elif item.kind == ARTIFACT:
                await self._send_artifact(run, item)
            else:  # written by a newer version: leave it for that version
                log.error("mlflow queue item %s has unknown kind %r", item.id, item.kind)
                return False
        return bool(items)

    async def _send_metrics(self, run: MlflowRun, item: MlflowQueueItem) -> None:
        assert run.run_id is not None
        sent = item.sent
        while sent < item.points:
            stop = min(sent + MAX_METRICS_PER_BATCH, item.points)
            await self.client.log_batch(
                run.run_id, metrics=decode_metrics(item.payload, sent, stop)
            )
            await self._progress(item, run, sent=stop, points=stop - sent)
            gauges.POINTS_SENT.inc(stop - sent)
            sent = stop
        if item.points == 0:
            await self._progress(item, run, sent=0, points=0)

    async def _send_artifact(self, run: MlflowRun, item: MlflowQueueItem) -> None:
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
        self, item: MlflowQueueItem, run: MlflowRun, *, sent: int, points: int
    ) -> None:
        """Record what MLflow accepted; the item goes once all of it was sent."""
        now = utcnow()
        async with self.db.unit_of_work() as session:
            if sent >= item.points:
                await session.execute(delete(MlflowQueueItem).where(MlflowQueueItem.id == item.id))
            else:
                await session.execute(
                    update(MlflowQueueItem).where(MlflowQueueItem.id == item.id).values(sent=sent)
                )
            await session.execute(
                update(MlflowRun)
                .where(MlflowRun.experiment_id == run.experiment_id)
                .values(
                    points_synced=MlflowRun.points_synced + points,
                    synced_at=now,
                    last_error=None,
                    last_error_at=None,
                )
            )

    async def _finish_if_over(self, experiment_id: uuid.UUID, run: MlflowRun) -> None:
        async with self.db.reader() as session:
            experiment = await session.get(Experiment, experiment_id)
            final = await session.scalar(
                select(MlflowRun.final_status).where(MlflowRun.experiment_id == experiment_id)
            )
            left = await session.scalar(
                select(func.count())
                .select_from(MlflowQueueItem)
                .where(MlflowQueueItem.experiment_id == experiment_id)
            )
        if experiment is None or final is not None or left:
            return
        status = FINAL_STATUS.get(experiment.status)
        if status is None:
            return
        assert run.run_id is not None
        ended = experiment.finished_at or utcnow()
        await self.client.end_run(run.run_id, status=status, end_time=millis(ended))
        async with self.db.unit_of_work() as session:
            await session.execute(
                update(MlflowRun)
                .where(MlflowRun.experiment_id == experiment_id)
                .values(
                    final_status=status, synced_at=utcnow(), last_error=None, last_error_at=None
                )
            )

    # --- failures and figures ---------------------------------------------------------

    async def _record_error(self, experiment_id: uuid.UUID, message: str, retryable: bool) -> None:
        backoff = self._backoff.setdefault(experiment_id, _Backoff())
        backoff.failures += 1
        ceiling = self.settings.mlflow_max_backoff_seconds
        delay = (
            min(ceiling, self.settings.mlflow_sync_interval_seconds * 2**backoff.failures)
            if retryable
            else ceiling
        )
        backoff.retry_at = time.monotonic() + delay
        try:
            async with self.db.unit_of_work() as session:
                await ensure_run_row(session, experiment_id)
                await session.execute(
                    update(MlflowRun)
                    .where(MlflowRun.experiment_id == experiment_id)
                    .values(last_error=message[:MAX_ERROR_CHARS], last_error_at=utcnow())
                )
        except Exception:
            log.exception("recording the mlflow error of experiment %s failed", experiment_id)

    async def refresh_gauges(self) -> None:
        async with self.db.reader() as session:
            items, points, oldest = (
                await session.execute(
                    select(
                        func.count(),
                        func.coalesce(func.sum(MlflowQueueItem.points - MlflowQueueItem.sent), 0),
                        func.min(MlflowQueueItem.created_at),
                    )
                )
            ).one()
            failing = await session.scalar(
                select(func.count()).select_from(MlflowRun).where(MlflowRun.last_error.is_not(None))
            )
        gauges.PENDING_ITEMS.set(items)
        gauges.PENDING_POINTS.set(points)
        gauges.LAG_SECONDS.set((utcnow() - oldest).total_seconds() if oldest else 0)
        gauges.FAILING_RUNS.set(failing or 0)


def mlflow_job(mirror: MlflowMirror) -> PeriodicJob:
    """The mirror as a leader-elected periodic job."""
    return PeriodicJob(
        JOB_NAME,
        mirror.settings.mlflow_sync_interval_seconds,
        mirror.run_once,
        LeaderLock(mirror.db, JOB_NAME),
    )
