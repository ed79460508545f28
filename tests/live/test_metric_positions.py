"""The metric feed's resume positions (``lastSteps``) cost per key, not per point, and stay
exact: a shared live batch carries its per-key maxima, computed once for every subscriber."""

from __future__ import annotations

from datetime import UTC, datetime

from app.live.metrics import LivePoint, MetricFeed, SharedPoints, _points_of

STAMP = "2026-01-01T00:00:00+00:00"


def metrics_event(seq: int, rows: list[tuple[str, int]]) -> dict[str, object]:
    return {
        "type": "metrics",
        "experiment_id": "x",
        "seq": seq,
        "keys": [key for key, _ in rows],
        "steps": [step for _, step in rows],
        "values": [float(step) for _, step in rows],
        "timestamps": [STAMP] * len(rows),
    }


def test_a_shared_batch_knows_its_last_step_per_key() -> None:
    # keys interleaved, steps not sorted within a key: the maximum counts, not the last
    event = metrics_event(1, [("loss", 5), ("acc", 2), ("loss", 9), ("loss", 7), ("acc", 1)])
    points = _points_of(event)
    assert isinstance(points, SharedPoints)
    assert points.last_steps == {"loss": 9, "acc": 2}
    assert _points_of(event) is points  # built once per message


def test_live_batches_move_the_positions_every_subscriber_resumes_from() -> None:
    every = MetricFeed(None, None)
    some = MetricFeed(["acc"], None)
    first = metrics_event(1, [("loss", 0), ("acc", 0), ("loss", 1)])
    second = metrics_event(2, [("loss", 2), ("acc", 1), ("lr", 0)])
    for event in (first, second):
        shared = every.live(event)
        assert shared is _points_of(event)  # the shared list itself, in order
        assert [p.key for p in some.live(event)] == ["acc"]
    assert every.lagged().details == {"lastSteps": {"loss": 2, "acc": 1, "lr": 0}}
    assert some.lagged().details == {"lastSteps": {"acc": 1}}


def test_positions_never_move_back() -> None:
    feed = MetricFeed(None, None)
    feed.delivered = {"loss": 10}  # e.g. from the replay
    feed.snapshot_seq = 0
    feed.live(metrics_event(1, [("loss", 3), ("acc", 4)]))
    assert feed.delivered == {"loss": 10, "acc": 4}


def test_replayed_batches_are_dropped_and_do_not_move_positions() -> None:
    feed = MetricFeed(None, None)
    feed.snapshot_seq = 2  # batches 1 and 2 were in the replay
    assert feed.live(metrics_event(2, [("loss", 50)])) == []
    assert feed.delivered == {}
    assert [p.step for p in feed.live(metrics_event(3, [("loss", 51)]))] == [51]
    assert feed.delivered == {"loss": 51}


def test_a_replay_chunk_is_noted_point_by_point() -> None:
    feed = MetricFeed(None, None)
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    feed.note([LivePoint("loss", 3, 1.0, stamp), LivePoint("loss", 8, 1.0, stamp)])
    assert feed.delivered == {"loss": 8}
