"""Bring W&B runs in through the service's REST API, as the caller.

For each run folder (``reader.read_run``): ``POST /imports/wandb/runs`` finds or makes the
run's experiment (owned by the caller, started at the run's start), then the history goes
in as columnar metric batches, the console output as log batches, the saved files as
artifacts — each through the ordinary endpoints, so roles, limits and validation apply —
and ``POST /imports/wandb/runs/{id}/finish`` ends it with the run's state at its end time.

Idempotent: a run whose experiment has ended was imported whole and is left alone; one
left RUNNING by an interrupted import is resumed, every batch carrying a ``batch_id``
derived from the run (a batch stored before is not stored again) and artifacts already
there skipped. The same code serves the CLI (``expsvc import wandb``, over HTTP) and the
archive upload (the server runs it against its own REST app, as the uploader).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson

from app.integrations.wandb.reader import Series, WandbRun

BATCH_POINTS = 10_000  # the server's default EXPSVC_METRICS_MAX_BATCH_POINTS
BATCH_LINES = 5_000
SENDERS = 3  # metric batches in flight at once
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_\-./ ]")
_TERMINAL = {"COMPLETED", "FAILED", "STOPPED"}
_RETRIED = {429, 502, 503, 504}
# wandb's exit code for an interrupted run (KeyboardInterrupt) and the mirror's STOPPED
_STOPPED_EXIT = 255

Progress = Callable[[str], None]
_JSON_HEADERS = {"content-type": "application/json"}


class ImportFailed(Exception):
    """The service refused a step: ``status`` and its error body's message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


@dataclass
class RunReport:
    folder: str
    run_id: str
    project: str
    experiment_id: str | None = None
    created: bool = False
    already_imported: bool = False
    status: str | None = None
    points: int = 0
    lines: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def metric_key(key: str) -> str:
    """A W&B history key as a metric key of ours (letters, digits, ``_-./`` and space;
    at most 250 characters); other characters become ``_``."""
    return _KEY_UNSAFE.sub("_", key)[:250] or "_"


def final_state(run: WandbRun) -> tuple[str, str | None]:
    """The status an imported run ends in, and the message that says why."""
    if run.exit_code is None:
        return (
            "FAILED",
            "the W&B run has no exit record (it crashed, is still running, or "
            "its log is truncated)",
        )
    if run.exit_code == 0:
        return "COMPLETED", None
    if run.exit_code == _STOPPED_EXIT:
        return "STOPPED", f"W&B exit code {run.exit_code}"
    return "FAILED", f"W&B exit code {run.exit_code}"


def _times(run: WandbRun) -> tuple[datetime, datetime]:
    """The run's own start and end: the run record's start time, the end from its
    runtime (or the last time a record carried); never in the future."""
    now = datetime.now(UTC)
    start = run.run.start_time or run.last_time or now
    start = min(start, now)
    end = run.last_time or start
    if run.runtime_seconds:
        end = max(end, start + timedelta(seconds=run.runtime_seconds))
    return start, min(max(end, start), now)


def run_document(run: WandbRun, hypothesis: str | None) -> dict[str, Any]:
    """The body of ``POST /imports/wandb/runs``: config → hyperparams; what W&B knows of
    the run besides (ids, group, job type, host, final summary) → ``config.wandb``."""
    meta = run.run
    model = run.config.get("model")
    started, _ = _times(run)
    wandb_meta: dict[str, Any] = {
        "run_id": run.run_id,
        "project": meta.project,
        "entity": meta.entity,
        "group": meta.group,
        "job_type": meta.job_type,
        "host": meta.host,
        "summary": run.summary,
        "exit_code": run.exit_code,
        "runtime_seconds": run.runtime_seconds,
    }
    return {
        "project": meta.project or "uncategorized",
        "run_id": run.run_id,
        "entity": meta.entity,
        "hypothesis_title": hypothesis,
        "name": (meta.display_name or run.run_id)[:200],
        "description": meta.notes or None,
        "model": model[:200] if isinstance(model, str) and model.strip() else "unknown",
        "hyperparams": run.config,
        "config": {"wandb": {k: v for k, v in wandb_meta.items() if v not in ("", None)}},
        "tags": meta.tags,
        "started_at": started.isoformat(),
    }


def metric_batches(
    run: WandbRun, limit: int = BATCH_POINTS
) -> Iterator[tuple[str, list[dict[str, Any]], int]]:
    """(batch_id, columnar documents, points) of at most ``limit`` points each, keys in
    order; the ids follow from the run and the position, so a re-import sends the same."""
    documents: list[dict[str, Any]] = []
    size = 0
    index = 0
    for key, series in run.history.items():
        name = metric_key(key)
        count = len(series.steps)
        offset = 0
        while offset < count:
            take = min(limit - size, count - offset)
            documents.append(_columns(name, series, offset, offset + take))
            size += take
            offset += take
            if size >= limit:
                yield f"wandb:{run.run_id}:m{index}", documents, size
                index += 1
                documents, size = [], 0
    if documents:
        yield f"wandb:{run.run_id}:m{index}", documents, size


def _columns(key: str, series: Series, start: int, end: int) -> dict[str, Any]:
    return {
        "key": key,
        "steps": series.steps[start:end],
        "values": series.values[start:end],
        "timestamps": series.epoch_ms[start:end],
    }


def log_batches(run: WandbRun, limit: int = BATCH_LINES) -> Iterator[tuple[str, list[Any]]]:
    start, _ = _times(run)
    stamp = start.isoformat()
    lines = [
        {
            "level": "INFO",
            "message": line.text,
            "timestamp": line.timestamp.isoformat() if line.timestamp else stamp,
            "source": line.stream,
        }
        for line in run.console
    ]
    for index, first in enumerate(range(0, len(lines), limit)):
        yield f"wandb:{run.run_id}:l{index}", lines[first : first + limit]


class Importer:
    """Imports runs through ``client`` (its base URL is the REST API's root, its headers
    carry the caller's token)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        hypothesis: str | None = None,
        progress: Progress | None = None,
        batch_points: int = BATCH_POINTS,
        senders: int = SENDERS,
    ) -> None:
        self.client = client
        self.hypothesis = hypothesis
        self.progress = progress or (lambda _message: None)
        self.batch_points = batch_points
        self.senders = senders

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One request; retried on 429/5xx-unavailable and transport errors (every
        write here is idempotent or guarded), ``ImportFailed`` on an error answer."""
        for attempt in range(6):
            try:
                answer = await self.client.request(method, path, **kwargs)
            except httpx.TransportError:
                if attempt == 5:
                    raise
                await asyncio.sleep(0.5 * 2**attempt)
                continue
            if answer.status_code in _RETRIED and attempt < 5:
                wait = float(answer.headers.get("retry-after") or 0.5 * 2**attempt)
                await asyncio.sleep(min(wait, 30.0))
                continue
            if answer.status_code >= 400:
                try:
                    error = answer.json()["error"]
                    code, message = str(error["code"]), str(error["message"])
                except (ValueError, KeyError, TypeError):
                    code, message = "HTTP_ERROR", answer.text[:200]
                raise ImportFailed(answer.status_code, code, message)
            return answer.json() if answer.content else None
        raise AssertionError("unreachable")

    async def import_run(self, run: WandbRun) -> RunReport:
        report = RunReport(str(run.folder), run.run_id, run.run.project, problems=run.problems)
        if not run.run.run_id and not run.history:
            report.error = "nothing readable: no run record and no history"
            return report
        try:
            await self._import(run, report)
        except ImportFailed as refused:
            report.error = str(refused)
        return report

    async def _import(self, run: WandbRun, report: RunReport) -> None:
        begun = await self._call(
            "POST", "/imports/wandb/runs", json=run_document(run, self.hypothesis)
        )
        experiment = begun["experiment"]
        report.experiment_id = experiment["id"]
        report.created = bool(begun["created"])
        report.status = experiment["status"]
        if experiment["status"] in _TERMINAL:
            report.already_imported = True
            self.progress(f"{run.run_id}: imported before as {experiment['id']}, unchanged")
            return
        base = f"/experiments/{experiment['id']}"
        report.points = await self._send_metrics(run, base)
        for batch_id, lines in log_batches(run):
            await self._call("POST", base + "/logs", json={"lines": lines, "batch_id": batch_id})
            report.lines += len(lines)
        report.files = await self._send_files(run, base)
        status, message = final_state(run)
        _, ended = _times(run)
        finished = await self._call(
            "POST",
            f"/imports/wandb/runs/{experiment['id']}/finish",
            json={"status": status, "finished_at": ended.isoformat(), "message": message},
        )
        report.status = finished["status"]

    async def _send_metrics(self, run: WandbRun, base: str) -> int:
        total = run.points
        done = 0
        shown = -1
        queue: asyncio.Queue[tuple[str, list[dict[str, Any]], int] | None] = asyncio.Queue(
            maxsize=self.senders * 2
        )

        async def sender() -> None:
            nonlocal done, shown
            while (item := await queue.get()) is not None:
                batch_id, documents, size = item
                body = orjson.dumps({"batches": documents, "batch_id": batch_id})
                await self._call(
                    "POST", base + "/metrics/batch", content=body, headers=_JSON_HEADERS
                )
                done += size
                percent = done * 100 // max(total, 1)
                if percent // 10 != shown // 10 or done == total:
                    shown = percent
                    self.progress(f"{run.run_id}: {done:,}/{total:,} points ({percent}%)")

        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(self.senders):
                    group.create_task(sender())
                for batch in metric_batches(run, self.batch_points):
                    await queue.put(batch)
                for _ in range(self.senders):
                    await queue.put(None)
        except ExceptionGroup as failed:  # the first refusal, as the other steps raise it
            raise failed.exceptions[0] from None
        return done

    async def _send_files(self, run: WandbRun, base: str) -> int:
        present = await self._call("GET", base + "/artifacts")
        names = {artifact["name"] for artifact in present["artifacts"]}
        sent = 0
        for name in run.files:
            if name in names:
                continue
            content = (run.folder / "files" / name).read_bytes()
            await self._call(
                "POST",
                base + "/artifacts",
                params={"kind": "OTHER", "name": name},
                content=content,
                headers={"content-type": "application/octet-stream"},
            )
            sent += 1
        return sent
