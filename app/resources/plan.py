"""The GPU queue's plan for one pool: who starts now, and when each other entry should.

Pure functions over plain values (no database), so the rules are tested directly.

**Order.** Entries are taken by priority (higher first), then by the time they joined the
queue (FIFO), then by id. An entry's *position* is its 1-based place in that order among
the entries that do not start now.

**Conservative backfill.** The pool's free GPUs over time are a step function (the
*profile*): free now, plus each running reservation's GPUs from its end (``expiresAt``:
the latest a run may hold them; one already past it counts as ending just after now: its GPUs are
free only once the expiry released them). Each entry in
order books the earliest interval of its length (its ``maxDurationMinutes``) where enough
GPUs are free throughout, and that interval's start is its estimated start. An entry
whose booking starts now starts now. Since every entry books only what the entries before
it left free, a later (smaller, shorter) entry starts ahead of an earlier one only where
that cannot move the earlier one's estimated start: the classic conservative backfill.

An entry that needs more GPUs than the pool has gets no booking (no estimate) until the
pool grows; an entry held back by a per-user or per-hypothesis cap gets none either (its
start depends on its owner's other runs ending, not on the pool), and it books nothing,
so it holds nobody up.

Cost: each entry walks the profile once (its candidate start moves past the step that
failed), so a plan is O(entries x profile steps), with at most two steps per running
reservation and booked entry.
"""

from __future__ import annotations

import bisect
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

JUST_AFTER = timedelta(microseconds=1)


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

    @property
    def order_key(self) -> tuple[int, datetime, uuid.UUID]:
        return (-self.priority, self.queued_at, self.experiment_id)


@dataclass(frozen=True)
class Holding:
    """GPUs a running reservation holds until ``ends_at``."""

    gpus: int
    ends_at: datetime


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


class Profile:
    """Free GPUs over time: ``free[i]`` holds from ``times[i]`` until ``times[i + 1]``
    (the last step forever)."""

    def __init__(self, now: datetime, free_now: int, holdings: list[Holding]) -> None:
        ends: dict[datetime, int] = {}
        for holding in holdings:
            # one past its end is still held until it is released: free just after now
            at = max(holding.ends_at, now + JUST_AFTER)
            ends[at] = ends.get(at, 0) + holding.gpus
        self.times = [now]
        self.free = [free_now]
        for at in sorted(ends):
            self.times.append(at)
            self.free.append(self.free[-1] + ends[at])

    def _split(self, at: datetime) -> int:
        """The index of the step starting at ``at`` (made if needed)."""
        index = bisect.bisect_left(self.times, at)
        if index < len(self.times) and self.times[index] == at:
            return index
        self.times.insert(index, at)
        self.free.insert(index, self.free[index - 1])
        return index

    def earliest(self, gpus: int, length: timedelta) -> int:
        """The first step at which ``gpus`` stay free for ``length``."""
        start = 0
        while True:
            end = self.times[start] + length
            index = start
            while index < len(self.times) and self.times[index] < end:
                if self.free[index] < gpus:
                    break
                index += 1
            else:
                return start
            start = index + 1  # no interval starting before the short step can fit

    def book(self, start: int, gpus: int, length: timedelta) -> None:
        end = self._split(self.times[start] + length)
        for index in range(start, end):
            self.free[index] -= gpus

    @property
    def peak(self) -> int:
        return self.free[-1]


def plan(
    *,
    now: datetime,
    capacity: int,
    reserved: int,
    holdings: list[Holding],
    waiting: list[Waiting],
    caps: Caps | None = None,
) -> list[Planned]:
    """The plan for one pool (see the module docstring); ``waiting`` in any order."""
    caps = caps or Caps()
    # what is not accounted for by the holdings (none, unless capacity shrank) stays taken
    profile = Profile(now, capacity - reserved, holdings)
    planned: list[Planned] = []
    position = 0
    for entry in sorted(waiting, key=lambda e: e.order_key):
        length = timedelta(minutes=max(1, entry.minutes))
        if entry.gpus > profile.peak or not caps.allow(entry):
            position += 1
            planned.append(Planned(entry.experiment_id, False, position, None))
            continue
        start = profile.earliest(entry.gpus, length)
        profile.book(start, entry.gpus, length)
        if start == 0:
            caps.take(entry)
            planned.append(Planned(entry.experiment_id, True, None, None))
        else:
            position += 1
            planned.append(Planned(entry.experiment_id, False, position, profile.times[start]))
    return planned
