"""The sender: a background thread that moves the journal to the server.

It reads the journal from where the server's acknowledgements left off and cuts it into
chunks (everything committed, up to ``max_points`` points each). Before a chunk is sent its
range is written into the segment header as an *intent*; a chunk goes as the metric points
in one columnar batch, the log lines in one batch, the latest progress report. The batch
ids are the run's session id and the range, so a chunk sent again (after a timeout, or by
``expsvc-client sync`` after the process died mid-send) counts once. Up to ``in_flight``
chunks (two: the next one is read and encoded while the server stores the last) are sent at
once by a small pool; they are acknowledged in order, and *acked* moves past each. A sealed
segment acked to its end is deleted.

A chunk is cut once ``flush_points`` points wait or ``interval`` seconds passed since the
first of them arrived. While the server does not answer, a chunk is retried with
exponential backoff and jitter; past ``grace`` seconds of that, the journal is fsynced every
second (the spool), so even a crash of the machine loses at most that second.

The server's refusals tell the run's fate: ``INVALID_TRANSITION`` with a terminal
``details.status`` means the run was stopped, completed or failed elsewhere (``on_ended``
is called, sending stops); when no request was made for ``heartbeat`` seconds an empty
progress report (a heartbeat) asks.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable

from expsvc_client.api import FINAL, Api, backoff
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
# Errors after which nothing this sender holds can ever be accepted
FATAL = frozenset({"NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED"})
# The header has two intent slots (start, end): the chunks in flight, oldest first
SLOTS = ((INTENT_START, INTENT_END), (INTENT_START + 16, INTENT_END + 16))


class GaveUp(Exception):
    """A chunk's delivery was abandoned (the run is closing without the server)."""


class Delivery:
    """One chunk handed to a lane: done when the server took it, or with the error."""

    def __init__(self, chunk: Chunk) -> None:
        self.chunk = chunk
        self.finished = threading.Event()
        self.error: BaseException | None = None

    def result(self) -> None:
        if self.error is not None:
            raise self.error


class Lanes:
    """``count`` daemon threads delivering chunks. Plain threads, started up front: a
    ``ThreadPoolExecutor`` takes no work once the interpreter begins to exit, and a run
    finished by ``atexit`` still sends."""

    def __init__(self, count: int, deliver: Callable[[Chunk], None]) -> None:
        self._jobs: queue.Queue[Delivery | None] = queue.Queue()
        self._deliver = deliver
        self._threads = [
            threading.Thread(target=self._work, name=f"expsvc-send-{i}", daemon=True)
            for i in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, chunk: Chunk) -> Delivery:
        job = Delivery(chunk)
        self._jobs.put(job)
        return job

    def stop(self) -> None:
        for _ in self._threads:
            self._jobs.put(None)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                self._deliver(job.chunk)
            except BaseException as error:  # handed to the sender thread with the chunk
                job.error = error
            finally:
                job.finished.set()


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
        in_flight: int = 2,
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
        self.in_flight = max(1, min(in_flight, len(SLOTS)))
        self.grace = grace
        self.heartbeat = heartbeat
        self.on_ended = on_ended
        self.final = final
        self.ended: str | None = None  # the terminal status the server reported
        self.fatal: ApiError | None = None
        self.rejected_points = 0
        self.sent_points = 0
        self.sent_lines = 0
        self.requests = 0
        self.spooling = False
        self._closing = threading.Event()
        self._abandoned = False
        self._give_up_unreachable = False  # sync: stop retrying past the grace
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lanes: Lanes | None = None
        self._counts = threading.Lock()
        self._segment: Segment | None = None
        self._keys: dict[int, str] = {}
        self._read_to = HEADER  # where the next chunk starts
        self._flight: deque[Delivery] = deque()
        self._first_waiting: float | None = None
        self._last_answer = time.monotonic()
        self._unreachable_since: float | None = None
        self._attempts = 0
        self._last_sync = 0.0

    # -- control --------------------------------------------------------------------------

    def start(self) -> None:
        self._lanes = Lanes(self.in_flight, self._deliver)
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
                # give up: the thread and the deliveries end at their next turn
                self._abandoned = True
                self._wake.set()
                self._thread.join(10)
                self._stop_lanes()
                return False
        self._stop_lanes()
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
        self._give_up_unreachable = True
        self._lanes = Lanes(self.in_flight, self._deliver)
        try:
            while self.ended is None and self.fatal is None:
                try:
                    if not self._step(force=True) and not self._flight:
                        return True
                except Unreachable as exc:
                    log.warning("the server is unreachable: %s", exc)
                    return False
            return self.ended is not None
        finally:
            self._stop_lanes()

    # -- the loop -------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            closing = self._closing.is_set()
            if self.ended is not None or self.fatal is not None or self._abandoned:
                return
            try:
                worked = self._step(force=closing)
            except (ApiError, GaveUp) as error:
                if isinstance(error, ApiError) and self.fatal is None and not self._abandoned:
                    log.error("the sender stops: %s; the data stays in %s", error, self.folder)
                return
            except Exception:  # a bug must not kill the thread silently
                if not self._abandoned:
                    log.exception(
                        "the sender failed; the journal in %s keeps the data", self.folder
                    )
                return
            if worked:
                continue
            if closing and not self._flight:
                return
            if not self._flight:
                self._heartbeat_if_due()
            self._wake.wait(self.interval / 4)
            self._wake.clear()

    def _step(self, *, force: bool) -> bool:
        """Acknowledge finished chunks, then cut and send the next one when one is due;
        False when nothing happened."""
        segment = self._current()
        if segment is None:
            return False
        if self._acknowledge(segment):
            return True
        if len(self._flight) < self.in_flight:
            chunk = self._next_chunk(segment, force)
            if chunk is not None:
                self._launch(segment, chunk)
                return True
        if self._flight:
            self._flight[0].finished.wait(self.interval / 4)
            return self._acknowledge(segment)
        idle = segment.committed <= self._read_to
        # committed is read again after the seal: the writer's last records may have landed
        # between the first read and the seal
        if idle and self._finished(segment) and segment.committed <= self._read_to:
            self._retire(segment)
            return True
        return False

    def _next_chunk(self, segment: Segment, force: bool) -> Chunk | None:
        slot = len(self._flight)
        start, end = segment.get(SLOTS[slot][0]), segment.get(SLOTS[slot][1])
        if end and start == self._read_to:  # an intent from before a restart: resend it
            return read_chunk(segment, start, stop=end, keys=self._keys)
        committed = segment.committed
        if committed <= self._read_to:
            return None
        if not force and not self._due(segment, committed):
            return None
        chunk = read_chunk(segment, self._read_to, max_points=self.max_points, keys=self._keys)
        segment.set(SLOTS[slot][0], chunk.start)
        segment.set(SLOTS[slot][1], chunk.end)
        return chunk

    def _launch(self, segment: Segment, chunk: Chunk) -> None:
        assert self._lanes is not None, "start() or drain() first"
        self._read_to = chunk.end
        self._first_waiting = None
        self._flight.append(self._lanes.submit(chunk))

    def _stop_lanes(self) -> None:
        if self._lanes is not None:
            self._lanes.stop()

    def _acknowledge(self, segment: Segment) -> bool:
        """Move *acked* past the chunks delivered, oldest first; True when one was."""
        moved = False
        while self._flight and self._flight[0].finished.is_set():
            delivery = self._flight.popleft()
            delivery.result()  # a refusal that stops the sender is raised here
            segment.set(ACKED, delivery.chunk.end)
            (start_a, end_a), (start_b, end_b) = SLOTS
            segment.set(start_a, segment.get(start_b))
            segment.set(end_a, segment.get(end_b))
            segment.set(start_b, 0)
            segment.set(end_b, 0)
            moved = True
        return moved

    def _due(self, segment: Segment, committed: int) -> bool:
        # 29 bytes per point record: a count of waiting points without reading them
        if (committed - self._read_to) // 29 >= self.flush_points or segment.sealed:
            return True
        now = time.monotonic()
        if self._first_waiting is None:
            self._first_waiting = now
        return now - self._first_waiting >= self.interval

    # -- one chunk (in the pool) ----------------------------------------------------------

    def _deliver(self, chunk: Chunk) -> None:
        """Send ``chunk`` until the server takes it (or refuses it for good)."""
        while True:
            if self._abandoned:
                raise GaveUp
            try:
                self._send(chunk)
                return
            except Unreachable as exc:
                self._spool_if_long()
                if self._give_up_unreachable and self._unreachable_for() > self.grace:
                    raise
                if self._attempts == 1 or self._attempts % 20 == 0:
                    log.warning("the server is unreachable (%s); retrying", exc)
                time.sleep(self._pause())

    def _send(self, chunk: Chunk) -> None:
        """Send the chunk's parts: its points, its log lines, its latest progress. A part
        the server finds invalid is skipped (loudly) without the others."""
        batch_id = f"{self.session}.{chunk.batch_id}"
        if chunk.points and self.ended is None:
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
                with self._counts:
                    self.sent_points += chunk.points
        if chunk.lines and self.ended is None:
            lines = {"batch_id": batch_id, "lines": chunk.lines}
            if self._part(
                lambda: self.api.logs(self.experiment_id, lines), "log lines", len(chunk.lines)
            ):
                with self._counts:
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
            with self._counts:
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
        with self._counts:
            if self._unreachable_since is not None and self.spooling:
                log.warning("the server answers again; sending the spooled data")
            self.requests += 1
            self._attempts = 0
            self._unreachable_since = None
            self.spooling = False
            self._last_answer = time.monotonic()

    def _refused(self, error: ApiError, what: str, count: int) -> bool:
        """Handle a refusal of ``count`` ``what``: True when they are done with (the run
        ended, or they are skipped), False to raise the error."""
        status = error.details.get("status")
        if error.code == "INVALID_TRANSITION" and status in FINAL:
            self._end(str(status))
            return True
        if error.code in FATAL:
            self.fatal = error
            log.error("the server refuses this run's data (%s); it stays in %s", error, self.folder)
            return False
        # A batch the server finds invalid can never be accepted: skip it, loudly
        if what == "points":
            with self._counts:
                self.rejected_points += count
        log.error(
            "the server refused %d %s (%s %s); they are skipped", count, what, error, error.details
        )
        return True

    def _end(self, status: str) -> None:
        with self._counts:
            if self.ended is not None:
                return
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
            if error.code == "INVALID_TRANSITION" and status in FINAL:
                self._end(str(status))
            elif error.code in FATAL:
                self.fatal = error
        except Unreachable:
            self._spool_if_long()

    def _pause(self) -> float:
        """The wait before the next retry: the backoff, cut so the spool starts when the
        grace ends."""
        pause = backoff(max(1, self._attempts))
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
        with self._counts:
            if not self.spooling:
                self.spooling = True
                log.warning(
                    "the server has not answered for %.0f s; the run's data is spooled in %s",
                    self._unreachable_for(),
                    self.folder,
                )
            now = time.monotonic()
            if now - self._last_sync < 1.0:
                return
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
            self._read_to = segment.acked
            scan_keys(segment, HEADER, self._read_to, self._keys)
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
