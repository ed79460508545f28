"""The queue's plan for one pool (``app/resources/plan.py``): order, estimates from the
reservations' ends, conservative backfill, entries too large for the pool, caps; and the
same over three dimensions (GPUs, CPU cores, memory): an entry books only where all three
fit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.models.enums import QueueOrder
from app.resources.plan import Caps, Holding, Ordering, Profile, Waiting, plan

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
ALICE, BOB = uuid.uuid4(), uuid.uuid4()
HYPOTHESIS = uuid.uuid4()


def entry(
    gpus: int,
    minutes: int = 60,
    *,
    priority: int = 0,
    joined: int = 0,
    owner: uuid.UUID = ALICE,
    cores: int = 0,
    memory: int = 0,
) -> Waiting:
    return Waiting(
        experiment_id=uuid.uuid4(),
        gpus=gpus,
        minutes=minutes,
        priority=priority,
        queued_at=NOW - timedelta(seconds=100 - joined),
        owner_id=owner,
        hypothesis_id=HYPOTHESIS,
        cpu_cores=cores,
        memory_gb=memory,
    )


def ends_in(minutes: int, gpus: int, cores: int = 0, memory: int = 0) -> Holding:
    return Holding(gpus, NOW + timedelta(minutes=minutes), cores, memory)


def test_fifo_within_a_priority_and_higher_priority_first():
    first, second, urgent = entry(2, joined=1), entry(2, joined=2), entry(2, joined=3, priority=5)
    planned = plan(
        now=NOW,
        capacity=2,
        reserved=2,
        holdings=[ends_in(30, 2)],
        waiting=[second, urgent, first],
    )
    assert [p.experiment_id for p in planned] == [
        urgent.experiment_id,
        first.experiment_id,
        second.experiment_id,
    ]
    assert [p.position for p in planned] == [1, 2, 3]
    assert not any(p.start_now for p in planned)
    # each books the pool after the one before it: at the reservation's end, then 60' apart
    assert [p.estimated_start_at for p in planned] == [
        NOW + timedelta(minutes=30),
        NOW + timedelta(minutes=90),
        NOW + timedelta(minutes=150),
    ]


def test_free_gpus_start_entries_in_order():
    a, b, c = entry(1, joined=1), entry(2, joined=2), entry(4, joined=3)
    planned = plan(now=NOW, capacity=4, reserved=0, holdings=[], waiting=[a, b, c])
    assert [(p.start_now, p.position) for p in planned] == [(True, None), (True, None), (False, 1)]
    assert planned[2].estimated_start_at == NOW + timedelta(minutes=60)


def test_a_short_small_entry_backfills_ahead_of_a_large_one():
    """4 GPUs, 3 held for 60 more minutes: the large entry (4) starts in 60 minutes; a
    1-GPU, 30-minute entry behind it ends before that and starts now."""
    large, short = entry(4, joined=1), entry(1, 30, joined=2)
    planned = plan(
        now=NOW, capacity=4, reserved=3, holdings=[ends_in(60, 3)], waiting=[large, short]
    )
    by_id = {p.experiment_id: p for p in planned}
    assert by_id[short.experiment_id].start_now
    assert by_id[large.experiment_id].estimated_start_at == NOW + timedelta(minutes=60)
    assert by_id[large.experiment_id].position == 1


def test_a_long_small_entry_does_not_delay_the_large_one():
    """The same, but the small entry would still hold its GPU at the large one's start."""
    large, long = entry(4, joined=1), entry(1, 90, joined=2)
    planned = plan(
        now=NOW, capacity=4, reserved=3, holdings=[ends_in(60, 3)], waiting=[large, long]
    )
    by_id = {p.experiment_id: p for p in planned}
    assert not by_id[long.experiment_id].start_now
    assert by_id[large.experiment_id].estimated_start_at == NOW + timedelta(minutes=60)
    # it goes after the large one's booking
    assert by_id[long.experiment_id].estimated_start_at == NOW + timedelta(minutes=120)


def test_a_small_entry_fitting_beside_the_large_ones_booking_starts_now():
    """8 GPUs, 6 held for 60 minutes: the large entry (6) starts in 60 minutes and leaves 2
    spare then, so a long 2-GPU entry starts now without delaying it."""
    large, beside = entry(6, joined=1), entry(2, 600, joined=2)
    planned = plan(
        now=NOW, capacity=8, reserved=6, holdings=[ends_in(60, 6)], waiting=[large, beside]
    )
    by_id = {p.experiment_id: p for p in planned}
    assert by_id[beside.experiment_id].start_now
    assert by_id[large.experiment_id].estimated_start_at == NOW + timedelta(minutes=60)


def test_a_past_due_reservation_counts_as_ending_now():
    waiting = entry(2)
    (planned,) = plan(now=NOW, capacity=2, reserved=2, holdings=[ends_in(-5, 2)], waiting=[waiting])
    # its GPUs are not released yet, so it cannot start; it is due first
    assert not planned.start_now
    assert planned.estimated_start_at == NOW + timedelta(microseconds=1)


def test_an_entry_larger_than_the_pool_has_no_estimate_and_blocks_nobody():
    huge, small = entry(8, joined=1), entry(1, joined=2)
    planned = plan(now=NOW, capacity=4, reserved=0, holdings=[], waiting=[huge, small])
    assert planned[0].estimated_start_at is None and planned[0].position == 1
    assert planned[1].start_now


def test_a_capped_entry_waits_without_holding_anyone_up():
    capped, other = entry(2, joined=1, owner=ALICE), entry(2, joined=2, owner=BOB)
    caps = Caps(per_user=2, user_held={ALICE: 2})
    planned = plan(
        now=NOW,
        capacity=4,
        reserved=2,
        holdings=[ends_in(60, 2)],
        waiting=[capped, other],
        caps=caps,
    )
    assert (planned[0].start_now, planned[0].position, planned[0].estimated_start_at) == (
        False,
        1,
        None,
    )
    assert planned[1].start_now


def test_caps_count_the_entries_started_in_the_same_plan():
    a, b = entry(1, joined=1), entry(1, joined=2)
    caps = Caps(per_hypothesis=1)
    planned = plan(now=NOW, capacity=4, reserved=0, holdings=[], waiting=[a, b], caps=caps)
    assert [p.start_now for p in planned] == [True, False]
    assert planned[1].estimated_start_at is None


# --- CPU cores and memory ----------------------------------------------------------------


def test_an_entry_starts_only_where_gpus_cores_and_memory_all_fit():
    """4 GPUs free, but 4 of 8 cores and 16 of 64 GB: the first fits, the second is short
    of cores, the third of memory."""
    fits = entry(1, cores=4, memory=16, joined=1)
    too_many_cores = entry(1, cores=8, memory=8, joined=2)
    too_much_memory = entry(1, cores=1, memory=64, joined=3)
    planned = plan(
        now=NOW,
        capacity=4,
        reserved=0,
        holdings=[ends_in(60, 0, 4, 48)],
        waiting=[fits, too_many_cores, too_much_memory],
        cpu_cores=8,
        cpu_reserved=4,
        memory_gb=64,
        memory_reserved=48,
    )
    by_id = {p.experiment_id: p for p in planned}
    assert by_id[fits.experiment_id].start_now
    # both wait for the holding's end (and the cores and GB the first one books meanwhile)
    assert by_id[too_many_cores.experiment_id].estimated_start_at == NOW + timedelta(minutes=60)
    assert by_id[too_much_memory.experiment_id].estimated_start_at == NOW + timedelta(minutes=120)


def test_backfill_in_a_pool_short_of_cores_does_not_delay_an_earlier_entry():
    """Free GPUs do not make a later entry start if its cores would delay an earlier one:
    4 GPUs all free, 16 cores with 8 held for 60 minutes. The large entry needs all 16
    cores (starts in 60); a 1-GPU, 8-core entry behind it fits now on every dimension but
    would still hold its cores at 60 when it runs 90 minutes, so it books after the large
    one; a 30-minute one ends in time and starts now."""
    large = entry(2, 60, cores=16, joined=1)
    long = entry(1, 90, cores=8, joined=2)
    short = entry(1, 30, cores=8, joined=3)
    planned = plan(
        now=NOW,
        capacity=4,
        reserved=0,
        holdings=[ends_in(60, 0, 8)],
        waiting=[large, long, short],
        cpu_cores=16,
        cpu_reserved=8,
        memory_gb=None,
    )
    by_id = {p.experiment_id: p for p in planned}
    assert by_id[large.experiment_id].estimated_start_at == NOW + timedelta(minutes=60)
    assert not by_id[long.experiment_id].start_now
    assert by_id[long.experiment_id].estimated_start_at == NOW + timedelta(minutes=120)
    assert by_id[short.experiment_id].start_now
    assert [by_id[e.experiment_id].position for e in (large, long)] == [1, 2]


def test_a_gpu_only_plan_would_have_let_it_start():
    """The counter-check of the test above: without the cores constraint the 90-minute
    entry starts now (GPUs alone never delay the large one)."""
    large, long = entry(2, 60, cores=16, joined=1), entry(1, 90, cores=8, joined=2)
    planned = plan(
        now=NOW, capacity=4, reserved=0, holdings=[ends_in(60, 0, 8)], waiting=[large, long]
    )
    assert [p.start_now for p in planned] == [True, True]


def test_an_entry_needing_more_cores_or_memory_than_the_pool_has_gets_no_estimate():
    huge_cores = entry(1, cores=32, joined=1)
    huge_memory = entry(1, memory=512, joined=2)
    small = entry(1, cores=2, memory=8, joined=3)
    planned = plan(
        now=NOW,
        capacity=4,
        reserved=0,
        holdings=[],
        waiting=[huge_cores, huge_memory, small],
        cpu_cores=16,
        memory_gb=256,
    )
    assert [(p.position, p.estimated_start_at) for p in planned[:2]] == [(1, None), (2, None)]
    assert planned[2].start_now


def test_cpu_only_entries_plan_on_cores_alone():
    """0-GPU entries on a pool of 0 GPUs (a CPU pool): in order as the cores free up."""
    a, b, c = entry(0, cores=4, joined=1), entry(0, cores=4, joined=2), entry(0, cores=8, joined=3)
    planned = plan(
        now=NOW,
        capacity=0,
        reserved=0,
        holdings=[ends_in(30, 0, 4)],
        waiting=[a, b, c],
        cpu_cores=12,
        cpu_reserved=4,
        memory_gb=64,
    )
    assert [p.start_now for p in planned] == [True, True, False]
    assert planned[2].estimated_start_at == NOW + timedelta(minutes=60)


WIDEST = Ordering(QueueOrder.WIDEST_FIRST)


def test_widest_first_takes_the_widest_then_the_shortest_then_the_earliest():
    narrow = entry(1, 60, joined=1)
    wide_long = entry(4, 240, joined=2)
    wide_short = entry(4, 30, joined=3)
    wide_short_later = entry(4, 30, joined=4)
    more_cores = entry(1, 60, joined=5, cores=8)
    urgent_narrow = entry(1, 60, joined=6, priority=1)
    waiting = [narrow, wide_long, wide_short, wide_short_later, more_cores, urgent_narrow]
    planned = plan(
        now=NOW,
        capacity=4,
        reserved=4,
        holdings=[ends_in(30, 4, 16)],
        waiting=waiting,
        cpu_cores=16,
        cpu_reserved=16,
        ordering=WIDEST,
    )
    # priority still first; then GPUs, then cores, then the shorter bound, then FIFO
    expected = [urgent_narrow, wide_short, wide_short_later, wide_long, more_cores, narrow]
    assert [p.experiment_id for p in planned] == [e.experiment_id for e in expected]
    assert [p.position for p in planned] == [1, 2, 3, 4, 5, 6]
    fifo = plan(now=NOW, capacity=4, reserved=4, holdings=[ends_in(30, 4)], waiting=waiting)
    first_two = [p.experiment_id for p in fifo][:2]
    assert first_two == [urgent_narrow.experiment_id, narrow.experiment_id]


def test_widest_first_books_the_wide_entry_first_and_the_narrow_one_fills_around_it():
    """One GPU is free now and all four an hour from now. In FIFO the narrow two-hour entry,
    first in the queue, takes the free GPU and the wide one waits for it to end; in
    WIDEST_FIRST the wide one books the hour after the running reservation, the narrow
    one cannot start without delaying it, and a narrow one short enough to end before that
    hour starts now."""
    narrow_long = entry(1, 120, joined=1)
    wide = entry(4, 60, joined=2)
    narrow_short = entry(1, 45, joined=3)
    args = dict(
        now=NOW,
        capacity=4,
        reserved=3,
        holdings=[ends_in(60, 3)],
        waiting=[narrow_long, wide, narrow_short],
    )
    fifo = {p.experiment_id: p for p in plan(**args)}
    assert fifo[narrow_long.experiment_id].start_now
    assert fifo[wide.experiment_id].estimated_start_at == NOW + timedelta(minutes=120)

    widest = {p.experiment_id: p for p in plan(**args, ordering=WIDEST)}
    assert widest[wide.experiment_id].estimated_start_at == NOW + timedelta(minutes=60)
    assert widest[narrow_short.experiment_id].start_now
    assert not widest[narrow_long.experiment_id].start_now
    assert widest[narrow_long.experiment_id].estimated_start_at == NOW + timedelta(minutes=120)


def test_widest_first_never_puts_an_entry_behind_one_of_a_later_window():
    """Windows of an hour: the narrow entry of the earlier window goes first, the wide one
    of the same later window goes before the narrow one that joined before it."""
    hour = Ordering(QueueOrder.WIDEST_FIRST, window=timedelta(hours=1))
    # ``entry`` joins ``100 - joined`` seconds before NOW, 12:00: the window's edge
    early_narrow = entry(1, joined=99)
    late_narrow = entry(1, joined=101)
    late_wide = entry(4, joined=110)
    args = dict(
        now=NOW + timedelta(minutes=1),
        capacity=4,
        reserved=4,
        holdings=[ends_in(60, 4)],
        waiting=[late_wide, late_narrow, early_narrow],
    )
    planned = plan(**args, ordering=hour)
    assert [p.experiment_id for p in planned] == [
        early_narrow.experiment_id,
        late_wide.experiment_id,
        late_narrow.experiment_id,
    ]
    # in one window of a day all three are ordered by width
    day = plan(**args, ordering=WIDEST)
    assert day[0].experiment_id == late_wide.experiment_id


@settings(max_examples=150, deadline=None)
@given(
    order=st.sampled_from(list(QueueOrder)),
    window=st.sampled_from([10, 50, 86_400]),  # seconds: entries join 1 s apart
    holdings=st.lists(st.tuples(st.integers(-30, 300), st.integers(1, 4)), max_size=5),
    waiting=st.lists(
        st.tuples(
            st.sampled_from([1, 1, 2, 4, 8]),
            st.sampled_from([10, 30, 60, 240]),
            st.integers(-1, 1),
        ),
        max_size=25,
    ),
)
def test_no_entry_is_delayed_by_the_entries_after_it_in_either_order(
    order, window, holdings, waiting
):
    """Each entry's plan (start now, or its estimate) is what it would be if none of the
    entries after it in the pool's order were waiting: a later entry never moves it."""
    held = [ends_in(minutes, gpus) for minutes, gpus in holdings]
    reserved = sum(h.gpus for h in held)
    entries = [
        entry(gpus, minutes, priority=priority, joined=number)
        for number, (gpus, minutes, priority) in enumerate(waiting)
    ]
    args = dict(now=NOW, capacity=max(8, reserved), reserved=reserved, holdings=held)
    ordering = Ordering(order, window=timedelta(seconds=window))
    full = plan(**args, waiting=entries, ordering=ordering)
    ordered = sorted(entries, key=ordering.key)
    assert [p.experiment_id for p in full] == [e.experiment_id for e in ordered]
    for count, planned in enumerate(full, start=1):
        alone = plan(**args, waiting=ordered[:count], ordering=ordering)[-1]
        assert (alone.start_now, alone.estimated_start_at) == (
            planned.start_now,
            planned.estimated_start_at,
        )


def walk_from_the_start(profile: Profile, need: tuple[int, int, int], length: timedelta) -> int:
    """``Profile.earliest`` without its bounds: every search walks from the first step."""
    start = 0
    while True:
        end = profile.times[start] + length
        index = start
        while index < len(profile.times) and profile.times[index] < end:
            if any(free < amount for free, amount in zip(profile.free(index), need, strict=True)):
                break
            index += 1
        else:
            return start
        start = index + 1


@settings(max_examples=400, deadline=None)
@given(
    holdings=st.lists(
        st.tuples(st.integers(-30, 600), st.integers(1, 4), st.sampled_from([0, 0, 8])),
        max_size=8,
    ),
    waiting=st.lists(
        st.tuples(
            st.sampled_from([1, 2, 2, 4]),  # needs repeat, so earlier searches' bounds apply
            st.one_of(st.sampled_from([10, 30, 60, 240]), st.integers(1, 600)),
            st.integers(-1, 1),
            st.sampled_from([0, 0, 0, 8]),
        ),
        max_size=120,
    ),
)
def test_the_bounds_of_earlier_searches_change_no_plan(holdings, waiting):
    held = [ends_in(minutes, gpus, cores) for minutes, gpus, cores in holdings]
    reserved = sum(h.gpus for h in held)
    cores_reserved = sum(h.cpu_cores for h in held)
    entries = [
        entry(gpus, minutes, priority=priority, joined=number, cores=cores)
        for number, (gpus, minutes, priority, cores) in enumerate(waiting)
    ]
    args = dict(
        now=NOW,
        capacity=max(8, reserved),
        reserved=reserved,
        holdings=held,
        waiting=entries,
        cpu_cores=max(32, cores_reserved),
        cpu_reserved=cores_reserved,
    )
    memoised = plan(**args)
    real = Profile.earliest
    Profile.earliest = walk_from_the_start  # type: ignore[method-assign]
    try:
        reference = plan(**args)
    finally:
        Profile.earliest = real  # type: ignore[method-assign]
    assert memoised == reference
