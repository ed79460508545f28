"""``init`` and ``attach``, and the ``Run`` they give: the client's whole public surface.

``run.log`` writes into the run's journal (``journal.py``) and returns; the sender thread
(``sender.py``) moves the journal to the server. Everything else here is lifecycle: create
and start, finish/fail/stop when the ``with`` block ends, and what to do when the server
cannot be told (a ``finish.json`` in the spool folder that ``expsvc-client sync`` applies).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import (
    Any,
    Callable,
    TypeVar,
)

from expsvc_client import spool
from expsvc_client.api import Api, retrying
from expsvc_client.config import Config, detect_framework, detect_git
from expsvc_client.errors import ApiError, ConfigError, Unreachable
from expsvc_client.journal import LEVELS, MAX_STEP, JournalWriter, SpoolFull
from expsvc_client.sender import Sender

log = logging.getLogger("expsvc_client")
T = TypeVar("T")
OnStop = Callable[["Run"], Any]


class Terminated(SystemExit):
    """Raised in the main thread when the process gets SIGTERM (the run is stopped)."""


def init(
    hypothesis: str | None = None,
    name: str | None = None,
    type: str | None = None,
    model: str | None = None,
    framework: str | None = None,
    hyperparams: Mapping[str, Any] | None = None,
    resources: Mapping[str, Any] | None = None,
    *,
    description: str | None = None,
    approach: str | None = None,
    config: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    git: Any = True,
    start: bool = True,
    wait_for_resources: float = 0.0,
    url: str | None = None,
    token: str | None = None,
    spool_dir: str | None = None,
    on_stop: OnStop | None = None,
    capture_output: bool = True,
    system_metrics: bool = True,
    **options: Any,
) -> Run:
    """Create an experiment under ``hypothesis`` (its id or exact title) and start it.

    ``resources`` takes the API's fields in either spelling (``gpuType`` or ``gpu_type``).
    ``git``: True reads the repository of the working directory (remote, commit, branch),
    False sends none, or a mapping ``{repo_url, commit, branch}``. ``wait_for_resources``:
    seconds to keep trying ``start`` while the GPUs are taken (``RESOURCES_UNAVAILABLE``).
    ``options`` tune the sender (see ``Run``). Use it as a context manager.
    """
    settings = Config.resolve(url=url, token=token, spool=spool_dir)
    if not hypothesis:
        raise ConfigError("init needs hypothesis=: the id or the exact title of a hypothesis")
    if not type or not model:
        raise ConfigError('init needs type= ("LLM", "ML" or "CV") and model=')
    api = Api(settings.url, settings.token)
    try:
        fields: dict[str, Any] = {
            "hypothesis_id": _hypothesis_id(api, hypothesis),
            "name": name or _default_name(),
            "type": type,
            "model": model,
            "framework": framework or detect_framework(),
        }
        optional = {
            "description": description,
            "approach": approach,
            "hyperparams": dict(hyperparams) if hyperparams is not None else None,
            "config": dict(config) if config is not None else None,
            "resources": _snake_keys(resources) if resources is not None else None,
            "tags": list(tags) if tags is not None else None,
            "git": detect_git() if git is True else (dict(git) if git else None),
        }
        fields.update({k: v for k, v in optional.items() if v is not None})
        # Created once: a retry after a lost answer could create a second experiment
        experiment = api.create_experiment(fields)
        if start:
            experiment = _start(api, experiment, wait_for_resources)
    except BaseException:
        api.close()
        raise
    return _run_or_fail(api, settings, experiment, on_stop, capture_output, system_metrics, options)


def attach(
    experiment_id: str,
    *,
    url: str | None = None,
    token: str | None = None,
    spool_dir: str | None = None,
    on_stop: OnStop | None = None,
    wait_for_resources: float = 0.0,
    capture_output: bool = True,
    system_metrics: bool = True,
    **options: Any,
) -> Run:
    """Report into an experiment created elsewhere (the console, the API); start it if it
    is QUEUED. A finished experiment is refused with ``INVALID_TRANSITION``."""
    settings = Config.resolve(url=url, token=token, spool=spool_dir)
    api = Api(settings.url, settings.token)
    try:
        experiment = retrying(lambda: api.get_experiment(experiment_id), within=10)
        if experiment["status"] == "QUEUED":
            experiment = _start(api, experiment, wait_for_resources)
        elif experiment["status"] != "RUNNING":
            raise ApiError(
                "INVALID_TRANSITION",
                f"experiment {experiment_id} is {experiment['status']}; "
                "only a QUEUED or RUNNING one can be reported into",
                409,
                {"status": experiment["status"]},
            )
    except BaseException:
        api.close()
        raise
    return _run_or_fail(api, settings, experiment, on_stop, capture_output, system_metrics, options)


class Run:
    """A RUNNING experiment this process reports into.

    Sender options (keyword arguments of ``init``/``attach``): ``batch_points`` (1,000) and
    ``batch_interval`` (0.2 s) — a batch goes when that many points wait or that long passed;
    ``max_batch_points`` (10,000, the server's default limit); ``offline_grace`` (5 s) before
    the journal is fsynced while the server is away; ``heartbeat_interval`` (2 s);
    ``flush_timeout`` (60 s) the ``with`` block waits at its end for the server to take the
    rest; ``max_spool_bytes`` (4 GiB) of unsent journal before ``log`` waits;
    ``system_interval`` (10 s) between system metric samples.
    """

    def __init__(
        self,
        api: Api,
        settings: Config,
        experiment: dict[str, Any],
        on_stop: OnStop | None = None,
        capture_output: bool = True,
        system_metrics: bool = True,
        *,
        batch_points: int = 1_000,
        batch_interval: float = 0.2,
        max_batch_points: int = 10_000,
        offline_grace: float = 5.0,
        heartbeat_interval: float = 2.0,
        flush_timeout: float = 60.0,
        max_spool_bytes: int = 4 * 1024**3,
        system_interval: float = 10.0,
    ) -> None:
        self.api = api
        self.experiment = experiment
        self.id: str = experiment["id"]
        self.name: str = experiment.get("name", "")
        self.url = f"{settings.url}/experiments/{self.id}"
        self.should_stop = False
        self.status: str = experiment.get("status", "RUNNING")
        self.on_stop = on_stop
        self.flush_timeout = flush_timeout
        self.session = uuid.uuid4().hex[:12]
        self.folder = spool.create(settings.spool, self.id, self.session, settings.url)
        self._lock_file = spool.hold(self.folder)
        self._writer = JournalWriter(self.folder, max_bytes=max_spool_bytes)
        self._next_step = 0
        self._finished = False
        self._exception: BaseException | None = None
        self._terminated = False
        self._sender = Sender(
            api,
            self.id,
            self.folder,
            self.session,
            flush_points=batch_points,
            interval=batch_interval,
            max_points=max_batch_points,
            grace=offline_grace,
            heartbeat=heartbeat_interval,
            on_ended=self._ended,
        )
        self._sender.start()
        self._handler: logging.Handler | None = None
        self._capture = None
        self._system = None
        self._previous_sigterm: Any = None
        self._install_signal()
        if capture_output:
            from expsvc_client.capture import capture_streams

            self._capture = capture_streams(self._writer)
        if system_metrics:
            from expsvc_client.system import SystemMetrics

            self._system = SystemMetrics(self, interval=system_interval)
            self._system.start()
        atexit.register(self._at_exit)

    # -- logging (the training thread) ----------------------------------------------------

    def log(self, metrics: Mapping[str, Any], step: int | None = None) -> None:
        """Record ``metrics`` (key → number) at ``step`` (default: one past the last step
        logged). Returns once the points are in the journal; never waits for the network."""
        if step is None:
            step = self._next_step
        elif step.__class__ is not int or not 0 <= step <= MAX_STEP:
            step = _checked_step(step)
        if step >= self._next_step:
            self._next_step = step + 1
        if self.should_stop:
            return
        try:
            self._writer.points(metrics, step, int(time.time() * 1000))
        except SpoolFull:
            self._wait_for_room(lambda: self._writer.points(metrics, step, _now_ms()))

    def progress(
        self,
        step: int | None = None,
        total_steps: int | None = None,
        *,
        epoch: int | None = None,
        total_epochs: int | None = None,
    ) -> None:
        """Report where the run is (the console's progress bar and ETA); sent with the
        next batch, only the latest report of each batch."""
        if self.should_stop:
            return
        for value, least in ((step, 0), (total_steps, 1), (epoch, 0), (total_epochs, 1)):
            if value is not None and (not isinstance(value, int) or value < least):
                raise ValueError("progress: steps and epochs are integers ≥ 0, totals ≥ 1")
        self._writer.progress(step, total_steps, epoch, total_epochs)

    def log_text(self, *values: Any, level: str = "INFO", sep: str = " ") -> None:
        """``print``-like: one log line (or several, one per line of the text)."""
        if self.should_stop:
            return
        if level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}")
        text = sep.join(str(v) for v in values)
        number = LEVELS.index(level)
        source = 1 if number >= 2 else 0
        for line in text.splitlines() or [""]:
            self._writer.log(number, source, _now_ms(), line)

    @property
    def logger(self) -> logging.Handler:
        """A ``logging.Handler`` writing records into the run's log:
        ``logging.getLogger().addHandler(run.logger)``."""
        if self._handler is None:
            from expsvc_client.capture import RunLogHandler

            self._handler = RunLogHandler(self._writer)
        return self._handler

    def tqdm(self, iterable: Iterable[T], total: int | None = None, **kwargs: Any) -> Iterator[T]:
        """Iterate ``iterable`` (through ``tqdm`` when installed, with ``kwargs``),
        reporting progress on every item."""
        if total is None and hasattr(iterable, "__len__"):
            total = len(iterable)  # type: ignore[arg-type]
        wrapped: Iterable[T] = iterable
        try:
            from tqdm.auto import tqdm as bar

            wrapped = bar(iterable, total=total, **kwargs)
        except ImportError:
            pass
        for done, item in enumerate(wrapped, start=1):
            yield item
            self.progress(done, total)
            if self.should_stop:
                break

    def log_artifact(
        self, path: os.PathLike[str] | str, kind: str = "OTHER", name: str | None = None
    ) -> dict[str, Any] | None:
        """Upload a file (streamed) as an artifact of ``kind`` (MODEL, CHECKPOINT, REPORT,
        DATASET, OTHER); returns the artifact. While the server is unreachable past the
        grace, the file is copied into the spool and uploaded later (``None`` is returned)."""
        source = Path(path)
        if not source.is_file():
            raise FileNotFoundError(f"no file at {source}")
        title = name or source.name
        try:
            answer: dict[str, Any] = retrying(
                lambda: self.api.upload_artifact(self.id, source, kind, title),
                within=self._sender.grace,
            )
            return answer
        except Unreachable as exc:
            spool.keep_artifact(self.folder, source, kind, title)
            log.warning("artifact %s spooled (the server is unreachable: %s)", title, exc)
            return None

    # -- lifecycle ------------------------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until the server accepted everything logged so far (True), or ``timeout``
        seconds passed (False)."""
        deadline = time.monotonic() + (self.flush_timeout if timeout is None else timeout)
        target = self._writer.segment_number, self._writer_end()
        self._sender.wake()
        while time.monotonic() < deadline:
            if self._sender.ended is not None or self._sender.caught_up(*target):
                return True
            time.sleep(0.02)
        return False

    def finish(self) -> None:
        """Complete the run (what leaving the ``with`` block normally does)."""
        self._end("complete")

    def fail(self, reason: str = "USER_ERROR", message: str = "") -> None:
        """Fail the run with ``reason`` (OOM, USER_ERROR, …) and ``message``."""
        self._end("fail", reason=reason, message=message)

    def stop(self) -> None:
        """Stop the run (what Ctrl-C and SIGTERM do)."""
        self._end("stop")

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None or (
            isinstance(error, SystemExit) and not self._terminated and error.code in (0, None)
        ):
            self.finish()
        elif isinstance(error, KeyboardInterrupt) or self._terminated:
            self.stop()
        else:
            assert error is not None
            self.fail(failure_reason(error), f"{kind.__name__}: {error}")

    # -- internals ------------------------------------------------------------------------

    def _end(self, action: str, **fields: str) -> None:
        if self._finished:
            return
        self._finished = True
        atexit.unregister(self._at_exit)
        self._restore_signal()
        if self._system is not None:
            self._system.stop()
        if self._capture is not None:
            self._capture.close()
        if self._handler is not None:
            logging.getLogger().removeHandler(self._handler)
        self._writer.close()
        sent = self._sender.close(self.flush_timeout)
        ended = self._sender.ended
        if ended is not None:
            self.status = ended
        else:
            self._tell_server(action, fields)
        if sent:
            spool.remove(self.folder, self._lock_file)
        else:
            spool.keep_finish(self.folder, None if ended else action, fields)
            spool.release(self._lock_file)
            points, lines = spool.unsent(self.folder)
            log.warning(
                "%d points and %d log lines of run %s could not be sent; they are kept in %s: "
                "run `expsvc-client sync` when the server is back",
                points,
                lines,
                self.id,
                self.folder,
            )
        self.api.close()

    def _tell_server(self, action: str, fields: dict[str, str]) -> None:
        try:
            self.status = self.api.end(self.id, action, fields, within=self._sender.grace)
            spool.forget_finish(self.folder)
        except Unreachable:
            spool.keep_finish(self.folder, action, fields)

    def _ended(self, status: str) -> None:
        """The server says the run ended elsewhere (Stop in the console, the API)."""
        self.status = status
        self.should_stop = True
        if self.on_stop is not None:
            self.on_stop(self)

    def _writer_end(self) -> int:
        return self._writer._end

    def _wait_for_room(self, append: Callable[[], None]) -> None:
        log.warning("the spool is full; log() waits until the server takes some of it")
        while True:
            time.sleep(0.5)
            try:
                append()
                return
            except SpoolFull:
                continue

    def _install_signal(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGTERM)

        def on_sigterm(number: int, frame: Any) -> None:
            self._terminated = True
            if callable(previous):
                previous(number, frame)
            raise Terminated(128 + signal.SIGTERM)

        self._previous_sigterm = previous
        signal.signal(signal.SIGTERM, on_sigterm)

    def _restore_signal(self) -> None:
        if (
            self._previous_sigterm is not None
            and threading.current_thread() is threading.main_thread()
        ):
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None

    def _at_exit(self) -> None:
        """The process ends without ``finish``: complete the run, or fail it when an
        uncaught exception ended the process."""
        error = getattr(sys, "last_value", None)
        if self._terminated or isinstance(error, KeyboardInterrupt):
            self.stop()
        elif error is None:
            self.finish()
        else:
            self.fail(failure_reason(error), f"{error.__class__.__name__}: {error}")


def _run_or_fail(
    api: Api,
    settings: Config,
    experiment: dict[str, Any],
    on_stop: OnStop | None,
    capture_output: bool,
    system_metrics: bool,
    options: dict[str, Any],
) -> Run:
    """The ``Run``; when it cannot be set up (a bad option, a spool folder that cannot be
    written), the experiment just started is failed rather than left RUNNING."""
    try:
        return Run(api, settings, experiment, on_stop, capture_output, system_metrics, **options)
    except BaseException as error:
        if experiment.get("status") == "RUNNING":
            with contextlib.suppress(ApiError, Unreachable):
                api.fail(experiment["id"], "USER_ERROR", f"the client could not start: {error}")
        api.close()
        raise


def failure_reason(error: BaseException) -> str:
    """OOM for running out of memory (host or CUDA), USER_ERROR for anything else."""
    if isinstance(error, MemoryError) or error.__class__.__name__ == "OutOfMemoryError":
        return "OOM"
    return "OOM" if "CUDA out of memory" in str(error) else "USER_ERROR"


def _start(api: Api, experiment: dict[str, Any], wait: float) -> dict[str, Any]:
    deadline = time.monotonic() + wait
    while True:
        try:
            answer: dict[str, Any] = retrying(lambda: api.start(experiment["id"]), within=10)
            return answer
        except ApiError as error:
            if error.code != "RESOURCES_UNAVAILABLE" or time.monotonic() >= deadline:
                raise
            time.sleep(min(5.0, max(0.0, deadline - time.monotonic())))


def _hypothesis_id(api: Api, hypothesis: str) -> str:
    try:
        return str(uuid.UUID(hypothesis))
    except ValueError:
        pass
    found = [
        h
        for h in retrying(lambda: api.hypotheses(hypothesis), within=10)
        if h.get("title") == hypothesis
    ]
    if len(found) != 1:
        raise ConfigError(
            f"{len(found) or 'no'} hypotheses you can see are titled {hypothesis!r}; "
            "pass its id instead"
            if found
            else f"no hypothesis you can see is titled {hypothesis!r}"
        )
    return str(found[0]["id"])


def _snake_keys(fields: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in fields.items():
        snake = "".join("_" + c.lower() if c.isupper() else c for c in key)
        out[snake] = value
    return out


def _default_name() -> str:
    script = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else "run"
    return f"{script or 'run'} {time.strftime('%Y-%m-%d %H:%M:%S')}"


def _checked_step(step: Any) -> int:
    try:
        value = step.__index__()
    except (AttributeError, TypeError):
        raise TypeError(f"step must be an integer, not {step.__class__.__name__}") from None
    if not 0 <= value <= MAX_STEP:
        raise ValueError(f"step must be between 0 and {MAX_STEP}")
    return int(value)


def _now_ms() -> int:
    return int(time.time() * 1000)
