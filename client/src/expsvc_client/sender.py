"""The sender: a background thread that moves the journal to the server.

It reads the journal from where the server's last acknowledgement left off, takes a chunk
(everything committed, up to ``max_points`` points), writes the chunk's range into the
segment header as the *intent*, and sends it: the metric points as one columnar batch, the
log lines as one batch, the latest progress report. The batch ids are the run's session id
and the range, so a chunk sent again (after a timeout, or by ``expsvc-client sync`` after
the process died mid-send) is counted once by the server. When every part is accepted the
range becomes *acked*; a sealed segment acked to its end is deleted.

A chunk is sent once ``flush_points`` points wait or ``interval`` seconds passed since the
first of them arrived. While the server does not answer, the chunk is retried with
exponential backoff and jitter; past ``grace`` seconds of that, the journal is fsynced every
second (the spool), so even a crash of the machine loses at most that second.

The server's refusals tell the run's fate: ``INVALID_TRANSITION`` with a terminal
``details.status`` means the run was stopped, completed or failed elsewhere (``on_ended``
is called, sending stops); when no request was made for ``heartbeat`` seconds an empty
progress report (a heartbeat) asks.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable

from expsvc_client.api import Api, backoff
from expsvc_client.errors import ApiError, Unreachable
from expsvc_client.journal import (
    ACKED,
    HEADER,
    INTENT_END,
    INTENT_START,
    Chunk,
    Segment,
    read_chunk,
    scan_keys,
    segment_numbers,
    segment_path,
)

log = logging.getLogger("expsvc_client")
TERMINAL = frozenset({"COMPLETED", "FAILED", "STOPPED"})
# Errors after which nothing this sender holds can ever be accepted
FATAL = frozenset({"NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED"})


class Sender:
    def __init__(
        self,
        api: Api,
        experiment_id: str,
        folder: Path,
        session: str,
        *,
        flush_points: int = 1_000,
        interval: float = 0.2,
        max_points: int = 10_000,
        grace: float = 5.0,
        heartbeat: float = 2.0,
        on_ended: Callable[[str], None] | None = None,
        final: bool = False,
    ) -> None:
        """``final``: the journal is complete (``sync`` after the process ended), so the
        last segment counts as sealed."""
        self.api = api
        self.experiment_id = experiment_id
        self.folder = folder
        self.session = session
        self.flush_points = flush_points
        self.interval = interval
        self.max_points = max_points
        self.grace = grace
        self.heartbeat = heartbeat
        self.on_ended = on_ended
        self.final = final
        self.ended: str | None = None  # the terminal status the server reported
        self.fatal: ApiError | None = None
        self.rejected_points = 0
        self.sent_points = 0
        self.sent_lines = 0
        self.spooling = False
        self._closing = threading.Event()
        self._abandoned = False
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._segment: Segment | None = None
        self._keys: dict[int, str] = {}
        self._first_waiting: float | None = None
        self._last_answer = time.monotonic()
        self._unreachable_since: float | None = None
        self._last_sync = 0.0

    # -- control --------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="expsvc-sender", daemon=True)
        self._thread.start()

    def close(self, timeout: float) -> bool:
        """Send what the journal holds (the writer is closed first), waiting up to
        ``timeout`` seconds; True when everything was accepted (or the run ended)."""
        self.final = True
        self._closing.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                # give up: the thread ends at its next turn (after the request in flight)
                self._abandoned = True
                self._wake.set()
                self._thread.join(10)
                return False
        return self.done()

    def wake(self) -> None:
        self._wake.set()

    def done(self) -> bool:
        """Nothing is left to send (or nothing ever will be accepted)."""
        return self.ended is not None or not segment_numbers(self.folder)

    def caught_up(self, segment: int, end: int) -> bool:
        """The server accepted the journal up to ``end`` of segment number ``segment``."""
        numbers = segment_numbers(self.folder)
        if not numbers or numbers[0] > segment:
            return True
        if numbers[0] < segment:
            return False
        try:
            current = Segment(segment_path(self.folder, segment), segment)
        except (FileNotFoundError, ValueError):
            return True
        try:
            return current.acked >= end
        finally:
            current.close()

    def drain(self) -> bool:
        """Send everything in the foreground until done or the server stays unreachable
        for ``grace`` seconds (``expsvc-client sync``); True when done."""
        self.final = True
        while True:
            if self.ended is not None or self.fatal is not None:
                return self.ended is not None
            try:
                if not self._step(force=True):
                    return True
            except Unreachable as exc:
                if self._unreachable_for() > self.grace:
                    log.warning("the server is unreachable: %s", exc)
                    return False
                time.sleep(backoff(self._attempts))

    # -- the loop -------------------------------------------------------------------------

    _attempts = 0

    def _run(self) -> None:
        while True:
            closing = self._closing.is_set()
            if self.ended is not None or self.fatal is not None or self._abandoned:
                return
            try:
                worked = self._step(force=closing)
            except Unreachable as exc:
                self._spool_if_long()
                if self._attempts == 1 or self._attempts % 20 == 0:
                    log.warning("the server is unreachable (%s); retrying", exc)
                self._wake.wait(self._pause())
                self._wake.clear()
                continue
            except ApiError as error:
                if self.fatal is None and not self._abandoned:
                    log.error("the sender stops: %s; the data stays in %s", error, self.folder)
                return
            except Exception:  # a bug must not kill the thread silently
                if self._abandoned:
                    return
                log.exception("the sender failed; the journal in %s keeps the data", self.folder)
                return
            if worked:
                continue
            if closing:
                return
            self._heartbeat_if_due()
            self._wake.wait(self.interval / 4)
            self._wake.clear()

    def _step(self, *, force: bool) -> bool:
        """Send one chunk when one is due; False when there was nothing to send (or it is
        not due yet)."""
        segment = self._current()
        if segment is None:
            return False
        start = segment.acked
        pending_end = segment.get(INTENT_END)
        if pending_end and segment.get(INTENT_START) == start:
            chunk = read_chunk(segment, start, stop=pending_end, keys=self._keys)
        else:
            committed = segment.committed
            if committed <= start:
                # committed is read again after the seal: the writer's last records may
                # have landed between the first read and the seal
                if self._finished(segment) and segment.committed <= start:
                    self._retire(segment)
                    return True
                return False
            if not force and not self._due(segment, start, committed):
                return False
            chunk = read_chunk(segment, start, max_points=self.max_points, keys=self._keys)
            segment.set(INTENT_START, chunk.start)
            segment.set(INTENT_END, chunk.end)
        self._send(chunk)
        segment.set(ACKED, chunk.end)
        segment.set(INTENT_START, 0)
        segment.set(INTENT_END, 0)
        self._first_waiting = None
        return True

    def _due(self, segment: Segment, start: int, committed: int) -> bool:
        # 29 bytes per point record: a count of waiting points without reading them
        if (committed - start) // 29 >= self.flush_points or segment.sealed:
            return True
        now = time.monotonic()
        if self._first_waiting is None:
            self._first_waiting = now
        return now - self._first_waiting >= self.interval

    def _send(self, chunk: Chunk) -> None:
        """Send the chunk's parts: its points, its log lines, its latest progress. A part
        the server finds invalid is skipped (loudly) without the others."""
        batch_id = f"{self.session}.{chunk.batch_id}"
        if chunk.points:
            body: dict[str, Any] = {
                "batch_id": batch_id,
                "batches": [
                    {"key": key, "steps": s.steps, "values": s.values, "timestamps": s.times}
                    for key, s in chunk.series.items()
                ],
            }
            if self._part(
                lambda: self.api.metrics(self.experiment_id, body), "points", chunk.points
            ):
                self.sent_points += chunk.points
        if chunk.lines and self.ended is None:
            lines = {"batch_id": batch_id, "lines": chunk.lines}
            if self._part(
                lambda: self.api.logs(self.experiment_id, lines), "log lines", len(lines["lines"])
            ):
                self.sent_lines += len(chunk.lines)
        if chunk.progress and self.ended is None:
            report = chunk.progress
            self._part(lambda: self.api.progress(self.experiment_id, report), "progress", 1)

    def _part(self, call: Callable[[], Any], what: str, count: int) -> bool:
        """True when the server took the part; False when it refused it for good."""
        try:
            self._answered(call)
            return True
        except ApiError as error:
            if not self._refused(error, what, count):
                raise
            return False

    def _answered(self, call: Callable[[], Any]) -> Any:
        try:
            answer = call()
        except Unreachable:
            self._attempts += 1
            if self._unreachable_since is None:
                self._unreachable_since = time.monotonic()
            raise
        except ApiError:
            self._reachable()
            raise
        self._reachable()
        return answer

    def _reachable(self) -> None:
        if self._unreachable_since is not None and self.spooling:
            log.warning("the server answers again; sending the spooled data")
        self._attempts = 0
        self._unreachable_since = None
        self.spooling = False
        self._last_answer = time.monotonic()

    def _refused(self, error: ApiError, what: str, count: int) -> bool:
        """Handle a refusal of ``count`` ``what``: True when they are done with (the run
        ended, or they are skipped), False to raise the error."""
        status = error.details.get("status")
        if error.code == "INVALID_TRANSITION" and status in TERMINAL:
            self._end(str(status))
            return True
        if error.code in FATAL:
            self.fatal = error
            log.error("the server refuses this run's data (%s); it stays in %s", error, self.folder)
            return False
        # A batch the server finds invalid can never be accepted: skip it, loudly
        if what == "points":
            self.rejected_points += count
        log.error(
            "the server refused %d %s (%s %s); they are skipped", count, what, error, error.details
        )
        return True

    def _end(self, status: str) -> None:
        if self.ended is None:
            self.ended = status
            if self.on_ended is not None:
                try:
                    self.on_ended(status)
                except Exception:
                    log.exception("on_stop callback failed")

    def _heartbeat_if_due(self) -> None:
        if time.monotonic() - self._last_answer < self.heartbeat:
            return
        try:
            self._answered(lambda: self.api.progress(self.experiment_id, {}))
        except ApiError as error:
            status = error.details.get("status")
            if error.code == "INVALID_TRANSITION" and status in TERMINAL:
                self._end(str(status))
            elif error.code in FATAL:
                self.fatal = error
        except Unreachable:
            self._spool_if_long()

    def _pause(self) -> float:
        """The wait before the next retry: the backoff, cut so the spool starts when the
        grace ends."""
        pause = backoff(self._attempts)
        if not self.spooling:
            pause = min(pause, max(0.05, self.grace - self._unreachable_for() + 0.01))
        return pause

    def _unreachable_for(self) -> float:
        since = self._unreachable_since
        return 0.0 if since is None else time.monotonic() - since

    def _spool_if_long(self) -> None:
        """Past the grace, fsync the journal once a second."""
        if self._unreachable_for() <= self.grace:
            return
        if not self.spooling:
            self.spooling = True
            log.warning(
                "the server has not answered for %.0f s; the run's data is spooled in %s",
                self._unreachable_for(),
                self.folder,
            )
        now = time.monotonic()
        if now - self._last_sync >= 1.0:
            self._last_sync = now
            for number in segment_numbers(self.folder):
                try:
                    segment = Segment(segment_path(self.folder, number), number)
                except (FileNotFoundError, ValueError):
                    continue
                try:
                    segment.sync()
                finally:
                    segment.close()

    # -- segments -------------------------------------------------------------------------

    def _current(self) -> Segment | None:
        if self._segment is None:
            numbers = segment_numbers(self.folder)
            if not numbers:
                return None
            segment = Segment(segment_path(self.folder, numbers[0]), numbers[0])
            # the keys defined before where this sender starts (after a restart or in sync)
            self._keys = {}
            scan_keys(segment, HEADER, segment.acked, self._keys)
            self._segment = segment
        return self._segment

    def _finished(self, segment: Segment) -> bool:
        """No more records will come to ``segment``."""
        if segment.sealed:
            return True
        later = [n for n in segment_numbers(self.folder) if n > segment.number]
        return bool(later) or self.final

    def _retire(self, segment: Segment) -> None:
        segment.close()
        segment.path.unlink()
        self._segment = None


def leftover(folder: Path) -> list[int]:
    """Segment numbers still in ``folder`` (the ones not yet accepted)."""
    return segment_numbers(folder)


__all__ = ["HEADER", "Sender", "leftover"]
