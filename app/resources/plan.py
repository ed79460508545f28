"""The queue's plan for one pool: who starts now, and when each other entry should.

Pure functions over plain values (no database), so the rules are tested directly.

**Order.** Entries are taken by priority (higher first); within a priority, by the pool's
``QueueOrder`` (``Ordering``):

* ``FIFO`` (the default): by the time they joined the queue, then by id.
* ``WIDEST_FIRST``: by the *window* they joined in (``Ordering.window``: a UTC day, the
  windows counted from the Unix epoch), earlier windows first; in a window, the entries
  asking for the most GPUs first (then CPU cores, then memory), among equals the shorter
  ``maxDurationMinutes`` first, then as FIFO. The wide entries are the ones a FIFO pool
  holds GPUs idle for (the pool drains until one fits); taken first, they book the pool's
  next wide gaps and the narrow ones fill around them (``bench/queue_sim.py``: >= 99.7 %
  of a pool's GPUs busy while work waits, against 94-99 % in FIFO). The price is a narrow
  entry's place: a wider one that joins later in the same window goes ahead of it — but
  never one of a later window, so no entry waits behind entries that keep arriving.

``ORDERS`` holds both as (field, descending) pairs, ``window`` standing for the entry's
window; positions, the queue's lists and the join answer all sort by ``Ordering.key``. An
entry's *position* is its 1-based place in that order among the entries that do not
start now.

**Resources.** A pool has three dimensions: GPUs, CPU cores and memory (GB); an entry
needs a vector of the three and fits only where all three are free.

**Conservative backfill.** The pool's free resources over time are a step function of
vectors (the *profile*): free now, plus each running reservation's GPUs, cores and memory
from its end (``expiresAt``: the latest a run may hold them; one already past it counts as
ending just after now: what it holds is free only once the expiry released it). Each entry
in order books the earliest interval of its length (its ``maxDurationMinutes``) where what
it needs is free throughout, on every dimension, and that interval's start is its
estimated start. An entry whose booking starts now starts now. Since every entry books
only what the entries before it left free, a later (smaller, shorter) entry starts ahead
of an earlier one only where that cannot move the earlier one's estimated start: the
classic conservative backfill — on whichever dimension is short (a pool short of CPU cores
holds a GPU entry back as a pool short of GPUs does).

An entry that needs more of a dimension than the pool has gets no booking (no estimate)
until the pool grows; an entry held back by a per-user or per-hypothesis cap gets none
either (its start depends on its owner's other runs ending, not on the pool), and it books
nothing, so it holds nobody up.

Cost: each entry walks the profile once (its candidate start moves past the step that
failed), so a plan is O(entries x profile steps), with at most two steps per running
reservation and booked entry.
"""

from __future__ import annotations

import bisect
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.models.enums import QueueOrder

JUST_AFTER = timedelta(microseconds=1)
# A dimension the caller does not constrain (``plan(cpu_cores=None)``): never short
UNLIMITED = 1 << 62

# (GPUs, CPU cores, memory GB)
Vector = tuple[int, int, int]

# Each order as (``Waiting`` field, descending) pairs, most significant first (the
# descending ones are integers)
ORDERS: dict[QueueOrder, tuple[tuple[str, bool], ...]] = {
    QueueOrder.FIFO: (("priority", True), ("queued_at", False), ("experiment_id", False)),
    QueueOrder.WIDEST_FIRST: (
        ("priority", True),
        ("window", False),
        ("gpus", True),
        ("cpu_cores", True),
        ("memory_gb", True),
        ("minutes", False),
        ("queued_at", False),
        ("experiment_id", False),
    ),
}


def _fits(need: Vector, free: Vector) -> bool:
    return need[0] <= free[0] and need[1] <= free[1] and need[2] <= free[2]


def _add(a: Vector, b: Vector) -> Vector:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


@dataclass(frozen=True)
class Waiting:
    """A queued entry, as the plan needs it."""

    experiment_id: uuid.UUID
    gpus: int
    minutes: int
    priority: int
    queued_at: datetime
    owner_id: uuid.UUID
    hypothesis_id: uuid.UUID
    cpu_cores: int = 0
    memory_gb: int = 0

    @property
    def need(self) -> Vector:
        return (self.gpus, self.cpu_cores, self.memory_gb)


@dataclass(frozen=True)
class Ordering:
    """A pool's order (``QueueOrder``) and the length of ``WIDEST_FIRST``'s windows."""

    order: QueueOrder = QueueOrder.FIFO
    window: timedelta = timedelta(hours=24)

    def key(self, entry: Waiting) -> tuple[Any, ...]:
        """``entry``'s place: ascending sorts put the first entry first."""
        return tuple(
            -self._value(entry, name) if descending else self._value(entry, name)
            for name, descending in ORDERS[self.order]
        )

    def _value(self, entry: Waiting, name: str) -> Any:
        if name == "window":  # the number of the window it joined in
            return int(entry.queued_at.timestamp() // self.window.total_seconds())
        return getattr(entry, name)


@dataclass(frozen=True)
class Holding:
    """What a running reservation holds until ``ends_at``."""

    gpus: int
    ends_at: datetime
    cpu_cores: int = 0
    memory_gb: int = 0

    @property
    def held(self) -> Vector:
        return (self.gpus, self.cpu_cores, self.memory_gb)


@dataclass(frozen=True)
class Caps:
    """At most this many GPUs held at once per user / per hypothesis (0: no cap), and what
    each holds now (in every pool)."""

    per_user: int = 0
    per_hypothesis: int = 0
    user_held: dict[uuid.UUID, int] = field(default_factory=dict)
    hypothesis_held: dict[uuid.UUID, int] = field(default_factory=dict)

    def allow(self, entry: Waiting) -> bool:
        if self.per_user and self.user_held.get(entry.owner_id, 0) + entry.gpus > self.per_user:
            return False
        held = self.hypothesis_held.get(entry.hypothesis_id, 0)
        return not (self.per_hypothesis and held + entry.gpus > self.per_hypothesis)

    def take(self, entry: Waiting) -> None:
        self.user_held[entry.owner_id] = self.user_held.get(entry.owner_id, 0) + entry.gpus
        held = self.hypothesis_held.get(entry.hypothesis_id, 0)
        self.hypothesis_held[entry.hypothesis_id] = held + entry.gpus


@dataclass(frozen=True)
class Planned:
    experiment_id: uuid.UUID
    start_now: bool
    position: int | None  # None for the entries starting now
    estimated_start_at: datetime | None


ZERO = timedelta(0)


class _Bounds:
    """Lower bounds of ``Profile.earliest`` for one need, by length.

    Within a plan the profile is only ever booked, so what is free never grows: a start
    found for a length stays a lower bound for that length and every longer one (a window
    that fits also fits when shortened), and so does the first step where the need was
    free at all (length zero). ``lengths`` is sorted and ``starts`` never decreases along
    it, so a lookup is one bisection."""

    def __init__(self, first: datetime) -> None:
        self.lengths: list[timedelta] = [ZERO]
        self.starts: list[datetime] = [first]

    def lowest(self, length: timedelta) -> tuple[timedelta, datetime]:
        """The latest known bound for a search of ``length``, and the shortest length that
        bound holds for."""
        index = bisect.bisect_right(self.lengths, length) - 1
        return self.lengths[index], self.starts[index]

    def learn(self, length: timedelta, start: datetime) -> None:
        """A search of ``length`` found nothing before ``start``."""
        index = bisect.bisect_left(self.lengths, length)
        if index == len(self.lengths) or self.lengths[index] != length:
            if start <= self.starts[index - 1]:
                return  # a shorter length's bound already says as much
            self.lengths.insert(index, length)
            self.starts.insert(index, start)
        elif start > self.starts[index]:
            self.starts[index] = start
        else:
            return
        # every longer length starts no earlier
        for later in range(index + 1, len(self.starts)):
            if self.starts[later] >= start:
                break
            self.starts[later] = start


class Profile:
    """Free resources over time: ``gpus[i]``, ``cores[i]`` and ``memory[i]`` are free from
    ``times[i]`` until ``times[i + 1]`` (the last step forever). Three parallel lists, not
    a list of vectors: the walk in ``earliest`` is the plan's hot loop."""

    def __init__(self, now: datetime, free_now: Vector, holdings: list[Holding]) -> None:
        ends: dict[datetime, Vector] = {}
        for holding in holdings:
            # one past its end is still held until it is released: free just after now
            at = max(holding.ends_at, now + JUST_AFTER)
            ends[at] = _add(ends.get(at, (0, 0, 0)), holding.held)
        self.times = [now]
        self.gpus, self.cores, self.memory = [free_now[0]], [free_now[1]], [free_now[2]]
        # per need, where its searches may start (``earliest``)
        self.bounds: dict[Vector, _Bounds] = {}
        for at in sorted(ends):
            gpus, cores, memory = ends[at]
            self.times.append(at)
            self.gpus.append(self.gpus[-1] + gpus)
            self.cores.append(self.cores[-1] + cores)
            self.memory.append(self.memory[-1] + memory)

    def free(self, index: int) -> Vector:
        return (self.gpus[index], self.cores[index], self.memory[index])

    def _split(self, at: datetime) -> int:
        """The index of the step starting at ``at`` (made if needed)."""
        index = bisect.bisect_left(self.times, at)
        if index < len(self.times) and self.times[index] == at:
            return index
        self.times.insert(index, at)
        for free in (self.gpus, self.cores, self.memory):
            free.insert(index, free[index - 1])
        return index

    def earliest(self, need: Vector, length: timedelta) -> int:
        """The first step at which ``need`` stays free for ``length``.

        The walk starts at the latest lower bound the previous searches left
        (``_Bounds``), not at the profile's first step, so that a long queue does not walk
        the whole profile for every entry."""
        gpus, cores, memory = need
        times, free_gpus, free_cores, free_memory = self.times, self.gpus, self.cores, self.memory
        steps = len(times)
        bounds = self.bounds.get(need)
        if bounds is None:
            bounds = self.bounds[need] = _Bounds(times[0])
        covered, since = bounds.lowest(length)
        start = bisect.bisect_left(times, since)
        first_fit: int | None = None
        while True:
            end = times[start] + length
            index = start
            while index < steps and times[index] < end:
                if (
                    free_gpus[index] < gpus
                    or free_cores[index] < cores
                    or free_memory[index] < memory
                ):
                    break
                index += 1
            else:
                # nothing was free enough between ``since`` and the first fit: a bound for
                # every length the one the walk started from covers
                bounds.learn(covered, times[start if first_fit is None else first_fit])
                bounds.learn(length, times[start])
                return start
            if first_fit is None and index > start:
                first_fit = start  # free enough here, only not for long enough
            start = index + 1  # no interval starting before the short step can fit

    def book(self, start: int, need: Vector, length: timedelta) -> None:
        end = self._split(self.times[start] + length)
        for free, amount in zip((self.gpus, self.cores, self.memory), need, strict=True):
            if amount:
                for index in range(start, end):
                    free[index] -= amount

    @property
    def peak(self) -> Vector:
        return self.free(len(self.times) - 1)


def plan(
    *,
    now: datetime,
    capacity: int,
    reserved: int,
    holdings: list[Holding],
    waiting: list[Waiting],
    caps: Caps | None = None,
    cpu_cores: int | None = None,
    cpu_reserved: int = 0,
    memory_gb: int | None = None,
    memory_reserved: int = 0,
    ordering: Ordering = Ordering(),
) -> list[Planned]:
    """The plan for one pool (see the module docstring); ``waiting`` in any order, taken
    in ``ordering``'s.

    ``capacity`` / ``reserved``: the pool's GPUs; ``cpu_cores`` / ``memory_gb`` and their
    reserved counts likewise (None: that dimension is not constrained)."""
    caps = caps or Caps()
    # what is not accounted for by the holdings (none, unless a capacity shrank) stays taken
    free_now = (
        capacity - reserved,
        UNLIMITED if cpu_cores is None else cpu_cores - cpu_reserved,
        UNLIMITED if memory_gb is None else memory_gb - memory_reserved,
    )
    profile = Profile(now, free_now, holdings)
    planned: list[Planned] = []
    position = 0
    for entry in sorted(waiting, key=ordering.key):
        length = timedelta(minutes=max(1, entry.minutes))
        need = entry.need
        if not _fits(need, profile.peak) or not caps.allow(entry):
            position += 1
            planned.append(Planned(entry.experiment_id, False, position, None))
            continue
        start = profile.earliest(need, length)
        profile.book(start, need, length)
        if start == 0:
            caps.take(entry)
            planned.append(Planned(entry.experiment_id, True, None, None))
        else:
            position += 1
            planned.append(Planned(entry.experiment_id, False, position, profile.times[start]))
    return planned
