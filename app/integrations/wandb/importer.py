"""Bring W&B runs in through the service's REST API, as the caller.

For each run folder: ``POST /imports/wandb/runs`` finds or makes the run's experiment
(owned by the caller, started at the run's start) as soon as the run record is read;
the history goes in as columnar metric batches *while the rest of the file is read* (the
reader runs in a thread: reading and the server's ingest overlap), then the console
output as log batches and the saved files as artifacts — each through the ordinary
endpoints, so roles, limits and validation apply — and ``POST
/imports/wandb/runs/{id}/finish`` records what is known only at the end (the final
config, the summary, the exit) and ends it with the run's state at its end time.

Idempotent: a run whose experiment has ended was imported whole and is left alone; one
left RUNNING by an interrupted import is resumed, every batch carrying a ``batch_id``
derived from the run (a batch stored before is not stored again) and artifacts already
there skipped. The same code serves the CLI (``expsvc import wandb``, over HTTP) and the
archive upload (the server runs it against its own REST app, as the uploader).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson

from app.integrations.wandb.reader import Series, Stopped, WandbRun, Watch, read_run

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


def run_document(run: WandbRun, hypothesis: str | None, config: dict[str, Any]) -> dict[str, Any]:
    """The body of ``POST /imports/wandb/runs``: what the run record says (``config``:
    the config then) → hyperparams, the run's W&B ids and group, job type, host →
    ``config.wandb``."""
    meta = run.run
    model = config.get("model")
    started, _ = _times(run)
    wandb_meta = {
        "run_id": run.run_id,
        "project": meta.project,
        "entity": meta.entity,
        "group": meta.group,
        "job_type": meta.job_type,
        "host": meta.host,
    }
    return {
        "project": meta.project or "uncategorized",
        "run_id": run.run_id,
        "entity": meta.entity,
        "hypothesis_title": hypothesis,
        "name": (meta.display_name or run.run_id)[:200],
        "description": meta.notes or None,
        "model": model[:200] if isinstance(model, str) and model.strip() else "unknown",
        "hyperparams": config,
        "config": {"wandb": {k: v for k, v in wandb_meta.items() if v}},
        "tags": meta.tags,
        "started_at": started.isoformat(),
    }


def finish_document(run: WandbRun) -> dict[str, Any]:
    """The body of ``POST /imports/wandb/runs/{id}/finish``: the state and end time, and
    what the log says only by its end (the final config, the summary, the exit)."""
    status, message = final_state(run)
    _, ended = _times(run)
    wandb_meta: dict[str, Any] = {
        "summary": run.summary,
        "exit_code": run.exit_code,
        "runtime_seconds": run.runtime_seconds,
    }
    return {
        "status": status,
        "finished_at": ended.isoformat(),
        "message": message,
        "hyperparams": run.config,
        "wandb": {k: v for k, v in wandb_meta.items() if v is not None},
    }


def _digest(text: str, size: int) -> str:
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:size]


class _Chunks:
    """The run's history cut into batches whose ids follow from the run and the points
    alone (not from timing), so a re-import sends the same batches: the ``j``-th full
    chunk of ``limit`` points of a key as soon as it is read, and at the end the partial
    tails of every key packed together."""

    def __init__(self, run: WandbRun, limit: int) -> None:
        self.run = run
        self.limit = limit
        self.sent: dict[str, int] = {}  # key → full chunks handed out
        self.prefix = f"wandb:{_digest(f'{run.run.project}/{run.run_id}', 16)}"

    def full(self) -> Iterator[tuple[str, list[dict[str, Any]], int]]:
        """The full chunks read since the last call (safe while the reader appends)."""
        limit = self.limit
        for key, series in list(self.run.history.items()):
            available = len(series.epoch_ms)  # appended last of the three
            index = self.sent.get(key, 0)
            while (index + 1) * limit <= available:
                start = index * limit
                document = _columns(metric_key(key), series, start, start + limit)
                yield f"{self.prefix}:{_digest(key, 12)}:{index}", [document], limit
                index += 1
            self.sent[key] = index

    def tails(self) -> Iterator[tuple[str, list[dict[str, Any]], int]]:
        """Once the read is over: what is left of every key, packed into batches."""
        documents: list[dict[str, Any]] = []
        size = 0
        number = 0
        for key in sorted(self.run.history):
            series = self.run.history[key]
            start = self.sent.get(key, 0) * self.limit
            count = len(series.steps) - start
            if count <= 0:
                continue
            if size + count > self.limit:
                yield f"{self.prefix}:tail:{number}", documents, size
                number += 1
                documents, size = [], 0
            documents.append(_columns(metric_key(key), series, start, len(series.steps)))
            size += count
        if documents:
            yield f"{self.prefix}:tail:{number}", documents, size


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
    prefix = f"wandb:{_digest(f'{run.run.project}/{run.run_id}', 16)}:log"
    for index, first in enumerate(range(0, len(lines), limit)):
        yield f"{prefix}:{index}", lines[first : first + limit]


class _Bridge(Watch):
    """The reading thread's news, handed to the event loop: the run record is known (with
    a copy of the config then, taken in the reading thread), more history was read; and
    the loop's ``stop`` back to the reader."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.known = asyncio.Event()
        self.more = asyncio.Event()
        self.stop = threading.Event()
        self.run: WandbRun | None = None
        self.config: dict[str, Any] | None = None

    def run_known(self, run: WandbRun) -> None:
        self.run = run
        self.config = copy.deepcopy(run.config)
        self.loop.call_soon_threadsafe(self.known.set)

    def progress(self, run: WandbRun) -> None:
        if self.stop.is_set():
            raise Stopped()
        self.loop.call_soon_threadsafe(self.more.set)


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

    async def import_folder(self, folder: Path) -> RunReport:
        """Import one run folder (see the module's docstring); the report says what went
        in, what could not be read, and what the service refused."""
        report = RunReport(str(folder), "", "")
        bridge = _Bridge(asyncio.get_running_loop())
        reading = asyncio.ensure_future(asyncio.to_thread(read_run, folder, bridge))
        try:
            await self._import(folder, bridge, reading, report)
        except ImportFailed as refused:
            report.error = str(refused)
        finally:
            bridge.stop.set()  # a read still going on ends at its next progress report
            with contextlib.suppress(Stopped):
                await reading
        return report

    async def _import(
        self,
        folder: Path,
        bridge: _Bridge,
        reading: asyncio.Future[WandbRun],
        report: RunReport,
    ) -> None:
        known = asyncio.ensure_future(bridge.known.wait())
        either: set[asyncio.Future[Any]] = {reading, known}
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        known.cancel()
        if reading.done():  # no run record before the end: begin with what was read
            run = reading.result()
            config = copy.deepcopy(run.config)
        else:
            assert bridge.run is not None and bridge.config is not None
            run, config = bridge.run, bridge.config
        report.run_id, report.project = run.run_id, run.run.project
        if reading.done() and not run.run.run_id and not run.history:
            report.problems = run.problems
            report.error = "nothing readable: no run record and no history"
            return
        begun = await self._call(
            "POST", "/imports/wandb/runs", json=run_document(run, self.hypothesis, config)
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
        report.points = await self._send_metrics(run, base, bridge, reading)
        run = reading.result()
        report.problems = run.problems
        for batch_id, lines in log_batches(run):
            await self._call("POST", base + "/logs", json={"lines": lines, "batch_id": batch_id})
            report.lines += len(lines)
        report.files = await self._send_files(run, base)
        finished = await self._call(
            "POST", f"/imports/wandb/runs/{experiment['id']}/finish", json=finish_document(run)
        )
        report.status = finished["status"]

    async def _send_metrics(
        self, run: WandbRun, base: str, bridge: _Bridge, reading: asyncio.Future[WandbRun]
    ) -> int:
        """Send the history's batches as they are read (``senders`` in flight), then the
        tails once the read is over; the points sent."""
        chunks = _Chunks(run, self.batch_points)
        done = 0
        reported = 0
        queue: asyncio.Queue[tuple[str, list[dict[str, Any]], int] | None] = asyncio.Queue(
            maxsize=self.senders * 2
        )

        async def sender() -> None:
            nonlocal done, reported
            while (item := await queue.get()) is not None:
                batch_id, documents, size = item
                body = orjson.dumps({"batches": documents, "batch_id": batch_id})
                await self._call(
                    "POST", base + "/metrics/batch", content=body, headers=_JSON_HEADERS
                )
                done += size
                if done - reported >= 100_000:
                    reported = done
                    state = "read so far" if not reading.done() else f"{run.points:,}"
                    self.progress(f"{run.run_id}: {done:,} points sent ({state})")

        async def feed() -> None:
            while not reading.done():
                more = asyncio.ensure_future(bridge.more.wait())
                either: set[asyncio.Future[Any]] = {reading, more}
                await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
                more.cancel()
                bridge.more.clear()
                for batch in chunks.full():
                    await queue.put(batch)
            reading.result()  # the reader's own failure, if any, ends the import here
            for batch in chunks.full():
                await queue.put(batch)
            for batch in chunks.tails():
                await queue.put(batch)

        try:
            async with asyncio.TaskGroup() as group:
                workers = [group.create_task(sender()) for _ in range(self.senders)]
                try:
                    await feed()
                finally:
                    for _ in workers:
                        await queue.put(None)
        except ExceptionGroup as failed:  # the first refusal, as the other steps raise it
            raise failed.exceptions[0] from None
        if done != reported:
            self.progress(f"{run.run_id}: {done:,} points sent")
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
