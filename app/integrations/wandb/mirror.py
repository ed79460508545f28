"""The W&B adapter of the shared mirror job (``app.integrations.mirror.sender``): each
started experiment becomes a W&B run, written with the official ``wandb`` package.

Per experiment, in order: open the run (``wandb.init`` with our experiment id as run id
and ``resume="allow"``, so reopening after a restart continues the same run), send the
queued metric batches as history rows — one row per step holding every key of that step,
built across batches — then the log lines as the run's console output, the artifacts (when
``EXPSVC_WANDB_MIRROR_ARTIFACTS`` is on) and, once the experiment is over and nothing is
left, the summary and the exit code (0 COMPLETED, 1 FAILED, 255 STOPPED).

W&B keeps one row per step and drops a row whose step is not greater than the last one it
took. So the highest queued step is held back while the experiment runs (another batch may
still add keys to it), ``mirror_runs.last_step`` records the last step W&B was given,
committed with the queue progress, and a retry resumes after it: a crash between W&B
taking rows and our commit resends only steps W&B then drops, never a second row. Points
that arrive for a step already sent cannot join its row and are skipped (counted in the
log). Log lines keep their place in ``log_lines`` (``mirror_runs.log_seq``).

``wandb`` blocks (it talks to its own service process): every call runs in one worker
thread of this job, never on the event loop and never in a request. ``wandb`` is imported
there, lazily, only when ``EXPSVC_WANDB_PROJECT`` is set.
"""

from __future__ import annotations

import asyncio
import logging
import math
import tempfile
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import select

from app.integrations.mirror.queue import ARTIFACT, METRICS, decode_batch
from app.integrations.mirror.sender import MirrorError, MirrorSender
from app.integrations.wandb.console import output_writer
from app.models import (
    Artifact,
    Experiment,
    Hypothesis,
    MetricSeries,
    MirrorQueueItem,
    MirrorRun,
    log_lines,
)
from app.models.enums import ExperimentStatus
from app.models.mirror import WANDB

log = logging.getLogger("expsvc.wandb")

T = TypeVar("T")

ITEMS_PER_READ = 64
LOG_LINES_PER_READ = 2000
EXIT_CODES = {
    ExperimentStatus.COMPLETED: 0,
    ExperimentStatus.FAILED: 1,
    ExperimentStatus.STOPPED: 255,
}


def project_name(template: str, *, hypothesis: str, hypothesis_id: str) -> str:
    """The W&B project a run goes to (``EXPSVC_WANDB_PROJECT``); characters W&B refuses
    in project names become "-"."""
    name = template.format(hypothesis=hypothesis, hypothesis_id=hypothesis_id)
    return "".join("-" if c in "/\\#?%:" else c for c in name)[:128] or "expsvc"


def run_config(experiment: Experiment) -> dict[str, Any]:
    """``config``: the hyperparams plus an ``expsvc`` key (model, framework, type and
    resources)."""
    return {
        **experiment.hyperparams,
        "expsvc": {
            "experiment_id": str(experiment.id),
            "model": experiment.model,
            "framework": experiment.framework,
            "type": experiment.type.value,
            "approach": experiment.approach,
            "resources": {
                "gpu_type": experiment.gpu_type,
                "gpu_count": experiment.gpu_count,
                "cpu_cores": experiment.cpu_cores,
                "memory_gb": experiment.memory_gb,
                "max_duration_minutes": experiment.max_duration_minutes,
            },
        },
    }


def number(value: float | str) -> float:
    """A queued value ("NaN", "Infinity", "-Infinity" spelled as strings) as a float."""
    return float(value)


@dataclass
class WandbMirror(MirrorSender):
    _worker: ThreadPoolExecutor = field(init=False)
    # Open wandb runs by experiment, touched only in the worker thread
    _runs: dict[uuid.UUID, Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.target = WANDB
        self.log = log
        self.interval_seconds = self.settings.wandb_sync_interval_seconds
        self.max_backoff_seconds = self.settings.wandb_max_backoff_seconds
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="wandb-mirror")

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn`` in the worker thread; whatever it raises is a retryable MirrorError."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self._worker, fn, *args)
        except MirrorError:
            raise
        except Exception as exc:
            raise MirrorError(f"{type(exc).__name__}: {exc}", retryable=True) from exc

    async def close(self) -> None:
        """Leave the open runs as W&B shows a stopped worker (preempted, resumable: the
        next mirror reopens them with ``resume="allow"``), then stop the thread."""
        if self._runs:
            await self._call(self._release_all)
        self._worker.shutdown(wait=True)

    def _release_all(self) -> None:
        for experiment_id, run in list(self._runs.items()):
            try:
                run.mark_preempting()
                run.finish()
            except Exception:
                log.exception("releasing the W&B run of experiment %s failed", experiment_id)
        self._runs.clear()

    def _more_work(self) -> Any:
        return (MirrorRun.log_seq < Experiment.log_seq) & MirrorRun.final_status.is_(None)

    # --- the steps ----------------------------------------------------------------

    async def _sync(self, experiment_id: uuid.UUID) -> None:
        row = await self.run_row(experiment_id)
        if row.final_status is not None:
            return
        async with self.db.reader() as session:
            experiment = await session.get(Experiment, experiment_id)
            assert experiment is not None
            hypothesis = await session.get(Hypothesis, experiment.hypothesis_id)
            assert hypothesis is not None
        if experiment_id not in self._runs:
            await self._open(experiment, hypothesis, row)
        over = experiment.status in EXIT_CODES
        last_step = await self._send_queue(experiment_id, row.last_step, over=over)
        await self._send_logs(experiment_id, row.log_seq)
        if over and not await self.left(experiment_id):
            await self._finish(experiment, last_step)

    async def _open(self, experiment: Experiment, hypothesis: Hypothesis, row: MirrorRun) -> None:
        project = project_name(
            self.settings.wandb_project,
            hypothesis=hypothesis.title,
            hypothesis_id=str(hypothesis.id),
        )
        spec = {
            "project": project,
            "entity": self.settings.wandb_entity or None,
            "id": str(experiment.id),
            "name": experiment.name,
            "config": run_config(experiment),
            "tags": list(experiment.tags),
            "group": hypothesis.title,
            "notes": experiment.description,
        }
        entity = await self._call(self._init, experiment.id, spec)
        if row.run_id is None:
            await self.update_run(
                experiment.id, remote_group=f"{entity}/{project}", run_id=str(experiment.id)
            )
            log.info(
                "experiment %s mirrored to W&B run %s/%s", experiment.id, project, experiment.id
            )

    def _init(self, experiment_id: uuid.UUID, spec: dict[str, Any]) -> str:
        import wandb  # only here: the service starts without it unless W&B is configured

        options: dict[str, Any] = {
            "console": "off",  # our log lines are its console output, sent as such
            "x_disable_stats": True,  # this machine's figures are not the run's
            "disable_git": True,
            "save_code": False,
            "silent": True,
            "init_timeout": self.settings.wandb_init_timeout_seconds,
        }
        if self.settings.wandb_mode:
            options["mode"] = self.settings.wandb_mode
        if self.settings.wandb_base_url:
            options["base_url"] = self.settings.wandb_base_url
        if self.settings.wandb_api_key:
            options["api_key"] = self.settings.wandb_api_key
        try:
            run = wandb.init(
                **spec,
                dir=self.settings.wandb_dir or None,
                resume="allow",
                reinit="create_new",
                settings=wandb.Settings(**options),
            )
        except Exception:
            # wandb's service keeps the failed run's stream and would answer every later
            # opening of this run id "run ID … is in use": release the open runs (finish
            # flushes them; each reopens with resume next round) and restart the service
            self._release_all()
            wandb.teardown()
            raise
        self._runs[experiment_id] = run
        return str(run.entity or "")

    async def _send_queue(
        self, experiment_id: uuid.UUID, last_step: int | None, *, over: bool
    ) -> int | None:
        """Send the queue as history rows (and artifacts), page by page; the last step
        W&B was given."""
        while True:
            items = await self.queued(experiment_id, ITEMS_PER_READ)
            if not items:
                return last_step
            more = len(items) == ITEMS_PER_READ
            floor = -1 if last_step is None else last_step
            decoded = {
                item.id: decode_batch(item.payload) for item in items if item.kind == METRICS
            }
            steps = [s for columns in decoded.values() for s in columns.steps if s > floor]
            cut = floor
            if steps:
                top = max(steps)
                # the top step may still gain keys from later batches while the run goes on
                cut = top if (over and not more) else top - 1
                if cut <= floor and more:  # a page of one step: it cannot wait for more
                    cut = top
            rows: dict[int, dict[str, float]] = {}
            late = 0
            for columns in decoded.values():
                for key, step, value in zip(
                    columns.keys, columns.steps, columns.values, strict=True
                ):
                    if step <= floor:
                        late += 1
                    elif step <= cut:
                        rows.setdefault(step, {})[key] = number(value)
            if late:
                log.warning(
                    "experiment %s: %d points for steps W&B already has (up to %d) skipped",
                    experiment_id,
                    late,
                    floor,
                )
            if rows:
                await self._call(self._log_rows, experiment_id, rows)
            new_last = max(rows) if rows else last_step
            done: dict[int, tuple[int, int]] = {}
            for item in items:
                if item.kind == METRICS:
                    columns = decoded[item.id]
                    upto = sum(1 for s in columns.steps if s <= cut)
                    if upto != item.sent:
                        done[item.id] = (upto, item.points)
                elif item.kind == ARTIFACT:
                    if self.settings.wandb_mirror_artifacts:
                        await self._send_artifact(experiment_id, item)
                    done[item.id] = (0, 0)
                else:  # written by a newer version: leave it for that version
                    log.error("wandb queue item %s has unknown kind %r", item.id, item.kind)
            sent_points = sum(len(row) for row in rows.values())
            if not done and not rows:
                return last_step  # nothing can go yet: wait for more
            await self.progress(experiment_id, done, points=sent_points, last_step=new_last)
            last_step = new_last
            if not more and not done:
                return last_step

    def _log_rows(self, experiment_id: uuid.UUID, rows: dict[int, dict[str, float]]) -> None:
        run = self._runs[experiment_id]
        for step in sorted(rows):
            run.log(rows[step], step=step, commit=True)

    async def _send_logs(self, experiment_id: uuid.UUID, after: int) -> None:
        while True:
            async with self.db.reader() as session:
                lines = (
                    await session.execute(
                        select(log_lines.c.seq, log_lines.c.message, log_lines.c.source)
                        .where(log_lines.c.experiment_id == experiment_id, log_lines.c.seq > after)
                        .order_by(log_lines.c.seq)
                        .limit(LOG_LINES_PER_READ)
                    )
                ).all()
            if not lines:
                return
            chunks = [
                ("stderr" if source == "stderr" else "stdout", f"{message}\n")
                for _seq, message, source in lines
            ]
            await self._call(self._write_output, experiment_id, chunks)
            after = int(lines[-1][0])
            await self.progress(experiment_id, {}, points=0, log_seq=after)

    def _write_output(self, experiment_id: uuid.UUID, chunks: list[tuple[str, str]]) -> None:
        """Lines as console output (``output.log``): what wandb's console capture records,
        through the same call (``console.py``: wandb has no public one)."""
        write = output_writer(self._runs[experiment_id])
        for stream, text in chunks:
            write(stream, text)

    async def _send_artifact(self, experiment_id: uuid.UUID, item: MirrorQueueItem) -> None:
        artifact_id = uuid.UUID(orjson.loads(item.payload)["artifact_id"])
        async with self.db.reader() as session:
            artifact = await session.get(Artifact, artifact_id)
        if artifact is None:  # deleted meanwhile: nothing to send
            return
        with tempfile.TemporaryDirectory(prefix="expsvc-wandb-") as folder:
            path = Path(folder) / Path(artifact.name).name
            with path.open("wb") as out:
                async for chunk in self.store.read(artifact.store_key):
                    out.write(chunk)
            await self._call(self._log_artifact, experiment_id, artifact.name, path)

    def _log_artifact(self, experiment_id: uuid.UUID, name: str, path: Path) -> None:
        import wandb

        run = self._runs[experiment_id]
        safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)[:120]
        artifact = wandb.Artifact(f"{safe}-{str(experiment_id)[:8]}", type="file")
        artifact.add_file(str(path), name=name)  # staged: a copy outlives our temp file
        logged = run.log_artifact(artifact)
        if not run.offline:  # online: W&B has it before we commit (offline cannot wait)
            logged.wait()

    async def _finish(self, experiment: Experiment, last_step: int | None) -> None:
        async with self.db.reader() as session:
            series = (
                await session.scalars(
                    select(MetricSeries).where(MetricSeries.experiment_id == experiment.id)
                )
            ).all()
        summary = _summary(series)
        code = EXIT_CODES[experiment.status]
        await self._call(self._end, experiment.id, summary, code)
        await self.update_run(experiment.id, final_status=str(code))

    def _end(self, experiment_id: uuid.UUID, summary: dict[str, float], code: int) -> None:
        run = self._runs.pop(experiment_id)
        run.summary.update(summary)
        run.finish(exit_code=code)


def _summary(series: Sequence[MetricSeries]) -> dict[str, float]:
    """Each series' last finite value under its key, and its best either way (experiments
    store no goal: ``<key>.min`` and ``<key>.max``, over its finite values)."""
    summary: dict[str, float] = {}
    for row in series:
        if row.last_value is not None and math.isfinite(row.last_value):
            summary[row.key] = row.last_value
        if row.min_value is not None:
            summary[f"{row.key}.min"] = row.min_value
        if row.max_value is not None:
            summary[f"{row.key}.max"] = row.max_value
    return summary
