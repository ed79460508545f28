"""``bench/ingest.py`` stays runnable and its bookkeeping holds: the feed never sends a step
of a key twice across slices, a side counts as warm only when its last two slices agree, the
sides take turns, and a small run on each backend ends with every point stored (the bench
checks the counts) and the ratio lines printed. Its rates are the benchmark's to print, not
asserted here."""

from __future__ import annotations

import os
from typing import cast

import pytest

from bench import ingest
from tests.pg import TEST_DATABASE_ENV

NO_SIDE = cast(ingest.Side, None)  # the bookkeeping below never sends
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(TEST_DATABASE_ENV) else [])


def test_the_feed_goes_on_where_the_last_slice_ended() -> None:
    feed = ingest.Feed(size=10, keys=3)
    first, second = feed.take(45), feed.take(30)

    assert [len(b.steps) for b in first] == [10, 10, 10, 10, 5]
    sent = [(b.key, step) for b in first + second for step in b.steps]
    assert len(sent) == len(set(sent)) == 75 == feed.points
    for key in range(3):
        steps = [step for k, step in sent if k == key]
        assert steps == sorted(steps)
    assert [b.key for b in first + second] == [0, 1, 2, 0, 1, 2, 0, 1]


@pytest.mark.parametrize(
    ("rates", "steady"),
    [([100.0], False), ([50.0, 100.0, 97.0], True), ([100.0, 90.0], False), ([90.0, 100.0], False)],
)
def test_a_side_is_warm_once_its_last_two_slices_agree(rates: list[float], steady: bool) -> None:
    lane = ingest.Lane(NO_SIDE, ingest.Feed(10, 1), points=10, warmup=rates)
    assert lane.steady(0.05) is steady


def test_each_round_starts_one_side_further_on() -> None:
    lanes = [ingest.Lane(NO_SIDE, ingest.Feed(10, 1), points=n) for n in range(3)]
    orders = [[lane.points for lane in ingest.turn(lanes, r)] for r in range(4)]
    assert orders == [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 1, 2]]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_small_run_stores_every_point_and_prints_the_ratios(
    backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--backend", backend, "--points-total", "8000", "--rounds", "2"]
    argv += ["--max-warmup-rounds", "3", "--warmup", "1"]
    if backend == "postgresql":
        argv += ["--pg-server-url", os.environ[TEST_DATABASE_ENV]]

    assert ingest.main(argv) == 0

    printed = capsys.readouterr().out
    assert f"== ingest ({backend})" in printed
    assert "round 2" in printed
    row = next(line for line in printed.splitlines() if line.startswith("expsvc REST batch "))
    assert row.split()[3:5] == ["2", "8,000"]  # slices, timed points
    assert ("expsvc / raw COPY:" in printed) is (backend == "postgresql")
