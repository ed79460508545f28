"""A W&B run folder as ``wandb`` writes it (``wandb/run-*`` or ``wandb/offline-run-*``):
its ``.wandb`` transaction log read into what an experiment holds, plus the saved files
under ``files/``. Needs ``protobuf`` (``proto``, ``records``), not ``wandb``.

What is read: the run (id, project, name, notes, tags, start time, config), history
(one series per numeric key, with steps and timestamps), console output, the final
summary, the files the run saved, and the exit. What could not be read is listed in
``WandbRun.problems`` (damaged bytes, undecodable records, values that are not numbers).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.floats import spelled
from app.integrations.wandb import records
from app.integrations.wandb.framing import Damage, NotATransactionLog, read_records

# History keys wandb adds itself: the step, the wall-clock time and the run time
_STEP, _TIMESTAMP, _RUNTIME = "_step", "_timestamp", "_runtime"
# Files under files/ that wandb writes about the run itself (not the user's)
_OWN_FILES = frozenset(
    {"output.log", "wandb-summary.json", "wandb-metadata.json", "config.yaml", "diff.patch"}
)


@dataclass
class Series:
    """One metric's points, columnar. ``values`` holds "NaN"/"Infinity"/"-Infinity" for
    the non-finite ones (as the REST batch format spells them)."""

    steps: list[int] = field(default_factory=list)
    values: list[float | str] = field(default_factory=list)
    epoch_ms: list[int] = field(default_factory=list)


@dataclass
class ConsoleLine:
    stream: str  # "stdout" or "stderr"
    text: str
    timestamp: datetime | None


@dataclass
class WandbRun:
    folder: Path
    log_file: Path
    run: records.Run = field(default_factory=records.Run)
    config: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    history: dict[str, Series] = field(default_factory=dict)
    console: list[ConsoleLine] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # relative to folder/files, existing
    exit_code: int | None = None
    runtime_seconds: int | None = None
    last_time: datetime | None = None  # the latest time any record carried
    problems: list[str] = field(default_factory=list)

    @property
    def run_id(self) -> str:
        return self.run.run_id or self.log_file.stem.removeprefix("run-")

    @property
    def points(self) -> int:
        return sum(len(series.steps) for series in self.history.values())


def find_runs(paths: Iterable[Path]) -> list[Path]:
    """The run folders under ``paths``: a run folder itself (it holds a ``.wandb`` file),
    or any folder above run folders (``./wandb``, a project's directory), sorted."""
    found: dict[Path, Path] = {}  # by the resolved folder: wandb's latest-run is a link
    for path in paths:
        if path.is_file() and path.suffix == ".wandb":
            found.setdefault(path.parent.resolve(), path.parent)
        elif path.is_dir():
            for log in path.rglob("*.wandb"):
                if log.is_file():
                    found.setdefault(log.parent.resolve(), log.parent)
    return sorted(found.values())


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _number(value: Any) -> float | str | None:
    """A history value as a metric value, or None when it is not a number."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return spelled(float(value))
    return None


def _leaves(key: str, value: Any) -> Iterator[tuple[str, Any]]:
    """A nested dict logged as one history value: its leaves under dotted keys."""
    if isinstance(value, dict) and "_type" not in value:
        for inner, item in value.items():
            yield from _leaves(f"{key}.{inner}", item)
    else:
        yield key, value


class _Console:
    """Console output arrives in chunks (``output_raw``: as written, with partial lines
    and carriage returns); this joins them into lines, a carriage return keeping what
    follows it (a progress bar's last state)."""

    def __init__(self) -> None:
        self.lines: list[ConsoleLine] = []
        self._open: dict[str, tuple[str, datetime | None]] = {}

    def add(self, output: records.Output) -> None:
        text, stamp = self._open.pop(output.stream, ("", output.timestamp))
        text += output.line
        *complete, rest = text.split("\n")
        for line in complete:
            self._emit(output.stream, line, stamp)
            stamp = output.timestamp
        if rest:
            self._open[output.stream] = (rest, stamp)

    def _emit(self, stream: str, line: str, stamp: datetime | None) -> None:
        line = line.rstrip("\r")
        if "\r" in line:
            line = line.rsplit("\r", 1)[1]
        self.lines.append(ConsoleLine(stream, line, stamp))

    def close(self) -> list[ConsoleLine]:
        for stream, (text, stamp) in self._open.items():
            self._emit(stream, text, stamp)
        self._open.clear()
        return self.lines


class Stopped(Exception):
    """Raised by a ``Watch`` to stop reading."""


class Watch:
    """Told as a read goes on, from the reading thread: ``run_known`` once the run record
    is read (the history so far may already be sent), ``progress`` every few thousand
    records. Raising ``Stopped`` ends the read."""

    def run_known(self, run: WandbRun) -> None:
        """The run record was read."""

    def progress(self, run: WandbRun) -> None:
        """More history was read."""


_PROGRESS_EVERY = 4096  # records


def read_run(folder: Path, watch: Watch | None = None) -> WandbRun:
    """Read one run folder; damage is listed in ``problems``, never raised (a folder
    without a readable ``.wandb`` file answers a run with only a problem)."""
    logs = sorted(folder.glob("*.wandb"))
    result = WandbRun(folder=folder, log_file=logs[0] if logs else folder / "missing.wandb")
    if not logs:
        result.problems.append(f"{folder}: no .wandb file")
        return result
    data = result.log_file.read_bytes()
    try:
        _read_log(data, result, watch or Watch())
    except NotATransactionLog as wrong:
        result.problems.append(f"{result.log_file.name}: {wrong}")
        return result
    result.files = _saved_files(folder, result.files)
    return result


def _read_log(data: bytes, result: WandbRun, watch: Watch) -> None:
    console = _Console()
    summary: dict[str, str] = {}  # key → value JSON, decoded once at the end
    history = result.history
    skipped: dict[str, int] = {}
    listed: list[str] = []
    undecodable = 0
    parse = records.parse
    count = 0
    for item in read_records(data):
        count += 1
        if count % _PROGRESS_EVERY == 0:
            watch.progress(result)
        if isinstance(item, Damage):
            result.problems.append(
                f"{result.log_file.name}: {item.length} bytes at offset {item.offset} "
                f"not read ({item.reason})"
            )
            continue
        try:
            parsed = parse(item.data)
        except records.DecodeError:
            undecodable += 1
            continue
        if parsed is None:
            continue
        kind, message = parsed
        if kind == records.HISTORY:  # the frequent ones first, read from the message
            _add_history(message, history, skipped)
            continue
        if kind == records.SUMMARY:
            for update in message.update:
                summary[records.key_of(update)] = update.value_json
            for removed in message.remove:
                summary.pop(records.key_of(removed), None)
            continue
        value = records.decode(kind, message)
        if isinstance(value, records.Output):
            console.add(value)
            if value.timestamp is not None:
                result.last_time = value.timestamp
        elif isinstance(value, records.Updates):  # config
            for update in value.update:
                result.config[update.key] = _loads(update.value_json)
            for key in value.remove:
                result.config.pop(key, None)
        elif isinstance(value, records.Run):
            if not result.run.run_id:
                result.run = value
                for update in value.config:
                    result.config[update.key] = _loads(update.value_json)
                result.config.pop("_wandb", None)
                watch.run_known(result)
        elif isinstance(value, records.Files):
            listed.extend(value.paths)
        elif isinstance(value, records.Exit):
            result.exit_code = value.exit_code
            result.runtime_seconds = value.runtime
    if undecodable:
        result.problems.append(f"{result.log_file.name}: {undecodable} records not decodable")
    for key, count in sorted(skipped.items()):
        result.problems.append(f"history key {key!r}: {count} values that are not numbers")
    result.console = console.close()
    result.config.pop("_wandb", None)
    result.summary = {k: _loads(v) for k, v in summary.items() if not k.startswith("_")}
    result.files = listed
    last_ms = max(
        (series.epoch_ms[-1] for series in history.values() if series.epoch_ms), default=None
    )
    if last_ms is not None:
        stamp = datetime.fromtimestamp(last_ms / 1000, UTC)
        if result.last_time is None or stamp > result.last_time:
            result.last_time = stamp


def _add_history(message: Any, history: dict[str, Series], skipped: dict[str, int]) -> None:
    """One HistoryRecord message into the columnar series."""
    step: int | None = message.step.num if message.HasField("step") else None
    stamp_ms = 0
    values: list[tuple[str, str]] = []
    for item in message.item:
        key = item.key
        if not key:  # wandb-core sends the key as nested_key, mostly of one part
            nested = item.nested_key
            key = nested[0] if len(nested) == 1 else ".".join(nested)
        if key == _TIMESTAMP:
            with contextlib.suppress(ValueError):
                stamp_ms = int(float(item.value_json) * 1000)
        elif key == _STEP:
            if step is None:
                with contextlib.suppress(ValueError):
                    step = int(item.value_json)
        elif key != _RUNTIME:
            values.append((key, item.value_json))
    if step is None:
        return
    for key, text in values:
        try:  # most values are plain numbers: float() is several times quicker than JSON
            raw: Any = float(text)
            if "_" in text:  # float() takes "1_000", JSON does not
                raise ValueError(text)
        except ValueError:
            raw = _loads(text)
        pairs = _leaves(key, raw) if isinstance(raw, dict) else ((key, raw),)
        for leaf, value in pairs:
            number = _number(value)
            if number is None:
                skipped[leaf] = skipped.get(leaf, 0) + 1
                continue
            series = history.get(leaf)
            if series is None:
                series = history[leaf] = Series()
            series.steps.append(step)
            series.values.append(number)
            series.epoch_ms.append(stamp_ms)


def _saved_files(folder: Path, listed: list[str]) -> list[str]:
    """The files the run saved that are present under ``files/``, once each, in order;
    wandb's own files about the run are left out."""
    base = folder / "files"
    seen: list[str] = []
    for name in listed:
        if name in seen or name in _OWN_FILES or name.startswith("media/"):
            continue
        parts = Path(name).parts
        if Path(name).is_absolute() or ".." in parts:
            continue
        if (base / name).is_file():  # a symlink too: wandb.save links the user's file
            seen.append(name)
    return seen
